// lmul/convert.hpp -- the one generic, rounding-correct conversion engine.
//
// Every conversion into a format (from float, from double, from an L-Mul product, from an exact
// fp8 product) goes through round_exact(): "round sign * sig * 2^exp to the format". Decoding is
// exact because every format has E <= 8 and M <= 23, so each of its values is a float.
#pragma once

#include <bit>
#include <cstdint>

#include "detail/isa_namespace.hpp"
#include "format_traits.hpp"

namespace lmul {
namespace detail {
inline namespace LMUL_ISA {

/// Shift `value` right by `shift` bits, rounding the discarded bits as `mode` says.
constexpr std::uint64_t shift_right_rounded(std::uint64_t value, int shift, rounding_mode mode) {
  if (shift <= 0) return value << -shift;  // callers keep -shift small: the value stays exact
  if (shift >= 64) {  // value < 2^64: at most one quantum away from zero
    const bool above_half = shift == 64 && value > (std::uint64_t{1} << 63);
    return (mode == rounding_mode::nearest_even && above_half) ? 1 : 0;
  }
  const std::uint64_t kept = value >> shift;
  if (mode == rounding_mode::toward_zero) return kept;
  const std::uint64_t rest = value & ((std::uint64_t{1} << shift) - 1);
  const std::uint64_t half = std::uint64_t{1} << (shift - 1);
  if (rest > half || (rest == half && (kept & 1))) return kept + 1;
  return kept;
}

/// Code for an overflowed magnitude with sign bit `sign` (already in position).
// Truncation never rounds a finite value up to infinity (IEEE round-toward-zero). A format with
// neither infinities nor NaN (OCP MX FP6/FP4) has nothing but max finite to give: it saturates.
template <class F>
constexpr typename F::storage overflow_code(typename F::storage sign, overflow_mode overflow,
                                            rounding_mode rounding = rounding_mode::nearest_even) {
  using S = typename F::storage;
  if (overflow == overflow_mode::saturating || rounding == rounding_mode::toward_zero ||
      (!F::has_infinity && !F::has_nan)) {
    return S(sign | F::max_finite_code);
  }
  return S(sign | (F::has_infinity ? F::infinity_code : F::nan_code));
}

/// Round the exact value (-1)^negative * sig * 2^exp to format F (sig < 2^63).
///
/// Rounding happens at the quantum of the value's binade (or of the subnormal range), and overflow
/// is judged after rounding (spec section 2): the rounded code is compared with max_finite_code.
template <class F>
constexpr typename F::storage round_exact(bool negative, std::uint64_t sig, int exp,
                                          overflow_mode overflow = overflow_mode::non_saturating,
                                          rounding_mode rounding = rounding_mode::nearest_even) {
  using S = typename F::storage;
  constexpr int M = F::mantissa_bits;
  const S sign = negative ? F::sign_mask : S(0);
  if (sig == 0) return sign;
  // The value is sig * 2^exp with sig's leading bit at position p: binade exponent p + exp.
  const int leading = int(std::bit_width(sig)) - 1;
  int binade = leading + exp;
  if (binade < F::min_exponent) binade = F::min_exponent;  // subnormal range: fixed quantum
  if (binade > F::max_exponent + 1) return overflow_code<F>(sign, overflow, rounding);
  // Quantum of the binade is 2^(binade - M); n = |value| / quantum, rounded.
  const int shift = (binade - M) - exp;
  const std::uint64_t n = shift_right_rounded(sig, shift, rounding);
  // Code = ((binade + bias - 1) << M) + n: for normals n carries the implicit bit into the exponent
  // field; in the subnormal range (binade + bias - 1 == 0) n is the fraction itself. A rounding
  // carry (n == 2^(M+1), or 2^M from the subnormals) lands in the next binade automatically.
  const std::uint64_t code = (std::uint64_t(binade + F::bias - 1) << M) + n;
  if (code > F::max_finite_code) return overflow_code<F>(sign, overflow, rounding);
  return S(sign | S(code));
}

/// Split a finite nonzero magnitude code into an integer significand and exponent:
/// |value| = sig * 2^exp exactly, with sig < 2^(M+1).
template <class F>
constexpr void decompose(typename F::storage magnitude, std::uint64_t& sig, int& exp) {
  constexpr int M = F::mantissa_bits;
  const int field = int(magnitude >> M);
  const std::uint64_t fraction = magnitude & F::fraction_mask;
  if (field == 0) {
    sig = fraction;
    exp = F::min_exponent - M;
  } else {
    sig = fraction | (std::uint64_t{1} << M);
    exp = field - F::bias - M;
  }
}

/// Exact value of a code as float (every format has E <= 8 and M <= 23).
template <class F>
constexpr float decode(typename F::storage bits) {
  using S = typename F::storage;
  const std::uint32_t sign = (bits & F::sign_mask) ? 0x80000000u : 0u;
  const S magnitude = S(bits & F::magnitude_mask);
  if (F::is_nan_code(magnitude)) return std::bit_cast<float>(sign | 0x7FC00000u);
  if (F::is_inf_code(magnitude)) return std::bit_cast<float>(sign | 0x7F800000u);
  if (magnitude == 0) return std::bit_cast<float>(sign);
  std::uint64_t sig = 0;
  int exp = 0;
  decompose<F>(magnitude, sig, exp);
  // Normalise sig to 24 bits and place it as an fp32 normal or subnormal: always exact.
  const int leading = int(std::bit_width(sig)) - 1;
  const int binade = leading + exp;
  std::uint32_t out;
  if (binade >= -126) {
    const std::uint32_t fraction = std::uint32_t((sig << (23 - leading)) & 0x7FFFFFu);
    out = (std::uint32_t(binade + 127) << 23) | fraction;
  } else {  // only E == 8 formats reach fp32 subnormals; the quantum 2^-149 divides the value
    out = std::uint32_t(sig << (exp + 149));
  }
  return std::bit_cast<float>(sign | out);
}

/// Round a double to format F once (no double rounding through float).
template <class F>
constexpr typename F::storage encode(double x, overflow_mode overflow = overflow_mode::non_saturating,
                                     rounding_mode rounding = rounding_mode::nearest_even) {
  using S = typename F::storage;
  const std::uint64_t bits = std::bit_cast<std::uint64_t>(x);
  const bool negative = (bits >> 63) != 0;
  const S sign = negative ? F::sign_mask : S(0);
  const int field = int((bits >> 52) & 0x7FF);
  const std::uint64_t fraction = bits & ((std::uint64_t{1} << 52) - 1);
  if (field == 0x7FF) {
    if (fraction != 0) return F::has_nan ? S(sign | F::nan_code) : S(0);  // no NaN code: +0
    return overflow_code<F>(sign, overflow);  // +-inf: inf, or NaN (fn), or max finite (saturating)
  }
  if (field == 0) return round_exact<F>(negative, fraction, -1074, overflow, rounding);
  return round_exact<F>(negative, fraction | (std::uint64_t{1} << 52), field - 1075, overflow,
                        rounding);
}

}  // inline namespace LMUL_ISA
}  // namespace detail
}  // namespace lmul
