// lmul/kernels.hpp -- span kernels: element-wise L-Mul and L-Mul dot products (spec section 4).
//
//   void  lmul::lmul_multiply(a, b, out)   out[i] = lmul_product(a[i], b[i]), bit for bit
//   float lmul::lmul_dot(a, b)             sum of lmul_wide_product(a[i], b[i]) in fp32, any order
//                                          (error <= gamma_n * sum |p_i|)
//   float lmul::lmul_dot_exact(a, b)       8-bit types only: the exact sum of the wide products,
//                                          correctly rounded to fp32; the same bits for any order of
//                                          the pairs and any instruction set
// for T = float, float8_e4m3fn, float8_e5m2 and any lmul<M,E>. a, b (and out) are std::span<const T>
// (std::span<T>) or anything contiguous that converts to one: std::vector<T>, std::array<T, N>.
// Bad input (spans of different lengths, out overlapping an input without being exactly it) throws
// std::invalid_argument before anything is written.
//
// The instruction set is lmul::kernels::default_arch, the best the compile flags allow (see
// kernels/arch.hpp). lmul::kernels::multiply<Arch>(...) etc. take it explicitly, and
// kernels/dispatch.hpp picks one at run time. Design notes: docs/kernels.md.
#pragma once

#include <cstddef>
#include <ranges>
#include <span>
#include <type_traits>

// GCC 12 reports its own _mm512_undefined_* intrinsics (used inside xsimd and immintrin.h) as
// "used uninitialized" once inlined (GCC bug 105593, fixed in GCC 13): a false positive.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#define LMUL_KERNELS_POP_DIAGNOSTICS
#endif

#include "detail/span_checks.hpp"
#include "kernels/arch.hpp"
#include "kernels/avx512_float.hpp"
#include "kernels/avx512_vbmi.hpp"
#include "kernels/dot.hpp"
#include "kernels/exact_dot.hpp"
#include "kernels/multiply.hpp"
#include "scalar.hpp"

