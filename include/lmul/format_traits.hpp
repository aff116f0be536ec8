// lmul/format_traits.hpp -- one trait struct describes every small binary float format.
//
// A format has 1 sign bit, E exponent bits and M fraction bits (spec section 1). Three special-value
// policies exist: IEEE-style (exponent field all ones = inf or NaN), OCP "fn" (finite only: no
// infinities, NaN only when every magnitude bit is set, as in float8_e4m3fn) and the OCP MX
// element formats' "no specials" (FP6, FP4: every code is a number, overflow saturates).
#pragma once

#include <bit>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace lmul {

/// How a format spends its all-ones exponent field.
enum class special_values {
  ieee,        ///< all-ones exponent: f == 0 is +-inf, f != 0 is NaN
  finite_only,  ///< OCP "fn": no infinities; NaN only at S.1111.111 (all magnitude bits set)
  none          ///< OCP MX FP6/FP4: no infinities, no NaN; overflow always saturates, NaN gives +0
};

/// What happens to a finite value whose rounded magnitude exceeds the largest finite value.
enum class overflow_mode {
  non_saturating,  ///< +-inf (IEEE-style formats) or NaN (finite_only formats): the default
  saturating       ///< +-max finite, also for +-inf inputs (as CUDA's __NV_SATFINITE)
};

/// How a conversion rounds a value that falls between two neighbours.
enum class rounding_mode {
  nearest_even,  ///< round to nearest, ties to even (the default and the IEEE default)
  toward_zero    ///< truncate the magnitude (used by accuracy studies, spec section 6)
};

namespace detail {
// The smallest unsigned integer that holds `bits` bits.
template <int bits>
using storage_for = std::conditional_t<
    (bits <= 8), std::uint8_t, std::conditional_t<(bits <= 16), std::uint16_t, std::uint32_t>>;
}  // namespace detail

/// Bit layout, bias, masks and specials of a format with M fraction and E exponent bits.
template <int M, int E, special_values Specials = special_values::ieee>
struct format_traits {
  static_assert(E >= 2, "lmul: exponent bits E must be at least 2");
  static_assert(E <= 8, "lmul: exponent bits E must be at most 8 (values must be exact in float)");
  static_assert(M >= 1, "lmul: mantissa (fraction) bits M must be at least 1");
  static_assert(M <= 23, "lmul: mantissa (fraction) bits M must be at most 23 (values must be exact in float)");
  static_assert(1 + E + M <= 32, "lmul: 1 + E + M must be at most 32 bits");

  static constexpr int mantissa_bits = M;
  static constexpr int exponent_bits = E;
  static constexpr int total_bits = 1 + E + M;
  static constexpr special_values specials = Specials;
  static constexpr bool has_infinity = Specials == special_values::ieee;
  static constexpr bool has_nan = Specials != special_values::none;

  using storage = detail::storage_for<total_bits>;

  static constexpr int bias = (1 << (E - 1)) - 1;
  static constexpr storage sign_mask = storage(std::uint32_t{1} << (E + M));
  static constexpr storage fraction_mask = storage((std::uint32_t{1} << M) - 1);
  static constexpr storage exponent_mask = storage(((std::uint32_t{1} << E) - 1) << M);
  static constexpr storage magnitude_mask = storage(exponent_mask | fraction_mask);
  /// The total_bits bits of a code. Bits of the storage above them carry no meaning: every path
  /// reads a code by these bits only (small_float::from_bits clears the others).
  static constexpr storage code_mask = storage(sign_mask | magnitude_mask);

  /// Magnitude code of +inf (IEEE-style formats only).
  static constexpr storage infinity_code = exponent_mask;
  /// Magnitude code of the canonical quiet NaN this library writes. A format without NaN has none:
  /// a NaN input converts to +0 there (see detail::encode), which is what this code stands for.
  static constexpr storage nan_code =
      has_infinity ? storage(exponent_mask | (storage(1) << (M - 1)))
                   : (has_nan ? magnitude_mask : storage(0));
  /// Magnitude code of the largest finite value.
  static constexpr storage max_finite_code =
      has_infinity ? storage(exponent_mask - 1)
                   : (has_nan ? storage(magnitude_mask - 1) : magnitude_mask);
  /// Smallest and largest unbiased exponents of normal values.
  static constexpr int min_exponent = 1 - bias;
  static constexpr int max_exponent = int(max_finite_code >> M) - bias;

  static constexpr bool is_nan_code(storage magnitude) {
    if (!has_nan) return false;
    return has_infinity ? (magnitude > infinity_code) : (magnitude == magnitude_mask);
  }
  static constexpr bool is_inf_code(storage magnitude) {
    return has_infinity && magnitude == infinity_code;
  }
};

/// fp32 seen as a format: the target of wide products and the operand format of float L-Mul.
using float32_traits = format_traits<23, 8>;
/// OCP FP8 E4M3 (finite only) and E5M2 (IEEE-style).
using e4m3fn_traits = format_traits<3, 4, special_values::finite_only>;
using e5m2_traits = format_traits<2, 5>;
/// OCP MX element formats (MX v1.0 section 5.3): no infinities, no NaN, stored in the low bits of
/// a byte. E2M3 (bias 1, max 7.5), E3M2 (bias 3, max 28), E2M1 (bias 1, max 6).
using e2m3fn_traits = format_traits<3, 2, special_values::none>;
using e3m2fn_traits = format_traits<2, 3, special_values::none>;
using e2m1fn_traits = format_traits<1, 2, special_values::none>;

}  // namespace lmul
