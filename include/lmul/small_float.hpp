// lmul/small_float.hpp -- the scalar types: lmul<M,E> and the OCP float8 types.
//
// All of them are one class template over a format (format_traits) and a multiplication policy:
// lmul<M,E> multiplies with L-Mul, float8_e4m3fn / float8_e5m2 multiply exactly rounded (they are
// the fp8 reference the paper compares against). Everything else is shared.
#pragma once

#include <compare>
#include <concepts>
#include <cstdint>
#include <ostream>
#include <type_traits>

#include "convert.hpp"
#include "detail/isa_namespace.hpp"
#include "format_traits.hpp"
#include "product.hpp"

namespace lmul {

/// operator* is the L-Mul product of spec section 3, rounded to the format.
struct lmul_multiplication {
  template <class F>
  static constexpr typename F::storage multiply(typename F::storage x, typename F::storage y) {
    return detail::lmul_codes<F>(x, y);
  }
};

/// operator* is the exactly rounded product (IEEE semantics, round to nearest even).
struct exact_multiplication {
  template <class F>
  static constexpr typename F::storage multiply(typename F::storage x, typename F::storage y) {
    return detail::exact_product_codes<F>(x, y);
  }
};

/// A small binary float: format `Format` (a format_traits), multiplication policy `Multiplication`.
template <class Format, class Multiplication>
class small_float {
 public:
  using format = Format;
  using multiplication = Multiplication;
  using storage = typename Format::storage;

  constexpr small_float() = default;  // +0

  /// The value with code `bits` (no check: every code is a value or a NaN). Only the format's
  /// total_bits low bits are kept (the value of a code is defined by them, e.g. 4 for FP4), so
  /// bits() is always canonical: float4_e2m1fn::from_bits(0x42).bits() == 0x02.
  static constexpr small_float from_bits(storage bits) {
    small_float out;
    out.bits_ = storage(bits & Format::code_mask);
    return out;
  }
  constexpr storage bits() const { return bits_; }

  /// Round to nearest even; overflow judged after rounding (spec section 2).
  constexpr explicit small_float(float x, overflow_mode overflow = overflow_mode::non_saturating)
      : small_float(double(x), overflow) {}
  /// One rounding straight from double (no double rounding through float).
  constexpr explicit small_float(double x, overflow_mode overflow = overflow_mode::non_saturating)
      : bits_(detail::encode<Format>(x, overflow)) {}
  /// Integers of every width (also __int128) round once, straight from their exact value.
  template <std::integral I>
  constexpr explicit small_float(I x, overflow_mode overflow = overflow_mode::non_saturating)
      : bits_(from_integer(x, overflow)) {}

  /// Exact: every value of a format with E <= 8 and M <= 23 is a float.
  constexpr explicit operator float() const { return detail::decode<Format>(bits_); }
  constexpr explicit operator double() const { return double(detail::decode<Format>(bits_)); }

  constexpr small_float operator-() const { return from_bits(storage(bits_ ^ Format::sign_mask)); }
  constexpr small_float operator+() const { return *this; }

  /// L-Mul (lmul<M,E>) or the exactly rounded product (float8 types).
  friend constexpr small_float operator*(small_float x, small_float y) {
    return from_bits(Multiplication::template multiply<Format>(x.bits_, y.bits_));
  }
  /// +, - and / are computed in double and rounded once to the format. For p <= 24 significant
  /// bits, 53 >= 2p + 2 makes that the correctly rounded result (no double-rounding error).
  friend constexpr small_float operator+(small_float x, small_float y) {
    return small_float(double(x) + double(y));
  }
  friend constexpr small_float operator-(small_float x, small_float y) {
    return small_float(double(x) - double(y));
  }
  friend constexpr small_float operator/(small_float x, small_float y) {
    return small_float(double(x) / double(y));
  }
  constexpr small_float& operator*=(small_float y) { return *this = *this * y; }
  constexpr small_float& operator+=(small_float y) { return *this = *this + y; }
  constexpr small_float& operator-=(small_float y) { return *this = *this - y; }
  constexpr small_float& operator/=(small_float y) { return *this = *this / y; }

  /// IEEE comparisons: NaN is unordered, -0 == +0.
  friend constexpr bool operator==(small_float x, small_float y) { return float(x) == float(y); }
  friend constexpr std::partial_ordering operator<=>(small_float x, small_float y) {
    return float(x) <=> float(y);
  }

