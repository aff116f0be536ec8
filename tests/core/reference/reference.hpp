// tests/core/reference/reference.hpp -- a slow, independent reference for the numeric contract.
//
// Written straight from the spec (docs/spec.md), sharing no code path with include/lmul: it reads
// only M, E and the special-value policy of a format, and computes everything else from the spec
// text. Its algorithms are deliberately different from the production bit engine:
//   - decoding evaluates the spec section 1 formula with std::ldexp;
//   - rounding to an 8- or 16-bit format looks the value up in the sorted table of all finite
//     values of that format and compares it with the exact midpoint of its two neighbours;
//   - rounding to fp32 scales the value to its quantum and compares the remainder with 1/2;
//   - L-Mul follows spec section 3, steps 1-4, literally (K, k, V(k), then the rounding above).
//
// Exactness: every value of a format with E <= 8 and M <= 23, every product of two such values and
// every V(k) has a significand of at most 48 bits and an exponent far inside double's normal
// range, so doubles carry them exactly. Where an operation could be inexact the code says why it
// is not (or checks it, see exact_product()).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace lmul_ref {

/// The parameters of a format, the only thing the reference takes from the library's traits.
struct format_desc {
  int M;             // fraction bits
  int E;             // exponent bits
  bool finite_only;  // OCP "fn": no infinities, NaN only at S.1...1
  // OCP MX FP6/FP4: no infinities and no NaN (implies finite_only): every code is a number, an
  // overflow saturates to max finite and a NaN input converts to +0.
  bool no_specials = false;

  int bias() const { return (1 << (E - 1)) - 1; }
  std::uint32_t sign_bit() const { return std::uint32_t{1} << (E + M); }
  int exponent_field(std::uint32_t code) const { return int((code >> M) & ((1u << E) - 1)); }
  std::uint32_t fraction_field(std::uint32_t code) const { return code & ((1u << M) - 1); }
};

/// M, E and the special-value policy of a library format_traits (nothing else is taken from it).
template <class Traits>
format_desc desc_of() {
  return {Traits::mantissa_bits, Traits::exponent_bits, !Traits::has_infinity,
          !Traits::has_infinity && !Traits::has_nan};
}

inline const format_desc fp32_desc{23, 8, false};

/// An exact value: NaN, +-inf or a finite signed magnitude (held exactly in a double).
struct value {
  enum kind_t { finite, infinity, nan } kind = finite;
  bool negative = false;
  double magnitude = 0.0;
};

/// Spec section 1: the value of a code.
inline value decode(const format_desc& d, std::uint32_t code) {
  value v;
  v.negative = (code & d.sign_bit()) != 0;
  const int e = d.exponent_field(code);
  const std::uint32_t f = d.fraction_field(code);
  const int all_ones_e = (1 << d.E) - 1;
  const std::uint32_t all_ones_f = (1u << d.M) - 1;
  if (e == all_ones_e && !d.no_specials) {
    if (!d.finite_only) {
      v.kind = f == 0 ? value::infinity : value::nan;
      return v;
    }
    if (f == all_ones_f) {
      v.kind = value::nan;
      return v;
    }
  }
  if (e == 0) {
    v.magnitude = std::ldexp(double(f), 1 - d.bias() - d.M);  // f / 2^M * 2^(1 - bias)
  } else {
    v.magnitude = std::ldexp(double((1u << d.M) + f), e - d.bias() - d.M);  // (1 + f/2^M) 2^(e-bias)
  }
  return v;
}

/// What a test expects from an operation whose result is a code: a NaN (any NaN code), or a code.
struct expected {
  bool is_nan = false;
  std::uint32_t code = 0;
};

inline std::string describe(const expected& e) {
  if (e.is_nan) return "NaN";
  static const char* digits = "0123456789abcdef";
  std::string hex;
  std::uint32_t c = e.code;
  do {
    hex.insert(hex.begin(), digits[c % 16]);
    c /= 16;
  } while (c != 0);
  return "code 0x" + hex;
}

enum class overflow { non_saturating, saturating };
enum class rounding { nearest_even, toward_zero };

