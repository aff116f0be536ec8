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
// The kernels run the best instruction set available (dispatch/kernel_calls.hpp): header-only,
// the best this unit's compile flags allow (-march=native: the machine's); with runtime dispatch
// (LMUL_RUNTIME_DISPATCH=1 and the lmul_kernels library: the lmul::dispatched CMake target), the
// best of the running CPU, whatever the flags. Both give the same bits. Formats without compiled
// kernels (narrower than their storage, such as lmul<2,3> or lmul<10,4>) run the scalar
// definition here: the same bits, without SIMD; lmul_dot on the OCP MX FP6 / FP4 types runs their
// MX block sums (one block of n). lmul::kernels::multiply<Arch>(...) etc. (kernels/span_kernels.hpp)
// name the instruction set at compile time instead. Design notes: docs/kernels.md.
#pragma once

#include <cstddef>
#include <ranges>
#include <span>
#include <type_traits>

#include "detail/element_ranges.hpp"
#include "detail/isa_namespace.hpp"
#include "detail/span_checks.hpp"
#include "dispatch/kernel_calls.hpp"
#include "kernels/exact_dot.hpp"
#include "runtime/kernel_table.hpp"
#include "scalar.hpp"

namespace lmul {

// ---- public API -------------------------------------------------------------------------------

inline namespace LMUL_ISA {  // every function: see detail/isa_namespace.hpp

template <lmul_element T>
void lmul_multiply(std::span<const T> a, std::span<const T> b, std::span<T> out) {
  detail::check_elementwise<T>("lmul_multiply", a, b, std::span<const T>(out));
  constexpr int format = runtime::compiled_format_index<format_of_t<T>>;  // -1: scalar
  if constexpr (format >= 0) {
    detail::call_multiply(a.data(), b.data(), out.data(), a.size());
  } else {
    for (std::size_t i = 0; i < a.size(); ++i) out[i] = lmul_product(a[i], b[i]);
  }
}

template <lmul_element T>
float lmul_dot(std::span<const T> a, std::span<const T> b) {
  detail::check_same_length("lmul_dot", a.size(), b.size());
  constexpr int format = runtime::compiled_format_index<format_of_t<T>>;  // -1: scalar
  constexpr int narrow_mx = runtime::narrow_mx_format_index<format_of_t<T>>;
  if constexpr (format >= 0) {
    return detail::call_dot(a.data(), b.data(), a.size());
  } else if constexpr (narrow_mx >= 0) {  // FP6 / FP4: the MX block sums, one block of n
    float sum = 0.f;
    if (!a.empty()) {
      detail::call_block_sums(a.data(), b.data(), a.size(), a.size(), &sum);
    }
    return sum;
  } else {
    float sum = 0.f;
    for (std::size_t i = 0; i < a.size(); ++i) sum += lmul_wide_product(a[i], b[i]);
    return sum;
  }
}

template <lmul_byte_element T>
float lmul_dot_exact(std::span<const T> a, std::span<const T> b) {
  detail::check_same_length("lmul_dot_exact", a.size(), b.size());
  constexpr int format = runtime::compiled_format_index<format_of_t<T>>;  // -1: scalar
  if constexpr (format >= 0) {
    return detail::call_dot_exact(a.data(), b.data(), a.size());
  } else {
    static_assert(sizeof(T) == 1);
    return detail::dot_exact_codes<format_of_t<T>>(
        reinterpret_cast<const std::uint8_t*>(a.data()),
        reinterpret_cast<const std::uint8_t*>(b.data()), a.size());
  }
}

}  // inline namespace LMUL_ISA

// Containers (std::vector, std::array, spans of non-const T, ...): forwarded to the span versions
// through the shared adapters of detail/element_ranges.hpp.
inline namespace LMUL_ISA {

template <detail::element_range A, detail::element_range B, detail::writable_element_range Out>
  requires std::same_as<detail::element_of<A>, detail::element_of<B>> &&
           std::same_as<detail::element_of<Out>, detail::element_of<A>>
void lmul_multiply(const A& a, const B& b, Out&& out) {
  lmul_multiply<detail::element_of<A>>(detail::as_input(a), detail::as_input(b),
                                       detail::as_output(out));
}

template <detail::element_range A, detail::element_range B>
  requires std::same_as<detail::element_of<A>, detail::element_of<B>>
float lmul_dot(const A& a, const B& b) {
  return lmul_dot<detail::element_of<A>>(detail::as_input(a), detail::as_input(b));
}

template <detail::element_range A, detail::element_range B>
  requires std::same_as<detail::element_of<A>, detail::element_of<B>> &&
           lmul_byte_element<detail::element_of<A>>
float lmul_dot_exact(const A& a, const B& b) {
  return lmul_dot_exact<detail::element_of<A>>(detail::as_input(a), detail::as_input(b));
}

/// The instruction set whose kernels lmul_multiply, lmul_dot and lmul_gemm run here
/// ("avx512_vbmi", "avx512bw", "avx2", "sse4_2", "neon64" or "baseline": scalar span kernels and
/// the target's baseline SIMD GEMM, SSE2 on x86-64): in a header-only unit the
/// best its compile flags allow, with runtime dispatch the one chosen for this CPU.
inline const char* selected_arch() { return detail::kernels_arch_name(); }

}  // inline namespace LMUL_ISA
}  // namespace lmul