 private:
  /// Every integral type, also the 128-bit ones of the GNU dialect: the magnitude is computed in
  /// an unsigned type at least 64 bits wide, then halved until it is below 2^63 (round_exact's
  /// bound). The bits shifted out only decide a tie far below the at most 24 significant bits any
  /// format keeps, so they are kept as one sticky bit in bit 0.
  template <std::integral I>
  static constexpr storage from_integer(I x, overflow_mode overflow) {
    if constexpr (std::same_as<I, bool>) {
      return from_integer(int(x), overflow);
    } else {
      using wide = std::conditional_t<(sizeof(I) > sizeof(std::uint64_t)), std::make_unsigned_t<I>,
                                      std::uint64_t>;
      const bool negative = x < 0;
      wide magnitude = negative ? wide(0) - wide(x) : wide(x);
      int exp = 0;
      bool sticky = false;
      while ((magnitude >> 63) != 0) {
        sticky = sticky || (magnitude & 1) != 0;
        magnitude >>= 1;
        ++exp;
      }
      return detail::round_exact<Format>(negative, std::uint64_t(magnitude) | std::uint64_t(sticky),
                                         exp, overflow);
    }
  }

  storage bits_ = 0;
};

/// The L-Mul scalar type: M fraction bits, E exponent bits, IEEE-style specials.
template <int M, int E>
using lmul = small_float<format_traits<M, E>, lmul_multiplication>;

/// OCP FP8 E4M3 (no infinities, NaN = S.1111.111, max 448) with exactly rounded arithmetic.
using float8_e4m3fn = small_float<e4m3fn_traits, exact_multiplication>;
/// OCP FP8 E5M2 (IEEE-style, max 57344) with exactly rounded arithmetic.
using float8_e5m2 = small_float<e5m2_traits, exact_multiplication>;

/// OCP MX element formats, one value in the low bits of a byte (ml_dtypes' layout): no infinity, no
/// NaN, conversions saturate to +-max (+-inf too) and a NaN converts to +0. Exactly rounded
/// (saturating) arithmetic, like the float8 types. The high bits of the byte are ignored wherever a
/// code is read (from_bits, conversions, every kernel, also on arrays filled from raw bytes): a byte
/// b is the value of b & 0x3F (FP6) or b & 0x0F (FP4).
using float6_e2m3fn = small_float<e2m3fn_traits, exact_multiplication>;  ///< bias 1, max 7.5
using float6_e3m2fn = small_float<e3m2fn_traits, exact_multiplication>;  ///< bias 3, max 28
using float4_e2m1fn = small_float<e2m1fn_traits, exact_multiplication>;  ///< bias 1, max 6

/// True for lmul<M,E>, float8_e4m3fn, float8_e5m2 and any other small_float.
template <class T>
inline constexpr bool is_small_float_v = false;
template <class F, class P>
inline constexpr bool is_small_float_v<small_float<F, P>> = true;

inline namespace LMUL_ISA {  // every function: see detail/isa_namespace.hpp

template <class F, class P>
constexpr bool isnan(small_float<F, P> x) {
  return F::is_nan_code(typename F::storage(x.bits() & F::magnitude_mask));
}
template <class F, class P>
constexpr bool isinf(small_float<F, P> x) {
  return F::is_inf_code(typename F::storage(x.bits() & F::magnitude_mask));
}
template <class F, class P>
constexpr bool isfinite(small_float<F, P> x) {
  return !isnan(x) && !isinf(x);
}
template <class F, class P>
constexpr bool signbit(small_float<F, P> x) {
  return (x.bits() & F::sign_mask) != 0;
}
template <class F, class P>
constexpr small_float<F, P> abs(small_float<F, P> x) {
  return small_float<F, P>::from_bits(typename F::storage(x.bits() & F::magnitude_mask));
}
/// Prints the exact value as a float would print.
template <class F, class P>
std::ostream& operator<<(std::ostream& os, small_float<F, P> x) {
  return os << float(x);
}

}  // inline namespace LMUL_ISA
}  // namespace lmul

// std::numeric_limits comes with the type: every unit that can name a small_float also sees its
// specialisation (a unit seeing only the primary template would break the ODR). limits.hpp
// includes this header first, so either include order defines the class before its limits.
#include "limits.hpp"
