// lmul/gemm/bf16_kernel.hpp -- the AVX-512 BF16 micro-kernel for 8-bit formats.
//
// Per step pair (bf16_packing.hpp) and per row i of the tile, for each of NV vectors of B:
//     words = vpaddw{zero-masked where B's operand is zero}(A's word pair, B's word pairs)
//           = the bf16 wide products of 32 (column, step) pairs (kernels/operand_words.hpp)
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
// (kernels/operand_words.hpp): the lane sums the step pair's products exactly as two fp32 additions would.
#pragma once

#include "../detail/isa_namespace.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include <immintrin.h>

#include "micro_kernel.hpp"  // c_tile

#define LMUL_BF16_TARGET __attribute__((target("avx512f,avx512bw,avx512bf16")))

namespace lmul {
namespace detail {
inline namespace LMUL_ISA {

/// C tile (+)= sum over the `pairs` step pairs of the wide products of packed row i and column j
/// (NR = 16 NV). Run only where the CPU has AVX-512 BF16.
template <std::size_t MR, std::size_t NV>
LMUL_BF16_TARGET void bf16_micro_kernel(std::size_t pairs, const std::uint32_t* a_panel,
                                        const std::uint32_t* b_panel, c_tile out) {
  constexpr std::size_t L = 16;
  constexpr std::size_t NR = NV * L;
  __m512 acc[MR][NV];
#pragma GCC unroll 16
  for (std::size_t i = 0; i < MR; ++i) {
#pragma GCC unroll 4
    for (std::size_t v = 0; v < NV; ++v) acc[i][v] = _mm512_setzero_ps();
  }
  // B's zero operands are the words with magnitude part 0 (kernels/operand_words.hpp).
  const __m512i magnitude_bits = _mm512_set1_epi16(0x7FFF);
  for (std::size_t t = 0; t < pairs; ++t) {
    __m512i b_word[NV];
    __mmask32 b_nonzero[NV];
#pragma GCC unroll 4
    for (std::size_t v = 0; v < NV; ++v) {
      b_word[v] = _mm512_loadu_si512(b_panel + v * L);
      b_nonzero[v] = _mm512_test_epi16_mask(b_word[v], magnitude_bits);
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
    b_panel += NR;
  }
  // Columns v * 16 + l < cols of each vector are C's; the masked loads and stores skip the rest.
  __mmask16 column_mask[NV];
#pragma GCC unroll 4
  for (std::size_t v = 0; v < NV; ++v) {
    const std::size_t first = v * L;
    const std::size_t width = out.cols > first ? std::min(L, out.cols - first) : 0;
    column_mask[v] = __mmask16((1u << width) - 1u);
  }
#pragma GCC unroll 16
  for (std::size_t i = 0; i < MR; ++i) {
    if (i >= out.rows) break;
    float* row = out.c + i * out.ldc;
#pragma GCC unroll 4
    for (std::size_t v = 0; v < NV; ++v) {
      __m512 sum = acc[i][v];
      if (!out.overwrite) {
        sum = _mm512_add_ps(_mm512_maskz_loadu_ps(column_mask[v], row + v * L), sum);
      }
      _mm512_mask_storeu_ps(row + v * L, column_mask[v], sum);
    }
  }
}

}  // inline namespace LMUL_ISA
}  // namespace detail
}  // namespace lmul
