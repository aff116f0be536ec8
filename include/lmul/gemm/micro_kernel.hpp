// lmul/gemm/micro_kernel.hpp -- the SIMD inner loop: an MR x NR tile of C from packed panels.
//
// Per step p and per row i it broadcasts A's word and mask, and for each of NV vectors of B:
//     product = (a_word + b_word) AND (a_mask AND b_mask)     one integer add + one 3-input AND
//     acc    += bit_cast<float>(product)                       one fp32 add
// No multiplication anywhere: that is L-Mul (kernels/operand_words.hpp explains why the sum is the
// product). Panels without a zero operand skip their mask: with neither, one integer add + one
// fp32 add. The accumulators stay in registers: MR * NV of them, sized to the register file of the
// arch. With AVX-512 the masks go into mask registers instead (free), leaving one integer add and
// one fp32 add per vector of products, the same instruction count as an FMA-based sgemm kernel.
#pragma once

#include "../detail/isa_namespace.hpp"

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <xsimd/xsimd.hpp>
#if defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace lmul {
namespace detail {
inline namespace LMUL_ISA {

/// Tile geometry of an instruction set: NR = NV vectors of B per row, MR rows of A.
template <class Arch>
struct kernel_shape {
  using word_batch = xsimd::batch<std::uint32_t, Arch>;
  using float_batch = xsimd::batch<float, Arch>;
  static constexpr std::size_t lanes = word_batch::size;
  static constexpr std::size_t vectors_per_row = 2;  // NV
  static constexpr std::size_t nr = lanes * vectors_per_row;
  // The accumulators (MR * NV), B's NV words and a broadcast must fit the register file: 32 vector
  // registers with AVX-512 (8 * 2 + 2 + 1, masks in mask registers), 16 with SSE / AVX2 / NEON's
  // 128-bit lanes (6 * 2 + 2 + 1 = 15; as the common 6 x 16 sgemm kernel). The masked variant
  // reads some operands from memory then: MR = 6 beat MR = 4 on Zen 3 with masks too (measured).
  static constexpr std::size_t mr = lanes >= 16 ? 8 : 6;
};

/// Where a micro-kernel's sums go: rows x cols of C (row stride ldc), written (the first depth
/// block) or added to (the later ones). Rows and columns past the edge are not touched.
struct c_tile {
  float* c;
  std::size_t ldc;
  std::size_t rows;
  std::size_t cols;
  bool overwrite;
};

/// c_row[0, cols) = tile_row (overwrite) or += tile_row.
template <class Arch>
void store_tile_row(const float* tile_row, std::size_t cols, float* c_row, bool overwrite) {
  using float_batch = xsimd::batch<float, Arch>;
  constexpr std::size_t L = float_batch::size;
  std::size_t j = 0;
  for (; j + L <= cols; j += L) {
    float_batch sum = float_batch::load_unaligned(tile_row + j);
    if (!overwrite) sum += float_batch::load_unaligned(c_row + j);
    sum.store_unaligned(c_row + j);
  }
  for (; j < cols; ++j) c_row[j] = overwrite ? tile_row[j] : c_row[j] + tile_row[j];
}

/// The portable kernel (any xsimd arch). Zero operands' products are masked with A's mask and/or
/// B's (`mask_a`, `mask_b`: the panel holds a zero), one AND each; panels without a zero need
/// neither: one integer add and one fp32 add per vector of products.
template <class Arch, bool mask_a, bool mask_b>
void generic_micro_kernel(std::size_t depth, const std::uint32_t* a_panel,
                          const std::uint32_t* b_panel, float* tile) {
  using shape = kernel_shape<Arch>;
  using word_batch = typename shape::word_batch;
  using float_batch = typename shape::float_batch;
  constexpr std::size_t MR = shape::mr;
  constexpr std::size_t NV = shape::vectors_per_row;
  constexpr std::size_t L = shape::lanes;
  constexpr std::size_t NR = shape::nr;
  // Every loop over i and v is unrolled so that acc lives in registers (not on the stack).
  float_batch acc[MR][NV];
#pragma GCC unroll 16
  for (std::size_t i = 0; i < MR; ++i) {
#pragma GCC unroll 4
    for (std::size_t v = 0; v < NV; ++v) acc[i][v] = float_batch(0.0f);
  }
  for (std::size_t p = 0; p < depth; ++p) {
    word_batch b_word[NV];
    [[maybe_unused]] word_batch b_mask[NV];
#pragma GCC unroll 4
    for (std::size_t v = 0; v < NV; ++v) {
      b_word[v] = word_batch::load_unaligned(b_panel + v * L);
      if constexpr (mask_b) b_mask[v] = word_batch::load_unaligned(b_panel + NR + v * L);
    }
#pragma GCC unroll 16
    for (std::size_t i = 0; i < MR; ++i) {
      const word_batch a_word(a_panel[i]);
#pragma GCC unroll 4
      for (std::size_t v = 0; v < NV; ++v) {
        word_batch product = a_word + b_word[v];
        if constexpr (mask_a && mask_b) {
          product &= word_batch(a_panel[MR + i]) & b_mask[v];
        } else if constexpr (mask_a) {
          product &= word_batch(a_panel[MR + i]);
        } else if constexpr (mask_b) {
          product &= b_mask[v];
        }
        acc[i][v] += xsimd::bitwise_cast<float_batch>(product);
      }
    }
    a_panel += 2 * MR;
    b_panel += 2 * NR;
  }
#pragma GCC unroll 16
  for (std::size_t i = 0; i < MR; ++i) {
#pragma GCC unroll 4
    for (std::size_t v = 0; v < NV; ++v) acc[i][v].store_unaligned(tile + i * NR + v * L);
  }
}

#if defined(__AVX512F__)
/// AVX-512 version of the loop below with the two masks moved into mask registers, where they
/// cost nothing: B's zeros zero the lanes of the integer add (maskz), A's zero skips the fp32 add
/// of that row (merge masking), so each product vector is one vpaddd + one vaddps.
/// A's mask words are 0 or 0xFFFFFFFF: their low 16 bits are the lane mask of a broadcast.
template <std::size_t MR, std::size_t NV>
void micro_kernel_avx512(std::size_t depth, const std::uint32_t* a_panel,
                         const std::uint32_t* b_panel, float* tile) {
  constexpr std::size_t L = 16;
  constexpr std::size_t NR = NV * L;
  __m512 acc[MR][NV];
#pragma GCC unroll 16
  for (std::size_t i = 0; i < MR; ++i) {
#pragma GCC unroll 4
    for (std::size_t v = 0; v < NV; ++v) acc[i][v] = _mm512_setzero_ps();
  }
  for (std::size_t p = 0; p < depth; ++p) {
    __m512i b_word[NV];
    __mmask16 b_nonzero[NV];
#pragma GCC unroll 4
    for (std::size_t v = 0; v < NV; ++v) {
      b_word[v] = _mm512_loadu_si512(b_panel + v * L);
      const __m512i mask = _mm512_loadu_si512(b_panel + NR + v * L);
      b_nonzero[v] = _mm512_test_epi32_mask(mask, mask);
    }
#pragma GCC unroll 16
    for (std::size_t i = 0; i < MR; ++i) {
      const __m512i a_word = _mm512_set1_epi32(int(a_panel[i]));
      const __mmask16 a_nonzero = __mmask16(a_panel[MR + i]);
#pragma GCC unroll 4
      for (std::size_t v = 0; v < NV; ++v) {
        const __m512i product = _mm512_maskz_add_epi32(b_nonzero[v], a_word, b_word[v]);
        acc[i][v] =
            _mm512_mask_add_ps(acc[i][v], a_nonzero, acc[i][v], _mm512_castsi512_ps(product));
      }
    }
    a_panel += 2 * MR;
    b_panel += 2 * NR;
  }
#pragma GCC unroll 16
  for (std::size_t i = 0; i < MR; ++i) {
#pragma GCC unroll 4
    for (std::size_t v = 0; v < NV; ++v) _mm512_storeu_ps(tile + i * NR + v * L, acc[i][v]);
  }
}
#endif

/// tile[i * NR + j] = sum over p < depth of the L-Mul products of packed row i and column j.
/// `a_has_zero`, `b_has_zero`: some operand of that panel is +-0 (its products must be masked to +0).
template <class Arch>
void micro_kernel(std::size_t depth, const std::uint32_t* a_panel, const std::uint32_t* b_panel,
                  float* tile, bool a_has_zero, bool b_has_zero) {
#if defined(__AVX512F__)
  if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
    using shape = kernel_shape<Arch>;
    micro_kernel_avx512<shape::mr, shape::vectors_per_row>(depth, a_panel, b_panel, tile);
    return;
  }
#endif
  if (a_has_zero && b_has_zero) {
    generic_micro_kernel<Arch, true, true>(depth, a_panel, b_panel, tile);
  } else if (a_has_zero) {
    generic_micro_kernel<Arch, true, false>(depth, a_panel, b_panel, tile);
  } else if (b_has_zero) {
    generic_micro_kernel<Arch, false, true>(depth, a_panel, b_panel, tile);
  } else {
    generic_micro_kernel<Arch, false, false>(depth, a_panel, b_panel, tile);
  }
}

}  // inline namespace LMUL_ISA
}  // namespace detail
}  // namespace lmul
