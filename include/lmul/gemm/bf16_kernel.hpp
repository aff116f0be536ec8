// lmul/gemm/bf16_kernel.hpp -- the AVX-512 BF16 micro-kernel for 8-bit formats.
//
// Per step pair (bf16_packing.hpp) and per row i of the tile, for each of NV vectors of B:
//     words = vpaddw{zero-masked by B's nonzero mask}(A's word pair, B's word pairs)
//           = the bf16 wide products of 32 (column, step) pairs (bf16_words.hpp)
//     acc   = vdpbf16ps(acc, words, A's filter pair)
// HARDWARE MULTIPLIER AS ADDER: the filter is +1.0 (or 0.0 where A's operand is zero), so the
// BF16 dot-product unit multiplies every product by one (or drops it) and adds it into fp32: a
// 32-lane widening adder. No product of two data values is computed by a hardware multiplier;
// the L-Mul products come from the integer addition.
// So 32 products cost one vpaddw and one vdpbf16ps, against one vpaddd and one vaddps per 16
// products for the 32-bit word kernel (micro_kernel.hpp): twice the products per instruction.
//
// What vdpbf16ps computes (Intel SDM, VDPBF16PS): for each fp32 lane,
//     acc = acc + high_word * high_filter;  acc = acc + low_word * low_filter
// two FMAs in that order, each rounded to nearest even, denormal inputs read as zero and denormal
// results flushed to zero, MXCSR ignored. With a filter of 1.0 or 0.0 the product is exact, so
// each step is one ordinary fp32 addition (of the product, or of a zero), and no denormal occurs
// (bf16_words.hpp): the lane sums the step pair's products exactly as two fp32 additions would.
#pragma once

#include <cstddef>
#include <cstdint>

#include <immintrin.h>

#define LMUL_BF16_TARGET __attribute__((target("avx512f,avx512bw,avx512bf16")))

namespace lmul::gemm_detail {

/// tile[i * NR + j] = sum over the `pairs` step pairs of the wide products of packed row i and
/// column j (NR = 16 NV). Run only where the CPU has AVX-512 BF16.
template <std::size_t MR, std::size_t NV>
LMUL_BF16_TARGET void bf16_micro_kernel(std::size_t pairs, const std::uint32_t* a_panel,
                                        const std::uint32_t* b_words, const std::uint32_t* b_masks,
                                        float* tile) {
  constexpr std::size_t L = 16;
  constexpr std::size_t NR = NV * L;
  __m512 acc[MR][NV];
#pragma GCC unroll 16
  for (std::size_t i = 0; i < MR; ++i) {
#pragma GCC unroll 4
    for (std::size_t v = 0; v < NV; ++v) acc[i][v] = _mm512_setzero_ps();
  }
  for (std::size_t t = 0; t < pairs; ++t) {
    __m512i b_word[NV];
    __mmask32 b_nonzero[NV];
#pragma GCC unroll 4
    for (std::size_t v = 0; v < NV; ++v) {
      b_word[v] = _mm512_loadu_si512(b_words + v * L);
      b_nonzero[v] = _cvtu32_mask32(b_masks[v]);
    }
#pragma GCC unroll 16
    for (std::size_t i = 0; i < MR; ++i) {
      const __m512i a_word = _mm512_set1_epi32(int(a_panel[i]));
      const __m512bh a_filter = (__m512bh)_mm512_set1_epi32(int(a_panel[MR + i]));
#pragma GCC unroll 4
      for (std::size_t v = 0; v < NV; ++v) {
        const __m512i products = _mm512_maskz_add_epi16(b_nonzero[v], a_word, b_word[v]);
        acc[i][v] = _mm512_dpbf16_ps(acc[i][v], (__m512bh)products, a_filter);
      }
    }
    a_panel += 2 * MR;
    b_words += NR;
    b_masks += NV;
  }
#pragma GCC unroll 16
  for (std::size_t i = 0; i < MR; ++i) {
#pragma GCC unroll 4
    for (std::size_t v = 0; v < NV; ++v) _mm512_storeu_ps(tile + i * NR + v * L, acc[i][v]);
  }
}

}  // namespace lmul::gemm_detail
