// lmul/scalar.hpp -- L-Mul as a function, for every supported element type.
#pragma once

#include <bit>
#include <cstdint>

#include "detail/isa_namespace.hpp"
#include "format_traits.hpp"
#include "product.hpp"
#include "small_float.hpp"

namespace lmul {

/// The format a supported element type is stored in: float is fp32 (M = 23, E = 8).
template <class T>
struct format_of;
template <>
struct format_of<float> {
  using type = float32_traits;
};
template <class F, class P>
struct format_of<small_float<F, P>> {
  using type = F;
};
template <class T>
using format_of_t = typename format_of<T>::type;

/// Element types the kernels and lmul_product accept.
template <class T>
concept lmul_element = std::same_as<T, float> || is_small_float_v<T>;

/// Element types with an 8-bit code: the ones lmul_dot_exact accepts.
template <class T>
concept lmul_byte_element = lmul_element<T> && (format_of_t<T>::total_bits == 8);

inline namespace LMUL_ISA {  // every function: see detail/isa_namespace.hpp

/// Raw code of an element, and the element with a given code.
template <lmul_element T>
constexpr typename format_of_t<T>::storage to_code(T x) {
  if constexpr (std::same_as<T, float>) {
    return std::bit_cast<std::uint32_t>(x);
  } else {
    return x.bits();
  }
}
template <lmul_element T>
constexpr T from_code(typename format_of_t<T>::storage code) {
  if constexpr (std::same_as<T, float>) {
    return std::bit_cast<float>(code);
  } else {
    return T::from_bits(code);
  }
}

/// L-Mul of two values of one type (spec section 3), rounded to that type. For float8_e4m3fn and
/// float8_e5m2 this is L-Mul on their codes (M = 3 and M = 2), unlike their exact operator*.
/// For float it is the paper's fp32 L-Mul: bits(|x|) + bits(|y|) - 0x3F780000 for normal operands
/// and results, with zero, inf, NaN, underflow and overflow handled as the spec says.
template <lmul_element T>
constexpr T lmul_product(T x, T y, overflow_mode overflow = overflow_mode::non_saturating) {
  using F = format_of_t<T>;
  return from_code<T>(detail::lmul_codes<F>(to_code(x), to_code(y), overflow));
}

/// The wide L-Mul product: the L-Mul value V(k) rounded to fp32, not to T (the dot-product term).
template <lmul_element T>
constexpr float lmul_wide_product(T x, T y) {
  return detail::lmul_wide<format_of_t<T>>(to_code(x), to_code(y));
}

/// The paper's M-bit simulation: round x and y to M fraction bits in the fp32 exponent range
/// (lmul<M, 8>, with `rounding`), L-Mul them, and return the product (exact as a float).
template <int M>
constexpr float lmul_simulated(float x, float y,
                               rounding_mode rounding = rounding_mode::nearest_even) {
  using F = format_traits<M, 8>;
  const auto cx = detail::encode<F>(double(x), overflow_mode::non_saturating, rounding);
  const auto cy = detail::encode<F>(double(y), overflow_mode::non_saturating, rounding);
  return detail::decode<F>(detail::lmul_codes<F>(cx, cy));
}

}  // inline namespace LMUL_ISA
}  // namespace lmul
