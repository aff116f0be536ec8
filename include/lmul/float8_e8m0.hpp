// lmul/float8_e8m0.hpp -- float8_e8m0fnu, the OCP MX shared scale: a bare power of two.
//
// Code c in 0..254 is the value 2^(c - 127); code 0xFF is NaN. There is no sign bit, no zero, no
// infinity and no fraction, so the format does not fit format_traits (which needs a sign and M >= 1):
// it is a small class of its own. Multiplying two scales is one integer add of their codes
// (2^(ca - 127) * 2^(cb - 127) = 2^(ca + cb - 254)), which is what makes the MX dot product of
// lmul/mx.hpp multiplication-free.
//
// Conversion from a float or double (the rule this library chose, docs/spec.md "MX"): round to the
// nearest power of two by value, so 1.5 * 2^k is the tie between 2^k and 2^(k+1), broken toward the
// even code. Positive values below 2^-127 give 2^-127 (the format has no zero); values that round
// above 2^127, and zero, negative numbers, infinities and NaN, give NaN.
#pragma once

#include <bit>
#include <compare>
#include <cstdint>
#include <limits>
#include <ostream>

#include "detail/isa_namespace.hpp"

namespace lmul {

class float8_e8m0fnu {
 public:
  using storage = std::uint8_t;
  static constexpr int bias = 127;
  static constexpr storage nan_code = 0xFF;
  static constexpr int min_exponent = -127;  ///< value of code 0 is 2^-127
  static constexpr int max_exponent = 127;   ///< value of code 254 is 2^127

  /// 1.0 (code 127): a neutral scale.
  constexpr float8_e8m0fnu() = default;

  static constexpr float8_e8m0fnu from_bits(storage bits) {
    float8_e8m0fnu out;
    out.bits_ = bits;
    return out;
  }
  constexpr storage bits() const { return bits_; }

  /// 2^e, exact for -127 <= e <= 127; any other e gives NaN.
  static constexpr float8_e8m0fnu from_exponent(int e) {
    if (e < min_exponent || e > max_exponent) return from_bits(nan_code);
    return from_bits(storage(e + bias));
  }
  /// log2 of the value (code - 127); 128 for NaN.
  constexpr int exponent() const { return int(bits_) - bias; }

  /// Nearest power of two (ties to the even code); see the file comment for the edge cases.
  constexpr explicit float8_e8m0fnu(double x) : bits_(encode(x)) {}
  constexpr explicit float8_e8m0fnu(float x) : float8_e8m0fnu(double(x)) {}

  /// Exact: 2^-127 is the fp32 subnormal 0x00400000, codes 1..254 are the fp32 exponent fields.
  constexpr explicit operator float() const {
    if (bits_ == nan_code) return std::numeric_limits<float>::quiet_NaN();
    if (bits_ == 0) return std::bit_cast<float>(std::uint32_t{1} << 22);
    return std::bit_cast<float>(std::uint32_t(bits_) << 23);
  }
  constexpr explicit operator double() const { return double(float(*this)); }

  /// Codes are ordered as their values; NaN is unordered (IEEE comparisons).
  friend constexpr bool operator==(float8_e8m0fnu x, float8_e8m0fnu y) {
    return x.bits_ == y.bits_ && x.bits_ != nan_code;
  }
  friend constexpr std::partial_ordering operator<=>(float8_e8m0fnu x, float8_e8m0fnu y) {
    if (x.bits_ == nan_code || y.bits_ == nan_code) return std::partial_ordering::unordered;
    return x.bits_ <=> y.bits_;
  }

 private:
  static constexpr storage encode(double x) {
    const std::uint64_t bits = std::bit_cast<std::uint64_t>(x);
    if ((bits >> 63) != 0) return nan_code;  // negative, -0, negative NaN
    const int field = int(bits >> 52);
    const std::uint64_t fraction = bits & ((std::uint64_t{1} << 52) - 1);
    if (field == 0x7FF) return nan_code;             // +inf, NaN
    if (field == 0 && fraction == 0) return nan_code;  // +0: no zero in the format
    if (field == 0) return 0;  // double subnormals lie far below 2^-127: its nearest value
    // x = (1 + fraction / 2^52) * 2^k. Above 1.5 * 2^k round up; at exactly 1.5 * 2^k (fraction
    // is the half bit alone) pick the even code of k + 127 and k + 128.
    const int k = field - 1023;
    const std::uint64_t half = std::uint64_t{1} << 51;
    int e = k;
    if (fraction > half || (fraction == half && ((k + bias) & 1) != 0)) e = k + 1;
    if (e < min_exponent) return 0;
    if (e > max_exponent) return nan_code;
    return storage(e + bias);
  }

  storage bits_ = bias;
};

inline namespace LMUL_ISA {  // every function: see detail/isa_namespace.hpp

constexpr bool isnan(float8_e8m0fnu x) { return x.bits() == float8_e8m0fnu::nan_code; }
constexpr bool isinf(float8_e8m0fnu) { return false; }
constexpr bool isfinite(float8_e8m0fnu x) { return !isnan(x); }

inline std::ostream& operator<<(std::ostream& os, float8_e8m0fnu x) { return os << float(x); }

}  // inline namespace LMUL_ISA
}  // namespace lmul

template <>
class std::numeric_limits<lmul::float8_e8m0fnu> {
  using T = lmul::float8_e8m0fnu;

 public:
  static constexpr bool is_specialized = true;
  static constexpr bool is_signed = false;
  static constexpr bool is_integer = false;
  static constexpr bool is_exact = false;
  static constexpr bool has_infinity = false;
  static constexpr bool has_quiet_NaN = true;
  static constexpr bool has_signaling_NaN = false;
  static constexpr std::float_denorm_style has_denorm = std::denorm_absent;
  static constexpr bool has_denorm_loss = false;
  static constexpr std::float_round_style round_style = std::round_to_nearest;
  static constexpr bool is_iec559 = false;
  static constexpr bool is_bounded = true;
  static constexpr bool is_modulo = false;
  static constexpr int digits = 1;         // the implicit leading one only
  static constexpr int digits10 = 0;
  static constexpr int max_digits10 = 2;   // ceil(1 + digits * log10(2))
  static constexpr int radix = 2;
  static constexpr int min_exponent = -126;  // C convention: min() = 2^(min_exponent - 1)
  static constexpr int max_exponent = 128;
  static constexpr int min_exponent10 = -38;  // 2^-127 ~ 5.9e-39
  static constexpr int max_exponent10 = 38;   // 2^127 ~ 1.7e38
  static constexpr bool traps = false;
  static constexpr bool tinyness_before = false;

  static constexpr T min() noexcept { return T::from_bits(0); }
  static constexpr T max() noexcept { return T::from_bits(254); }
  static constexpr T lowest() noexcept { return T::from_bits(0); }
  static constexpr T epsilon() noexcept { return T::from_bits(127); }      // 2 - 1
  static constexpr T round_error() noexcept { return T::from_bits(126); }  // 1/2
  static constexpr T infinity() noexcept { return T::from_bits(T::nan_code); }
  static constexpr T quiet_NaN() noexcept { return T::from_bits(T::nan_code); }
  static constexpr T signaling_NaN() noexcept { return T::from_bits(T::nan_code); }
  static constexpr T denorm_min() noexcept { return T::from_bits(0); }
};
