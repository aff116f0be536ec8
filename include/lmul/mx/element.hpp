// lmul/mx/element.hpp -- the element formats of OCP MX blocks and their constants.
#pragma once

#include <concepts>

#include "../scalar.hpp"
#include "../small_float.hpp"

namespace lmul {

/// The element types an MX block may hold: OCP FP8 (E4M3, E5M2), FP6 (E2M3, E3M2) and FP4 (E2M1).
template <class T>
concept mx_element = std::same_as<T, float8_e4m3fn> || std::same_as<T, float8_e5m2> ||
                     std::same_as<T, float6_e2m3fn> || std::same_as<T, float6_e3m2fn> ||
                     std::same_as<T, float4_e2m1fn>;

namespace detail {
/// emax_elem = floor(log2(max_elem)): the unbiased exponent of the largest finite element, which
/// is the format's largest normal exponent (8, 15, 2, 4 and 2 for the five formats).
template <mx_element T>
inline constexpr int mx_emax = format_of_t<T>::max_exponent;
}  // namespace detail

}  // namespace lmul