/// All finite non-negative values of an 8- or 16-bit format, ascending, with rounding onto them.
class format_table {
 public:
  explicit format_table(const format_desc& d) : desc_(d) {
    if (1 + d.E + d.M > 16) throw std::invalid_argument("format_table: at most 16 bits");
    // Codes 0 .. 2^(E+M) - 1 are the non-negative ones; keep the finite values. The spec's layout
    // makes them ascending in code order, which the loop checks instead of assuming.
    for (std::uint32_t c = 0; c < d.sign_bit(); ++c) {
      const value v = decode(d, c);
      if (v.kind != value::finite) break;
      if (!values_.empty() && !(v.magnitude > values_.back())) {
        throw std::logic_error("format_table: values not strictly ascending");
      }
      values_.push_back(v.magnitude);
    }
    // Overflow is judged after rounding (spec section 2): a value overflows when it rounds to the
    // value the format would have next if its exponent range went on, i.e. the spec formula read
    // for code max_finite + 1 as a normal number (e4m3fn: 480; e5m2: 65536). For FP6/FP4 that code
    // carries into the sign bit: its exponent field is read unmasked (E2M1: 8).
    const std::uint32_t next = max_finite_code() + 1;
    beyond_max_ = std::ldexp(double((1u << d.M) + d.fraction_field(next)),
                             int(next >> d.M) - d.bias() - d.M);
  }

  const format_desc& desc() const { return desc_; }
  const std::vector<double>& values() const { return values_; }
  std::uint32_t max_finite_code() const { return std::uint32_t(values_.size() - 1); }
  double max_finite() const { return values_.back(); }
  double beyond_max() const { return beyond_max_; }
  /// Code of +inf (IEEE-style formats): exponent field all ones, fraction zero.
  std::uint32_t infinity_code() const { return ((1u << desc_.E) - 1) << desc_.M; }

  /// Expected code for an overflowed (or infinite) result of sign `negative`.
  expected overflowed(bool negative, overflow mode) const {
    const std::uint32_t sign = negative ? desc_.sign_bit() : 0;
    if (mode == overflow::saturating || desc_.no_specials) return {false, sign | max_finite_code()};
    if (desc_.finite_only) return {true, 0};
    return {false, sign | infinity_code()};
  }

  /// Round the exact value (-1)^negative * (magnitude + tiny), where tiny is an infinitesimal of
  /// sign `residual_sign` (0 when magnitude is the exact value). The residual lets callers round
  /// exact values that are a double plus a much smaller error term (sums and quotients).
  expected round(bool negative, double magnitude, int residual_sign = 0,
                 overflow mode = overflow::non_saturating,
                 rounding rmode = rounding::nearest_even) const {
    if (std::isinf(magnitude)) return overflowed(negative, mode);
    return round_from(floor_index(magnitude), negative, magnitude, residual_sign, mode, rmode);
  }

  /// Index of the largest table value <= magnitude (a finite magnitude >= 0).
  std::size_t floor_index(double magnitude) const {
    const auto above = std::upper_bound(values_.begin(), values_.end(), magnitude);
    return std::size_t(above - values_.begin()) - 1;
  }

  /// round() for a caller that already knows lo = floor_index(magnitude) (sweeps over ascending
  /// inputs walk lo forward instead of searching).
  expected round_from(std::size_t lo, bool negative, double magnitude, int residual_sign,
                      overflow mode, rounding rmode) const {
    const std::uint32_t sign = negative ? desc_.sign_bit() : 0;
    if (values_[lo] == magnitude) {
      if (residual_sign == 0) return {false, sign | std::uint32_t(lo)};
      if (residual_sign < 0) --lo;  // just below a table value (never below 0: |x| >= 0)
    }
    const std::size_t hi = lo + 1;
    const double hi_value = hi < values_.size() ? values_[hi] : beyond_max_;
    std::size_t pick;
    if (rmode == rounding::toward_zero) {
      pick = lo;  // truncation never overflows to infinity (IEEE round toward zero)
    } else {
      // The midpoint is exact: lo and hi have at most M + 1 significant bits and hi <= 2 lo (or
      // lo == 0), so lo + hi needs at most M + 3 bits.
      const double mid = (values_[lo] + hi_value) / 2;
      int side = magnitude < mid ? -1 : (magnitude > mid ? 1 : residual_sign);
      if (side == 0) side = (lo % 2 == 0) ? -1 : 1;  // tie: the even code
      pick = side < 0 ? lo : hi;
    }
    if (pick >= values_.size()) return overflowed(negative, mode);
    return {false, sign | std::uint32_t(pick)};
  }

  /// What a NaN converts to: NaN, or +0 in a format without NaN.
  expected nan_result() const { return desc_.no_specials ? expected{false, 0} : expected{true, 0}; }