namespace lmul {

/// Element types with an 8-bit code: the ones lmul_dot_exact accepts.
template <class T>
concept lmul_byte_element = lmul_element<T> && (format_of_t<T>::total_bits == 8);

namespace kernels {

namespace detail {
template <class T>
const typename format_of_t<T>::storage* codes(const T* p) {
  static_assert(sizeof(T) == sizeof(typename format_of_t<T>::storage));
  return reinterpret_cast<const typename format_of_t<T>::storage*>(p);
}
template <class T>
typename format_of_t<T>::storage* codes(T* p) {
  return reinterpret_cast<typename format_of_t<T>::storage*>(p);
}
}  // namespace detail

/// out[i] = lmul_product(a[i], b[i]) for i < n with instruction set Arch. No argument checks;
/// out may equal a or b.
template <class Arch, lmul_element T>
void multiply(const T* a, const T* b, T* out, std::size_t n) {
  static_assert(is_kernel_arch<Arch>, "lmul: Arch must be scalar, avx512_vbmi or an xsimd arch "
                                      "derived from sse4_2, avx2 or avx512bw");
  using F = format_of_t<T>;
  const auto* ca = detail::codes(a);
  const auto* cb = detail::codes(b);
  auto* co = detail::codes(out);
  if constexpr (std::is_same_v<Arch, scalar>) {
    for (std::size_t i = 0; i < n; ++i) co[i] = ::lmul::detail::lmul_codes<F>(ca[i], cb[i]);
  } else if constexpr (std::is_same_v<Arch, avx512_vbmi> && detail::has_byte_classes<F>()) {
    detail::multiply_codes_vbmi<F>(ca, cb, co, n);
  } else {
    detail::multiply_codes<F, detail::xsimd_arch_t<Arch>>(ca, cb, co, n);
  }
}

/// Sum of lmul_wide_product(a[i], b[i]) for i < n, in fp32, with instruction set Arch.
template <class Arch, lmul_element T>
float dot(const T* a, const T* b, std::size_t n) {
  static_assert(is_kernel_arch<Arch>, "lmul: Arch must be scalar, avx512_vbmi or an xsimd arch "
                                      "derived from sse4_2, avx2 or avx512bw");
  using F = format_of_t<T>;
  // The vector dots read codes that fill their storage (8, 16 or fp32's 32 bits: the sign is the
  // storage's top bit); narrower formats such as lmul<10,4> take the scalar definition.
  constexpr bool fills_storage = F::total_bits == 8 * int(sizeof(typename F::storage)) &&
                                 (F::total_bits != 32 || std::is_same_v<F, float32_traits>);
  if constexpr (std::is_same_v<Arch, scalar> || !fills_storage) {
    return detail::dot_codes_scalar<F>(detail::codes(a), detail::codes(b), n);
  } else if constexpr (std::is_same_v<Arch, avx512_vbmi> && detail::is_byte_format<F>) {
    return detail::dot_codes_vbmi<F>(detail::codes(a), detail::codes(b), n);
  } else if constexpr (std::is_base_of_v<xsimd::avx512bw, detail::xsimd_arch_t<Arch>> &&
                       std::is_same_v<T, float>) {
    return detail::dot_float_avx512<detail::xsimd_arch_t<Arch>>(detail::codes(a), detail::codes(b), n);
  } else {
    return detail::dot_codes<F, detail::xsimd_arch_t<Arch>>(detail::codes(a), detail::codes(b), n);
  }
}

/// The exact dot product of 8-bit codes (integer counting: every Arch gives the same bits).
template <lmul_byte_element T>
float dot_exact(const T* a, const T* b, std::size_t n) {
  return detail::dot_exact_codes<format_of_t<T>>(detail::codes(a), detail::codes(b), n);
}

}  // namespace kernels

// ---- public API -------------------------------------------------------------------------------

template <lmul_element T>
void lmul_multiply(std::span<const T> a, std::span<const T> b, std::span<T> out) {
  ::lmul::detail::check_elementwise<T>("lmul_multiply", a, b, std::span<const T>(out));
  kernels::multiply<kernels::default_arch>(a.data(), b.data(), out.data(), a.size());
}

template <lmul_element T>
float lmul_dot(std::span<const T> a, std::span<const T> b) {
  ::lmul::detail::check_same_length("lmul_dot", a.size(), b.size());
  return kernels::dot<kernels::default_arch>(a.data(), b.data(), a.size());
}

template <lmul_byte_element T>
float lmul_dot_exact(std::span<const T> a, std::span<const T> b) {
  ::lmul::detail::check_same_length("lmul_dot_exact", a.size(), b.size());
  return kernels::dot_exact(a.data(), b.data(), a.size());
}

// Containers (std::vector, std::array, spans of non-const T, ...): forwarded to the span versions.
namespace kernels::detail {
template <class R>
using element_of = std::remove_cv_t<std::ranges::range_value_t<R>>;
template <class R>
concept element_range = std::ranges::contiguous_range<R> && std::ranges::sized_range<R> &&
                        lmul_element<element_of<R>>;
template <class R>
std::span<const element_of<R>> as_input(const R& r) {
  return {std::ranges::data(r), std::ranges::size(r)};
}
}  // namespace kernels::detail

template <kernels::detail::element_range A, kernels::detail::element_range B,
          kernels::detail::element_range Out>
  requires std::same_as<kernels::detail::element_of<A>, kernels::detail::element_of<B>> &&
           std::same_as<std::ranges::range_value_t<Out>, kernels::detail::element_of<A>>
void lmul_multiply(const A& a, const B& b, Out&& out) {
  using T = kernels::detail::element_of<A>;
  lmul_multiply<T>(kernels::detail::as_input(a), kernels::detail::as_input(b),
                   std::span<T>(std::ranges::data(out), std::ranges::size(out)));
}

template <kernels::detail::element_range A, kernels::detail::element_range B>
  requires std::same_as<kernels::detail::element_of<A>, kernels::detail::element_of<B>>
float lmul_dot(const A& a, const B& b) {
  return lmul_dot<kernels::detail::element_of<A>>(kernels::detail::as_input(a),
                                                  kernels::detail::as_input(b));
}

template <kernels::detail::element_range A, kernels::detail::element_range B>
  requires std::same_as<kernels::detail::element_of<A>, kernels::detail::element_of<B>> &&
           lmul_byte_element<kernels::detail::element_of<A>>
float lmul_dot_exact(const A& a, const B& b) {
  return lmul_dot_exact<kernels::detail::element_of<A>>(kernels::detail::as_input(a),
                                                        kernels::detail::as_input(b));
}

}  // namespace lmul

#ifdef LMUL_KERNELS_POP_DIAGNOSTICS
#pragma GCC diagnostic pop
#undef LMUL_KERNELS_POP_DIAGNOSTICS
#endif
