// lmul/product.hpp -- the generic L-Mul routine (spec section 3) and the exact product, on codes.
//
// L-Mul replaces the product of two significands (1 + a)(1 + b) = 1 + a + b + ab by 1 + a + b + c
// with a small constant c = 2^-l(M): on the magnitude codes that is one integer addition.
// Everything here works on raw codes of one format F so that the scalar types and the tests of the
// SIMD kernels share a single definition.
#pragma once

#include <bit>
#include <cstdint>

#include "convert.hpp"
#include "detail/isa_namespace.hpp"
#include "format_traits.hpp"

namespace lmul {

/// The paper's offset exponent l(M): the constant added to the significand sum is 2^-l(M).
constexpr int paper_offset_exponent(int M) { return M <= 3 ? M : (M == 4 ? 3 : 4); }

namespace detail {
inline namespace LMUL_ISA {

/// K(x) = e * 2^M + f for a finite nonzero magnitude, subnormals normalised first (spec 3.1).
/// For a normal x this is just its magnitude code; a subnormal gets e <= 0 (K may be negative).
template <class F>
constexpr std::int64_t magnitude_index(typename F::storage magnitude) {
  constexpr int M = F::mantissa_bits;
  if ((magnitude >> M) != 0) return std::int64_t(magnitude);
  const int leading = int(std::bit_width(unsigned(magnitude))) - 1;  // subnormal: f = magnitude
  const std::int64_t e = leading + 1 - M;
  const std::int64_t f = (std::int64_t(magnitude) - (std::int64_t{1} << leading)) << (M - leading);
  return e * (std::int64_t{1} << M) + f;
}

/// The fraction field of a finite nonzero magnitude after normalisation (for offset tables).
template <class F>
constexpr std::uint32_t normalized_fraction(typename F::storage magnitude) {
  return std::uint32_t(magnitude_index<F>(magnitude) & F::fraction_mask);
}

/// Result of the special-value table of spec section 3, or "both finite nonzero".
enum class special_case { none, nan, infinity, zero };

template <class F>
constexpr special_case classify_product(typename F::storage ax, typename F::storage ay) {
  if (F::is_nan_code(ax) || F::is_nan_code(ay)) return special_case::nan;
  if (F::is_inf_code(ax) || F::is_inf_code(ay)) {
    return (ax == 0 || ay == 0) ? special_case::nan : special_case::infinity;
  }
  if (ax == 0 || ay == 0) return special_case::zero;
  return special_case::none;
}

/// L-Mul of two codes of format F with an offset given as a function of the two normalised
/// fractions (in units of 2^-M), the result rounded to format Out (F itself, or fp32 for the
/// wide product). `offset(fx, fy)` returns the integer added to K(x) + K(y) - bias * 2^M.
template <class F, class Out, class Offset>
constexpr typename Out::storage lmul_codes_with(typename F::storage x, typename F::storage y,
                                                Offset offset, overflow_mode overflow) {
  using S = typename F::storage;
  using R = typename Out::storage;
  constexpr int M = F::mantissa_bits;
  const bool negative = ((x ^ y) & F::sign_mask) != 0;
  const R sign = negative ? Out::sign_mask : R(0);
  const S ax = S(x & F::magnitude_mask);
  const S ay = S(y & F::magnitude_mask);
  switch (classify_product<F>(ax, ay)) {
    case special_case::nan: return R(sign | Out::nan_code);
    case special_case::infinity: return R(sign | Out::infinity_code);
    case special_case::zero: return sign;
    case special_case::none: break;
  }
  const std::int64_t k = magnitude_index<F>(ax) + magnitude_index<F>(ay) -
                         (std::int64_t(F::bias) << M) +
                         offset(normalized_fraction<F>(ax), normalized_fraction<F>(ay));
  // V(k) = (2^M + (k mod 2^M)) * 2^(floor(k / 2^M) - bias - M); >> is floor for negative k.
  const std::int64_t field = k >> M;
  const std::uint64_t sig = std::uint64_t(k & F::fraction_mask) | (std::uint64_t{1} << M);
  if (field > 4 * 256) return detail::overflow_code<Out>(sign, overflow);  // far beyond any range
  if (field < -4 * 256) return sign;                                       // far below: +-0
  return round_exact<Out>(negative, sig, int(field) - F::bias - M, overflow);
}

/// The paper's constant offset 2^(M - l(M)) in units of 2^-M.
template <class F>
struct paper_offset {
  constexpr std::int64_t operator()(std::uint32_t, std::uint32_t) const {
    return std::int64_t{1} << (F::mantissa_bits - paper_offset_exponent(F::mantissa_bits));
  }
};

/// A constant offset, in units of 2^-M (0 gives Mitchell's logarithmic multiply).
struct constant_offset {
  std::int64_t units;
  constexpr std::int64_t operator()(std::uint32_t, std::uint32_t) const { return units; }
};

/// L-Mul with the paper's offset, rounded to F (spec section 3, step 4).
template <class F>
constexpr typename F::storage lmul_codes(typename F::storage x, typename F::storage y,
                                         overflow_mode overflow = overflow_mode::non_saturating) {
  return lmul_codes_with<F, F>(x, y, paper_offset<F>{}, overflow);
}

/// The wide L-Mul product: V(k) rounded to fp32 instead of F (spec section 3, "Wide product").
template <class F>
constexpr float lmul_wide(typename F::storage x, typename F::storage y) {
  return std::bit_cast<float>(
      lmul_codes_with<F, float32_traits>(x, y, paper_offset<F>{}, overflow_mode::non_saturating));
}

/// The exactly rounded product of two codes: the fp8 reference the paper compares against.
/// Both significands have at most 24 bits, so the double product is exact before the one rounding.
template <class F>
constexpr typename F::storage exact_product_codes(
    typename F::storage x, typename F::storage y,
    overflow_mode overflow = overflow_mode::non_saturating) {
  return encode<F>(double(decode<F>(x)) * double(decode<F>(y)), overflow);
}

}  // inline namespace LMUL_ISA
}  // namespace detail
}  // namespace lmul