  /// Round a reference value (NaN, inf or finite) to the format.
  expected round(const value& v, overflow mode = overflow::non_saturating) const {
    if (v.kind == value::nan) return nan_result();
    if (v.kind == value::infinity) {  // an infinite result (not an overflow) stays infinite
      if (desc_.no_specials) return overflowed(v.negative, mode);
      if (desc_.finite_only) return {true, 0};
      return {false, (v.negative ? desc_.sign_bit() : 0) | infinity_code()};
    }
    return round(v.negative, v.magnitude, 0, mode);
  }

 private:
  format_desc desc_;
  std::vector<double> values_;
  double beyond_max_ = 0;
};

/// Round an exact finite magnitude to fp32, round to nearest even (an algorithm independent of the
/// library's): scale by the quantum of the value's binade (2^-149 at the least), split into integer
/// and fraction parts, round up above 1/2 and on 1/2 when the integer is odd.
inline float round_to_float(bool negative, double magnitude,
                            overflow mode = overflow::non_saturating) {
  const float sign = negative ? -1.0f : 1.0f;
  if (magnitude == 0) return sign * 0.0f;
  if (std::isinf(magnitude)) {
    return sign * (mode == overflow::saturating ? std::numeric_limits<float>::max()
                                                : std::numeric_limits<float>::infinity());
  }
  int exponent = 0;
  std::frexp(magnitude, &exponent);               // magnitude in [2^(exponent-1), 2^exponent)
  const int quantum = std::max(exponent - 1 - 23, -149);
  const double scaled = std::ldexp(magnitude, -quantum);  // exact: a power-of-two scaling
  double n = std::floor(scaled);
  const double rest = scaled - n;  // exact: both below 2^53 with the same quantum
  if (rest > 0.5 || (rest == 0.5 && std::fmod(n, 2.0) == 1.0)) n += 1;
  const double rounded = std::ldexp(n, quantum);
  if (rounded > double(std::numeric_limits<float>::max())) {
    return sign * (mode == overflow::saturating ? std::numeric_limits<float>::max()
                                                : std::numeric_limits<float>::infinity());
  }
  return sign * float(rounded);  // exact: rounded is a float
}

inline float round_to_float(const value& v, overflow mode = overflow::non_saturating) {
  if (v.kind == value::nan) return std::numeric_limits<float>::quiet_NaN();
  if (v.kind == value::infinity) {
    return v.negative ? -std::numeric_limits<float>::infinity()
                      : std::numeric_limits<float>::infinity();
  }
  return round_to_float(v.negative, v.magnitude, mode);
}

/// Round a reference value to a format of any width up to 31 bits (the format_table needs at most
/// 16), round to nearest even, non-saturating: the value's quantum is 2^(max(exponent, 1 - bias) -
/// M); the scaled remainder is compared with 1/2 as in round_to_float; a result above the largest
/// finite value (a format_table's max_finite, computed here from the spec formula) overflows.
inline expected round_by_quantum(const format_desc& d, const value& v) {
  const std::uint32_t sign = v.negative ? d.sign_bit() : 0;
  const std::uint32_t all_ones_e = (1u << d.E) - 1, all_ones_f = (1u << d.M) - 1;
  // Largest finite magnitude code: IEEE-style formats stop below the all-ones exponent; OCP "fn"
  // formats at S.1...1.1...10; formats without specials at the all-ones code.
  const std::uint32_t max_code = d.no_specials   ? d.sign_bit() - 1
                                 : d.finite_only ? d.sign_bit() - 2
                                                 : (all_ones_e << d.M) - 1;
  const double max_finite = decode(d, max_code).magnitude;
  const auto overflowed = [&]() -> expected {
    if (d.no_specials) return {false, sign | max_code};
    if (d.finite_only) return {true, 0};
    return {false, sign | (all_ones_e << d.M)};
  };
  if (v.kind == value::nan) return d.no_specials ? expected{false, 0} : expected{true, 0};
  if (v.kind == value::infinity) return overflowed();
  if (v.magnitude == 0) return {false, sign};
  int exponent = 0;
  std::frexp(v.magnitude, &exponent);  // magnitude in [2^(exponent-1), 2^exponent)
  const int quantum = std::max(exponent - 1, 1 - d.bias()) - d.M;
  const double scaled = std::ldexp(v.magnitude, -quantum);  // exact: a power-of-two scaling
  double n = std::floor(scaled);
  const double rest = scaled - n;
  if (rest > 0.5 || (rest == 0.5 && std::fmod(n, 2.0) == 1.0)) n += 1;
  if (std::ldexp(n, quantum) > max_finite) return overflowed();
  // n * 2^quantum with n < 2^(M+1); n >= 2^M is a normal number of exponent field quantum + M + bias
  // (a carry to 2^(M+1) is the next binade's 2^M), below 2^M the subnormal code n.
  auto significand = std::uint64_t(n);
  int q = quantum;
  if (significand == (std::uint64_t{2} << d.M)) {
    significand >>= 1;
    q += 1;
  }
  if (significand < (std::uint64_t{1} << d.M)) return {false, sign | std::uint32_t(significand)};
  const auto field = std::uint32_t(q + d.M + d.bias());
  return {false, sign | (field << d.M) | (std::uint32_t(significand) & all_ones_f)};
}

