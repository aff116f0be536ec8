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

/// Round x once to element type T with `rounding` (nearest even, as the constructors do, or toward
/// zero, as the paper's truncated operands are) and `overflow` (spec section 2). For T = float this
/// is the rounding of a double to fp32.
template <lmul_element T>
constexpr T round_to(double x, rounding_mode rounding = rounding_mode::nearest_even,
                     overflow_mode overflow = overflow_mode::non_saturating) {
  return from_code<T>(detail::encode<format_of_t<T>>(x, overflow, rounding));
}

}  // inline namespace LMUL_ISA

namespace detail {
inline namespace LMUL_ISA {

// L-Mul is one routine, lmul_codes_with (product.hpp), whose only variable part is the offset
// added to the integer sum: paper_offset (the paper's 2^-l(M)), constant_offset (any constant;
// 0 is Mitchell's multiply) or correction_offset (corrected.hpp's table). The public functions
// below and in corrected.hpp are these three element-type wrappers with one offset each.

/// L-Mul of two elements with offset policy `offset`, rounded to T.
template <lmul_element T, class Offset>
constexpr T lmul_product_with(T x, T y, Offset offset, overflow_mode overflow) {
  using F = format_of_t<T>;
  return from_code<T>(lmul_codes_with<F, F>(to_code(x), to_code(y), offset, overflow));
}

/// The L-Mul value with offset policy `offset`, rounded to fp32 instead of T.
template <lmul_element T, class Offset>
constexpr float lmul_wide_product_with(T x, T y, Offset offset) {
  using F = format_of_t<T>;
  return std::bit_cast<float>(lmul_codes_with<F, float32_traits>(to_code(x), to_code(y), offset,
                                                                 overflow_mode::non_saturating));
}

/// x and y rounded to lmul<M, 8> with `rounding`, then L-Mul with offset policy `offset`; the
/// result is exact as a float.
template <int M, class Offset>
constexpr float lmul_simulated_with(float x, float y, rounding_mode rounding, Offset offset) {
  using F = format_traits<M, 8>;
  const auto cx = encode<F>(double(x), overflow_mode::non_saturating, rounding);
  const auto cy = encode<F>(double(y), overflow_mode::non_saturating, rounding);
  return decode<F>(lmul_codes_with<F, F>(cx, cy, offset, overflow_mode::non_saturating));
}

}  // inline namespace LMUL_ISA
}  // namespace detail

inline namespace LMUL_ISA {

/// L-Mul of two values of one type (spec section 3), rounded to that type. For float8_e4m3fn and
/// float8_e5m2 this is L-Mul on their codes (M = 3 and M = 2), unlike their exact operator*.
/// For float it is the paper's fp32 L-Mul: bits(|x|) + bits(|y|) - 0x3F780000 for normal operands
/// and results, with zero, inf, NaN, underflow and overflow handled as the spec says.
template <lmul_element T>
constexpr T lmul_product(T x, T y, overflow_mode overflow = overflow_mode::non_saturating) {
  return detail::lmul_product_with(x, y, detail::paper_offset<format_of_t<T>>{}, overflow);
}

/// The wide L-Mul product: the L-Mul value V(k) rounded to fp32, not to T (the dot-product term).
template <lmul_element T>
constexpr float lmul_wide_product(T x, T y) {
  return detail::lmul_wide_product_with(x, y, detail::paper_offset<format_of_t<T>>{});
}

/// The paper's M-bit simulation: round x and y to M fraction bits in the fp32 exponent range
/// (lmul<M, 8>, with `rounding`), L-Mul them, and return the product (exact as a float).
template <int M>
constexpr float lmul_simulated(float x, float y,
                               rounding_mode rounding = rounding_mode::nearest_even) {
  return detail::lmul_simulated_with<M>(x, y, rounding, detail::paper_offset<format_traits<M, 8>>{});
}

/// L-Mul with a constant offset of your choice instead of the paper's: the significand sum
/// 1 + a + b gets offset_units * 2^-M added (M = T's fraction bits), everything else (specials,
/// subnormals, underflow, overflow) as lmul_product. offset_units = 2^(M - l(M)) is lmul_product
/// itself; 0 is Mitchell's logarithmic multiply. For studies of the offset (lmul-report).
template <lmul_element T>
constexpr T lmul_product_constant_offset(T x, T y, std::int64_t offset_units,
                                         overflow_mode overflow = overflow_mode::non_saturating) {
  return detail::lmul_product_with(x, y, detail::constant_offset{offset_units}, overflow);
}

}  // inline namespace LMUL_ISA
}  // namespace lmul
