// lmul/limits.hpp -- std::numeric_limits for every small_float (small_float.hpp includes it).
#pragma once

#include <limits>

#include "small_float.hpp"

namespace lmul {
namespace detail {
inline namespace LMUL_ISA {
// floor(log10(x)) and ceil(log10(x)) of a positive power-of-two multiple (never a power of ten
// unless 1), by counting decimal steps in double: exact enough, and usable in constant expressions.
constexpr int floor_log10(double x) {
  int n = 0;
  for (; x >= 10; x /= 10) ++n;
  for (; x < 1; x *= 10) --n;
  return n;
}
constexpr int ceil_log10(double x) { return x == 1 ? 0 : floor_log10(x) + 1; }
}  // inline namespace LMUL_ISA
}  // namespace detail
}  // namespace lmul

template <class F, class P>
class std::numeric_limits<lmul::small_float<F, P>> {
  using T = lmul::small_float<F, P>;
  using S = typename F::storage;
  static constexpr int M = F::mantissa_bits;

 public:
  static constexpr bool is_specialized = true;
  static constexpr bool is_signed = true;
  static constexpr bool is_integer = false;
  static constexpr bool is_exact = false;
  static constexpr bool has_infinity = F::has_infinity;
  static constexpr bool has_quiet_NaN = F::has_nan;  // OCP MX FP6/FP4 have none
  static constexpr bool has_signaling_NaN = false;  // the library never distinguishes them
  static constexpr std::float_denorm_style has_denorm = std::denorm_present;
  static constexpr bool has_denorm_loss = false;
  static constexpr std::float_round_style round_style = std::round_to_nearest;
  static constexpr bool is_iec559 = false;
  static constexpr bool is_bounded = true;
  static constexpr bool is_modulo = false;
  static constexpr int digits = M + 1;
  // floor((p - 1) log10 2) and ceil(1 + p log10 2) with p = M + 1; 30103 / 100000 ~ log10 2 is
  // accurate enough for every p <= 24 (no multiple of log10 2 there lies that close to an integer).
  static constexpr int digits10 = (M * 30103) / 100000;
  static constexpr int max_digits10 = 1 + ((M + 1) * 30103 + 99999) / 100000;
  static constexpr int radix = 2;
  static constexpr int min_exponent = F::min_exponent + 1;  // C convention: 2^(e-1) normal
  static constexpr int max_exponent = F::max_exponent + 1;
  static constexpr int min_exponent10 = lmul::detail::ceil_log10(lmul::detail::decode<F>(S(S(1) << M)));
  static constexpr int max_exponent10 = lmul::detail::floor_log10(lmul::detail::decode<F>(F::max_finite_code));
  static constexpr bool traps = false;
  static constexpr bool tinyness_before = false;

  static constexpr T min() noexcept { return T::from_bits(S(S(1) << M)); }
  static constexpr T max() noexcept { return T::from_bits(F::max_finite_code); }
  static constexpr T lowest() noexcept { return T::from_bits(S(F::sign_mask | F::max_finite_code)); }
  /// 2^-M: the distance from 1 to the next value (code of 1 is bias << M).
  /// 2^-M, the distance from 1 to the next value (rounded into the format if it is subnormal).
  static constexpr T epsilon() noexcept {
    return T::from_bits(lmul::detail::round_exact<F>(false, 1, -M));
  }
  static constexpr T round_error() noexcept {
    return T::from_bits(lmul::detail::round_exact<F>(false, 1, -1));
  }
  /// Formats without infinity give NaN here (e4m3fn), or +0 when they have no NaN either (FP6/FP4).
  static constexpr T infinity() noexcept {
    return F::has_infinity ? T::from_bits(F::infinity_code) : T::from_bits(F::nan_code);
  }
  /// +0 for formats without NaN (what a NaN converts to there).
  static constexpr T quiet_NaN() noexcept { return T::from_bits(F::nan_code); }
  static constexpr T signaling_NaN() noexcept { return T::from_bits(F::nan_code); }
  static constexpr T denorm_min() noexcept { return T::from_bits(S(1)); }
};