/// The paper's offset exponent l(M) (spec section 3, step 2).
inline int offset_exponent(int M) {
  if (M <= 3) return M;
  if (M == 4) return 3;
  return 4;
}

/// floor(a / 2^M) and a mod 2^M for any sign of a, by plain integer arithmetic.
inline void floor_divmod(std::int64_t a, int M, std::int64_t& quotient, std::int64_t& remainder) {
  const std::int64_t unit = std::int64_t{1} << M;
  quotient = a / unit;
  if (quotient * unit > a) --quotient;  // C++ division truncates toward zero
  remainder = a - quotient * unit;
}

/// Spec section 3, step 1: K(x) = e * 2^M + f of a finite nonzero code, subnormals normalised by
/// doubling the significand until its leading bit reaches the implicit-one position.
inline std::int64_t magnitude_index(const format_desc& d, std::uint32_t code) {
  std::int64_t e = d.exponent_field(code);
  std::int64_t significand = d.fraction_field(code);  // in units of 2^-M
  const std::int64_t one = std::int64_t{1} << d.M;
  if (e == 0) {
    e = 1;  // a subnormal is f / 2^M * 2^(1 - bias)
    while (significand < one) {
      significand *= 2;
      e -= 1;
    }
  } else {
    significand += one;
  }
  return e * one + (significand - one);
}

/// Spec section 3's table for NaN and infinite operands (IEEE's too): sets out's sign (XOR) and,
/// when an operand is NaN or inf, its kind, returning true; false leaves two finite operands.
inline bool special_operands(const value& vx, const value& vy, value& out) {
  out.negative = vx.negative != vy.negative;
  const bool x_zero = vx.kind == value::finite && vx.magnitude == 0;
  const bool y_zero = vy.kind == value::finite && vy.magnitude == 0;
  if (vx.kind == value::nan || vy.kind == value::nan) {
    out.kind = value::nan;
  } else if (vx.kind == value::infinity || vy.kind == value::infinity) {
    out.kind = (x_zero || y_zero) ? value::nan : value::infinity;
  } else {
    return false;
  }
  return true;
}

/// The L-Mul value of two codes (spec section 3 and its table of special operands), before the
/// final rounding: V(k) exactly.
inline value lmul_value(const format_desc& d, std::uint32_t x, std::uint32_t y) {
  const value vx = decode(d, x);
  const value vy = decode(d, y);
  value out;
  if (special_operands(vx, vy, out)) {
    return out;
  } else if (vx.magnitude == 0 || vy.magnitude == 0) {
    out.magnitude = 0;
  } else {
    const std::int64_t k = magnitude_index(d, x) + magnitude_index(d, y) -
                           (std::int64_t(d.bias()) << d.M) +
                           (std::int64_t{1} << (d.M - offset_exponent(d.M)));
    std::int64_t q = 0, r = 0;
    floor_divmod(k, d.M, q, r);
    // V(k) = (1 + r / 2^M) * 2^(q - bias): at most M + 1 bits, exponent within +-400.
    out.magnitude = std::ldexp(double((std::int64_t{1} << d.M) + r), int(q) - d.bias() - d.M);
  }
  return out;
}

/// The exact (unrounded) product of two codes with IEEE special-value rules.
inline value exact_product(const format_desc& d, std::uint32_t x, std::uint32_t y) {
  const value vx = decode(d, x);
  const value vy = decode(d, y);
  value out;
  if (!special_operands(vx, vy, out)) {
    out.magnitude = vx.magnitude * vy.magnitude;
    // Two significands of at most 24 bits: the double product is exact. Check it anyway.
    if (std::fma(vx.magnitude, vy.magnitude, -out.magnitude) != 0) {
      throw std::logic_error("exact_product: product not exact in double");
    }
  }
  return out;
}

}  // namespace lmul_ref
