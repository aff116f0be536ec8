// lmul/detail/element_ranges.hpp -- containers as spans, for the element-wise span functions.
//
// Every span function also takes anything contiguous and sized whose elements are one lmul
// element type (std::vector<T>, std::array<T, N>, std::span<T>, ...): these adapters turn such an
// argument into the span the checked span version takes. They need nothing but the core headers.
#pragma once

#include <ranges>
#include <span>
#include <type_traits>

#include "../scalar.hpp"

namespace lmul {
namespace detail {
inline namespace LMUL_ISA {  // every function: see detail/isa_namespace.hpp

/// The element type of a range, without const.
template <class R>
using element_of = std::remove_cv_t<std::ranges::range_value_t<R>>;

/// A contiguous, sized range of one lmul element type.
template <class R>
concept element_range = std::ranges::contiguous_range<R> && std::ranges::sized_range<R> &&
                        lmul_element<element_of<R>>;

/// An output range: an element_range whose elements are not const.
template <class R>
concept writable_element_range =
    element_range<R> && std::same_as<std::ranges::range_value_t<R>, element_of<R>> &&
    !std::is_const_v<std::remove_reference_t<std::ranges::range_reference_t<R>>>;

template <element_range R>
std::span<const element_of<R>> as_input(const R& r) {
  return {std::ranges::data(r), std::ranges::size(r)};
}

template <writable_element_range R>
std::span<element_of<R>> as_output(R&& r) {
  return {std::ranges::data(r), std::ranges::size(r)};
}

}  // inline namespace LMUL_ISA
}  // namespace detail
}  // namespace lmul
