// lmul/kernels/byte_tables.hpp -- lookup tables for the 8-bit kernels, derived from the scalar
// definition at compile time (never typed in by hand).
//
// For finite nonzero operands of an 8-bit format the L-Mul result depends only on the sum of the
// two magnitude indices K(x) + K(y) (spec 3.1; subnormals normalised): lmul_codes forms
// k = K(x) + K(y) - bias * 2^M + a constant and rounds V(k). The kernels therefore map each 7-bit
// magnitude code c to a small unsigned index u(c) = K(c) - K(smallest subnormal) and add two of
// those: a "class" that one more table turns into the result. The builder evaluates the scalar
// definition once per u sum, on the first pair with that sum (a few hundred evaluations, within
// every compiler's default constexpr budget); tests/kernels/byte_tables_test.cpp checks all
// 127 x 127 finite nonzero pairs of every 8-bit format against lmul_codes and lmul_wide.
#pragma once

#include "../detail/isa_namespace.hpp"

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

#include "../format_traits.hpp"
#include "../product.hpp"

namespace lmul {
namespace detail {
inline namespace LMUL_ISA {

template <class F>
inline constexpr bool is_byte_format = F::total_bits == 8;

template <class F>
constexpr bool is_special_magnitude(unsigned magnitude) {
  return F::is_nan_code(typename F::storage(magnitude)) ||
         F::is_inf_code(typename F::storage(magnitude));
}

template <class F>
struct byte_tables {
  static constexpr int M = F::mantissa_bits;
  /// u(c) marker for NaN and inf codes: never the index of a finite code.
  static constexpr std::uint8_t special_index = 255;

  /// u(c) = K(c) - K(1) for finite nonzero magnitude codes c; 0 for c = 0; special_index for NaN/inf.
  std::array<std::uint8_t, 128> index{};
  /// Marker in `product_of_sum` for a u sum that no pair of finite nonzero codes has.
  static constexpr std::uint8_t no_pair = 255;
  /// Magnitude code of L-Mul(x, y) rounded to F for each u sum u(x) + u(y) (finite u < 255).
  std::array<std::uint8_t, 2 * 254 + 1> product_of_sum{};
  /// Magnitude code of L-Mul(x, y) rounded to F, for the class min(u(x) + u(y), 255).
  std::array<std::uint8_t, 256> product{};
  /// Whether `product` reproduces lmul_codes<F> for every finite nonzero pair (false when the
  /// format has more than 256 distinct classes, as lmul<5,2> has).
  bool product_by_class = true;

  /// The wide product of finite nonzero x, y has fp32 bits (u(x) + u(y) + wide_bias) << (23 - M),
  /// so its bf16 bits are (u(x) + u(y) + wide_bias) << (7 - M): every 8-bit wide product is a bf16.
  int wide_bias = 0;
  bool wide_by_index = true;

  /// Piecewise form of `product` for kernels without 128-byte lookups (pshufb: 16 bytes):
  /// class < low_begin: 0; [low_begin, normal_begin): low[class - low_begin];
  /// [normal_begin, overflow_begin): class - normal_offset; above: overflow_magnitude.
  int low_begin = 0;
  int normal_begin = 0;
  int overflow_begin = 0;
  int normal_offset = 0;
  std::uint8_t overflow_magnitude = 0;
  std::array<std::uint8_t, 256> low{};
  bool piecewise_matches = true;
};

template <class F>
constexpr byte_tables<F> make_byte_tables() {
  constexpr int M = F::mantissa_bits;
  byte_tables<F> t;
  const int k_min = int(detail::magnitude_index<F>(1));
  const unsigned max_finite = F::max_finite_code;
  for (unsigned c = 0; c < 128; ++c) {
    if (c == 0) {
      t.index[c] = 0;
    } else if (is_special_magnitude<F>(c)) {
      t.index[c] = byte_tables<F>::special_index;
    } else {
      t.index[c] = std::uint8_t(detail::magnitude_index<F>(typename F::storage(c)) - k_min);
    }
  }
  // Offsets from the definition (spec 3): k = K(x) + K(y) - bias * 2^M + 2^(M - l(M)).
  const int paper_offset = 1 << (M - ::lmul::paper_offset_exponent(M));
  const int k_of_class0 = 2 * k_min - (F::bias << M) + paper_offset;  // k when u(x) + u(y) = 0
  t.wide_bias = k_of_class0 + ((127 - F::bias) << M);
  t.normal_offset = -k_of_class0;  // class - normal_offset = k, the code of a normal result
  t.normal_begin = (1 << M) + t.normal_offset;
  t.overflow_begin = int(max_finite) + 1 + t.normal_offset;
  t.overflow_magnitude =
      std::uint8_t(detail::overflow_code<F>(0, overflow_mode::non_saturating));

  // One scalar evaluation per u sum (the first pair with that sum): the result depends on the pair
  // only through the sum (header comment).
  t.product_of_sum.fill(byte_tables<F>::no_pair);
  std::array<bool, 256> seen{};  // by class min(sum, 255)
  for (unsigned x = 1; x <= max_finite; ++x) {
    for (unsigned y = x; y <= max_finite; ++y) {  // L-Mul is symmetric in x and y
      const auto sum = std::size_t(t.index[x] + t.index[y]);
      if (t.product_of_sum[sum] != byte_tables<F>::no_pair) continue;
      const auto code = detail::lmul_codes<F>(typename F::storage(x), typename F::storage(y));
      t.product_of_sum[sum] = std::uint8_t(code);
      const std::size_t cls = sum > 255 ? 255 : sum;
      if (!seen[cls]) {
        seen[cls] = true;
        t.product[cls] = std::uint8_t(code);
      } else if (t.product[cls] != code) {
        t.product_by_class = false;  // sums of 255 and more differ: more classes than a byte
      }
      const float wide = detail::lmul_wide<F>(typename F::storage(x), typename F::storage(y));
      if (std::bit_cast<std::uint32_t>(wide) != std::uint32_t(int(sum) + t.wide_bias) << (23 - M)) {
        t.wide_by_index = false;
      }
    }
  }
  // Classes that no pair reaches take the value the piecewise form gives them, so both agree.
  int low_begin = t.normal_begin < 256 ? t.normal_begin : 256;
  while (low_begin > 0 && !(seen[std::size_t(low_begin - 1)] &&
                            t.product[std::size_t(low_begin - 1)] == 0)) {
    --low_begin;
  }
  t.low_begin = low_begin > 0 ? low_begin - 1 : 0;
  for (int cls = 0; cls < 256; ++cls) {
    const auto at = std::size_t(cls);
    std::uint8_t piecewise;
    if (cls < t.low_begin) {
      piecewise = 0;
    } else if (cls < t.normal_begin) {
      piecewise = t.product[at];
      t.low[std::size_t(cls - t.low_begin)] = piecewise;
    } else if (cls < t.overflow_begin) {
      piecewise = std::uint8_t(cls - t.normal_offset);
    } else {
      piecewise = t.overflow_magnitude;
    }
    if (!seen[at]) t.product[at] = piecewise;
    if (t.product[at] != piecewise) t.piecewise_matches = false;
  }
  return t;
}

template <class F>
inline constexpr byte_tables<F> byte_tables_v = make_byte_tables<F>();

/// Whether the NaN / inf magnitude codes (index special_index) are exactly those above
/// F::max_finite_code, so that one unsigned comparison finds them.
template <class F>
constexpr bool specials_above_max_finite() {
  for (unsigned c = 0; c < 128; ++c) {
    const bool special = byte_tables_v<F>.index[c] == byte_tables<F>::special_index;
    if (special != (c > F::max_finite_code)) return false;
  }
  return true;
}

/// The largest index u(c) of a finite code.
template <class F>
constexpr int largest_finite_index() {
  int largest = 0;
  for (unsigned c = 1; c <= F::max_finite_code; ++c) {
    if (int(byte_tables_v<F>.index[c]) > largest) largest = byte_tables_v<F>.index[c];
  }
  return largest;
}

/// True for an 8-bit format whose products the class tables reproduce (all but lmul<5,2>).
/// A function, so that the tables are never instantiated for wider formats.
template <class F>
constexpr bool has_byte_classes() {
  if constexpr (is_byte_format<F>) {
    return byte_tables_v<F>.product_by_class;
  } else {
    return false;
  }
}
}  // inline namespace LMUL_ISA
}  // namespace detail
}  // namespace lmul
