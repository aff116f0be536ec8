// lmul/mx/dot.hpp -- MX dot products: lmul_mx_dot (L-Mul elements, no multiplication) and mx_dot
// (exact element products, the reference).
//
// Both are  sum over blocks j of  2^(sa_j + sb_j - 254) x (sum over the block of p_i),
// with p_i = lmul_wide_product(a_i, b_i) or the exact product a_i * b_i:
//   1. each block's p_i are summed in fp32 in any order (lmul_mx_dot: the block_sums
//      kernel, kernels/span_kernels.hpp via dispatch/kernel_calls.hpp; FP6 and FP4 codes are rewritten, by a byte
//      table, as the codes of the 8-bit format with the same fraction width, which has the same
//      wide products (kernels/stand_in_codes.hpp), and summed by that format's kernel);
//   2. the block sum is scaled by 2^(sa + sb - 254), where sa + sb - 254 is an integer add of the
//      two E8M0 codes and the scaling is an add on the fp32 exponent field, correctly rounded
//      where it leaves fp32's normal range (scale.hpp);
//   3. the scaled block results are summed in fp32 in block order.
// A NaN scale makes the result NaN. Error (docs/spec.md, "MX"): within gamma_(n + blocks) x the sum
// of |terms| of the exact result, plus 2^-149 per block when block results are subnormal.
#pragma once

#include <algorithm>
#include <cstddef>
#include <limits>
#include <span>
#include <string>

#include "../detail/span_checks.hpp"
#include "../dispatch/kernel_calls.hpp"
#include "../runtime/kernel_table.hpp"
#include "../scalar.hpp"
#include "quantize.hpp"
#include "scale.hpp"

namespace lmul {

namespace detail {
inline namespace LMUL_ISA {

/// Checks of the dot products' arguments (std::invalid_argument before any work).
inline void check_mx_dot(const char* name, std::size_t scales_a, std::size_t a,
                         std::size_t scales_b, std::size_t b, std::size_t block) {
  check_same_length(name, a, b);
  check_mx_layout(name, scales_a, a, block);
  check_mx_layout(name, scales_b, b, block);
}

/// Blocks whose sums one step-1 call computes (kept on the stack: 256 bytes).
inline constexpr std::size_t mx_dot_chunk_blocks = 64;

/// Steps 2 and 3 of the file comment for n elements around a function for step 1, which is
/// called on chunks of whole blocks: block_sums(first element, element count, block, float* sums) writes one sum per
/// block of the chunk (the last chunk's last block may be short).
template <class BlockSums>
float mx_dot_blocks(std::span<const float8_e8m0fnu> scales_a,
                    std::span<const float8_e8m0fnu> scales_b, std::size_t n, std::size_t block,
                    BlockSums block_sums) {
  const std::size_t blocks = mx_block_count(n, block);
  for (std::size_t j = 0; j < blocks; ++j) {
    if (isnan(scales_a[j]) || isnan(scales_b[j])) return std::numeric_limits<float>::quiet_NaN();
  }
  float sums[mx_dot_chunk_blocks];
  float total = 0.f;
  for (std::size_t j0 = 0; j0 < blocks; j0 += mx_dot_chunk_blocks) {
    const std::size_t count = std::min(mx_dot_chunk_blocks, blocks - j0);
    const std::size_t first = j0 * block;  // < n: no overflow
    // Only the last chunk may end early; the others hold count full blocks.
    const std::size_t elems = j0 + count == blocks ? n - first : count * block;
    block_sums(first, elems, block, sums);
    for (std::size_t j = 0; j < count; ++j) {
      const int exponent = int(scales_a[j0 + j].bits()) + int(scales_b[j0 + j].bits()) -
                           2 * float8_e8m0fnu::bias;
      total += scale_by_power_of_two(sums[j], exponent);
    }
  }
  return total;
}

/// Step 1 in the header, one block at a time: block_sum(x, y) sums one block's products.
template <class Elem, class BlockSum>
auto each_block(std::span<const Elem> a, std::span<const Elem> b, BlockSum block_sum) {
  return [=](std::size_t first, std::size_t elems, std::size_t block, float* sums) {
    for (std::size_t i = 0, j = 0; i < elems; i += block, ++j) {
      const std::size_t count = std::min(block, elems - i);
      sums[j] = block_sum(a.subspan(first + i, count), b.subspan(first + i, count));
    }
  };
}

}  // inline namespace LMUL_ISA
}  // namespace detail

inline namespace LMUL_ISA {  // every function: see detail/isa_namespace.hpp

/// The MX dot product with L-Mul element products: every block's wide L-Mul products summed in
/// fp32, scaled by an exponent add, summed in fp32. No multiply touches values or scales.
/// Throws std::invalid_argument unless a.size() == b.size(), both scale spans hold
/// ceil(n / block) scales and block > 0.
template <mx_element Elem>
float lmul_mx_dot(std::span<const float8_e8m0fnu> scales_a, std::span<const Elem> a,
                  std::span<const float8_e8m0fnu> scales_b, std::span<const Elem> b,
                  std::size_t block = mx_block_size) {
  detail::check_mx_dot("lmul_mx_dot", scales_a.size(), a.size(), scales_b.size(), b.size(), block);
  using F = format_of_t<Elem>;
  // The block-sum kernels (dispatch/kernel_calls.hpp): fp8 formats directly, FP6 and FP4 with
  // their codes rewritten as 8-bit codes with the same products (kernels/stand_in_codes.hpp).
  static_assert(runtime::compiled_format_index<F> >= 0 || runtime::narrow_mx_format_index<F> >= 0,
                "every MX element format has block-sum kernels");
  return detail::mx_dot_blocks(
      scales_a, scales_b, a.size(), block,
      [&](std::size_t first, std::size_t elems, std::size_t size, float* sums) {
        detail::call_block_sums(a.data() + first, b.data() + first, elems, size, sums);
      });
}

/// The same sum with exact element products (each exact in fp32 for these formats), summed in
/// element order: the reference that lmul_mx_dot is compared with.
template <mx_element Elem>
float mx_dot(std::span<const float8_e8m0fnu> scales_a, std::span<const Elem> a,
             std::span<const float8_e8m0fnu> scales_b, std::span<const Elem> b,
             std::size_t block = mx_block_size) {
  detail::check_mx_dot("mx_dot", scales_a.size(), a.size(), scales_b.size(), b.size(), block);
  return detail::mx_dot_blocks(scales_a, scales_b, a.size(), block,
                               detail::each_block(a, b, [](std::span<const Elem> x,
                                                           std::span<const Elem> y) {
                                 float sum = 0.f;
                                 for (std::size_t i = 0; i < x.size(); ++i) {
                                   sum += float(x[i]) * float(y[i]);  // exact product
                                 }
                                 return sum;
                               }));
}

}  // inline namespace LMUL_ISA
}  // namespace lmul
