// Compiled (not run) by the packaging tests under other settings than the main build: -O0 debug
// builds for several -march targets, clang++, and the strict warning flags users may build with.
// Includes every public header and instantiates every kernel family for every kind of type,
// through the public API and through the explicit-arch templates (the code of lmul's compiled
// kernels) for every instruction set the flags allow.
//
// Public headers: <lmul/lmul.hpp> reaches all of include/lmul/ except the explicit-arch headers
// below and what they include (gemm/*.hpp, kernels/*.hpp, detail/simd_select.hpp).
#include <lmul/gemm/gemm_for_arch.hpp>
#include <lmul/kernels/span_kernels.hpp>
#include <lmul/lmul.hpp>

#include <cstddef>
#include <type_traits>
#include <utility>
#include <vector>

// The explicit-arch API on Arch: multiply, dot, exact dot (8-bit types), both GEMM layouts (SIMD
// archs only).
template <class Arch, class T>
float use_arch(const std::vector<T>& a, std::vector<T>& out, std::vector<float>& c) {
  lmul::kernels::multiply<Arch>(a.data(), a.data(), out.data(), a.size());
  if constexpr (!std::is_same_v<Arch, lmul::kernels::scalar>) {
    lmul::lmul_gemm_arch<Arch>(10, 10, 10, a.data(), 10, a.data(), 10, c.data(), 10);
    lmul::lmul_gemm_bt_arch<Arch>(10, 10, 10, a.data(), 10, a.data(), 10, c.data(), 10);
  }
  float sum = lmul::kernels::dot<Arch>(a.data(), a.data(), a.size());
  if constexpr (lmul::lmul_byte_element<T>) {
    sum += lmul::kernels::dot_exact<Arch>(a.data(), a.data(), a.size());
  }
  return sum + c[0];
}

template <class T>
float use_kernels() {
  const std::vector<T> a(100, T(1.5f));
  std::vector<T> out(100);
  lmul::lmul_multiply(a, a, out);
  lmul::lmul_multiply_corrected(a, a, out);
  std::vector<float> c(100);
  lmul::lmul_gemm(10, 10, 10, a.data(), 10, a.data(), 10, c.data(), 10);
  float sum = lmul::lmul_dot(a, a) + c[0];
  sum += use_arch<lmul::kernels::scalar>(a, out, c);
  sum += use_arch<lmul::kernels::default_arch>(a, out, c);
#if defined(__SSE4_2__)
  sum += use_arch<xsimd::sse4_2>(a, out, c);
#endif
#if defined(__AVX2__)
  sum += use_arch<xsimd::avx2>(a, out, c);
#endif
#if defined(__AVX512BW__)
  sum += use_arch<xsimd::avx512bw>(a, out, c);
  // AVX-512 BF16 GEMM (gemm/bf16_scheme.hpp for 8-bit formats, the AVX-512 BW path otherwise).
  lmul::lmul_gemm_arch<lmul::kernels::avx512_vbmi>(10, 10, 10, a.data(), 10, a.data(), 10,
                                                   c.data(), 10);
  lmul::lmul_gemm_bt_arch<lmul::kernels::avx512_vbmi>(10, 10, 10, a.data(), 10, a.data(), 10,
                                                      c.data(), 10);
#endif
  return sum;
}

// The element type of compiled format I, as the library's compiled units build it: kernel paths
// differ by format, so every format with compiled kernels is instantiated here.
template <std::size_t I>
constexpr auto element_of_format() {
  constexpr lmul::runtime::format_key key = lmul::runtime::compiled_formats[I];
  if constexpr (key.mantissa_bits == 23 && key.exponent_bits == 8 && !key.finite_only) {
    return float{};
  } else {
    constexpr auto specials =
        key.finite_only ? lmul::special_values::finite_only : lmul::special_values::ieee;
    return lmul::small_float<lmul::format_traits<key.mantissa_bits, key.exponent_bits, specials>,
                             lmul::lmul_multiplication>{};
  }
}

template <std::size_t... I>
float use_every_format(std::index_sequence<I...>) {
  return (use_kernels<decltype(element_of_format<I>())>() + ...);
}

int main() {
  float sum = use_every_format(std::make_index_sequence<lmul::runtime::format_count>{});
  sum += use_kernels<lmul::float8_e4m3fn>() + use_kernels<lmul::float8_e5m2>() +
         use_kernels<lmul::lmul<3, 4>>();
  const std::vector<lmul::float8_e4m3fn> b(100, lmul::float8_e4m3fn(2.0f));
  sum += lmul::lmul_dot_exact(b, b) + lmul::kernels::dot_exact(b.data(), b.data(), b.size());
  return sum > 0 ? 0 : 1;
}
