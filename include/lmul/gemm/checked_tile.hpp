// lmul/gemm/checked_tile.hpp -- the exact path for tiles the additive kernel cannot prove safe.
//
// A tile goes here when its panels hold a NaN or an inf, or (fp32 and wide formats only) when some
// product might leave the fp32 normal range or an operand is subnormal. Each product is checked on
// its own, still a vector of lanes at a time:
//   - both operands normal and the magnitude sum in range: one integer addition, as in the kernel;
//   - one operand zero and neither NaN nor inf: +0 (nothing to add);
//   - anything else (NaN, inf, subnormal operand, under- or overflowing product): the scalar wide
//     product of spec section 3, added lane by lane into a second accumulator.
// Any summation order is allowed (spec section 4), so the two accumulators are added at the end.
#pragma once

#include "../detail/isa_namespace.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <vector>
#include <xsimd/xsimd.hpp>

#include "../detail/simd_select.hpp"
#include "../scalar.hpp"
#include "micro_kernel.hpp"
#include "../kernels/operand_words.hpp"
#include "packing.hpp"

namespace lmul {
namespace detail {
inline namespace LMUL_ISA {

/// x where `keep` is true, 0 elsewhere (detail::select_bits also compiles at -O0 on AVX-512BW).
template <class Arch>
xsimd::batch<std::uint32_t, Arch> zero_where_false(xsimd::batch_bool<std::uint32_t, Arch> keep,
                                                   xsimd::batch<std::uint32_t, Arch> x) {
  return detail::select_bits(keep, x, xsimd::batch<std::uint32_t, Arch>(0u));
}

/// tile[i * NR + j] = fp32 sum over p < depth of the wide products A(row + i, p0 + p) *
/// B(p0 + p, col + j), for i < rows, j < cols. `codes` is scratch space, resized as needed.
template <class Arch, class T>
void checked_tile(strided_matrix<T> a, strided_matrix<T> b, std::size_t row, std::size_t col,
                  std::size_t p0, std::size_t rows, std::size_t cols, std::size_t depth,
                  std::vector<std::uint32_t>& codes, float* tile) {
  using F = format_of_t<T>;
  using codec = word_codec<F>;
  using word_batch = xsimd::batch<std::uint32_t, Arch>;
  using float_batch = xsimd::batch<float, Arch>;
  constexpr std::size_t L = word_batch::size;
  constexpr std::size_t NR = kernel_shape<Arch>::nr;
  constexpr std::size_t NV = NR / L;
  // Normal, finite magnitude codes: [2^M, first special code).
  constexpr std::uint32_t min_normal = codec::min_normal_magnitude;
  constexpr std::uint32_t max_finite = F::max_finite_code;
  // With both operands normal, (K_a + K_b) << shift is below 2^32 (E <= 8), and the product is an
  // fp32 normal when (K_a + K_b) << shift + c lies in [2^23, 0x7F7FFFFF] (kernels/operand_words.hpp).
  constexpr std::int64_t low = std::max<std::int64_t>(min_normal_bits - codec::a_constant, 0);
  constexpr std::int64_t high =
      std::min<std::int64_t>(max_finite_bits - codec::a_constant, 0xFFFFFFFF);
  constexpr std::uint32_t c = std::uint32_t(std::uint64_t(codec::a_constant));

  // The tile's codes: A as rows x depth, B as depth x NR (columns past `cols` are zero), with B's
  // magnitudes shifted to fp32 fraction units and B's signs moved to bit 31 (done in scalar code:
  // GCC 12 warns on xsimd's vector shift, and integer select breaks xsimd 8.1 at -O0).
  codes.assign(rows * depth + 3 * depth * NR, 0u);
  std::uint32_t* a_codes = codes.data();
  std::uint32_t* b_codes = a_codes + rows * depth;
  std::uint32_t* b_shifted = b_codes + depth * NR;
  std::uint32_t* b_signs = b_shifted + depth * NR;
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t p = 0; p < depth; ++p) a_codes[i * depth + p] = to_code(a(row + i, p0 + p));
  }
  for (std::size_t p = 0; p < depth; ++p) {
    for (std::size_t j = 0; j < cols; ++j) {
      b_codes[p * NR + j] = to_code(b(p0 + p, col + j));
      b_shifted[p * NR + j] = (b_codes[p * NR + j] & F::magnitude_mask) << codec::shift;
      b_signs[p * NR + j] = (b_codes[p * NR + j] & F::sign_mask) ? 0x80000000u : 0u;
    }
  }

  const word_batch magnitude_mask = word_batch(std::uint32_t(F::magnitude_mask));
  for (std::size_t i = 0; i < rows; ++i) {
    float_batch acc[NV];
    for (auto& x : acc) x = float_batch(0.0f);
    float scalar_sum[NR] = {};
    for (std::size_t p = 0; p < depth; ++p) {
      const std::uint32_t a_code = a_codes[i * depth + p];
      const word_batch a_magnitude(a_code & F::magnitude_mask);
      const word_batch a_shifted((a_code & F::magnitude_mask) << codec::shift);
      const word_batch a_sign((a_code & F::sign_mask) ? 0x80000000u : 0u);
      for (std::size_t v = 0; v < NV; ++v) {
        const word_batch b_code = word_batch::load_unaligned(b_codes + p * NR + v * L);
        const word_batch b_magnitude = b_code & magnitude_mask;
        const auto a_normal =
            (a_magnitude >= word_batch(min_normal)) & (a_magnitude <= word_batch(max_finite));
        const auto b_normal =
            (b_magnitude >= word_batch(min_normal)) & (b_magnitude <= word_batch(max_finite));
        const word_batch sum = a_shifted + word_batch::load_unaligned(b_shifted + p * NR + v * L);
        const auto additive = a_normal & b_normal & (sum >= word_batch(std::uint32_t(low))) &
                              (sum <= word_batch(std::uint32_t(high)));
        const auto zero_times_finite =
            ((a_magnitude == word_batch(0u)) & (b_magnitude <= word_batch(max_finite))) |
            ((b_magnitude == word_batch(0u)) & (a_magnitude <= word_batch(max_finite)));
        const word_batch b_sign = word_batch::load_unaligned(b_signs + p * NR + v * L);
        const word_batch product = (sum + word_batch(c)) | (a_sign ^ b_sign);
        acc[v] += xsimd::bitwise_cast<float_batch>(zero_where_false<Arch>(additive, product));
        const auto handled = additive | zero_times_finite;
        if (!xsimd::all(handled)) {  // rare: NaN, inf, subnormal, out-of-range lanes
          for (std::size_t lane = 0; lane < L; ++lane) {
            const std::size_t j = v * L + lane;
            if (j < cols && !handled.get(lane)) {
              scalar_sum[j] +=
                  lmul_wide_product(from_code<T>(typename F::storage(a_code)),
                                    from_code<T>(typename F::storage(b_codes[p * NR + j])));
            }
          }
        }
      }
    }
    for (std::size_t v = 0; v < NV; ++v) acc[v].store_unaligned(tile + i * NR + v * L);
    for (std::size_t j = 0; j < cols; ++j) tile[i * NR + j] += scalar_sum[j];
  }
}

}  // inline namespace LMUL_ISA
}  // namespace detail
}  // namespace lmul
