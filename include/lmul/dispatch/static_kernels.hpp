// lmul/dispatch/static_kernels.hpp -- the header-only mode of dispatch/kernel_calls.hpp: the kernel
// templates are instantiated in the calling unit for the best instruction set its compile flags
// allow (static dispatch). Nothing to link.
//
//   kernels (multiply, dot, exact dot, block sums)  kernels::default_arch (kernels/arch.hpp):
//       avx512_vbmi under -mavx512vbmi -mavx512bf16 -mbmi2 -mavx512bw, else xsimd's best arch of
//       the flags when the kernels support it (SSE4.2, AVX2, AVX-512 BW, NEON), else scalar;
//   GEMM  the bf16 kernel on avx512_vbmi, else xsimd's best arch of the flags (SSE2 at x86-64's
//       baseline flags, NEON on aarch64); a target without either runs the scalar loop.
// The unit must run only on CPUs its flags allow, as any code compiled with those flags.
#pragma once

#include <cstddef>
#include <type_traits>

#include "../detail/isa_namespace.hpp"
#include "../gemm/driver.hpp"
#include "../gemm/scalar_loop.hpp"
#include "../kernels/span_kernels.hpp"

namespace lmul {
namespace detail {

/// The GEMM arch of a header-only unit (see the file comment); void: no SIMD GEMM for the target.
#if LMUL_KERNELS_X86 || defined(__aarch64__)
using static_gemm_arch = std::conditional_t<std::is_same_v<kernels::default_arch, kernels::avx512_vbmi>,
                                            kernels::avx512_vbmi, xsimd::default_arch>;
#else
using static_gemm_arch = void;
#endif

inline namespace LMUL_ISA {  // every function: see detail/isa_namespace.hpp

template <class T>
void call_multiply(const T* a, const T* b, T* out, std::size_t n) {
  kernels::multiply<kernels::default_arch>(a, b, out, n);
}

template <class T>
float call_dot(const T* a, const T* b, std::size_t n) {
  return kernels::dot<kernels::default_arch>(a, b, n);
}

template <class T>
float call_dot_exact(const T* a, const T* b, std::size_t n) {
  return kernels::dot_exact<kernels::default_arch>(a, b, n);
}

template <class T>
void call_block_sums(const T* a, const T* b, std::size_t n, std::size_t block, float* sums) {
  kernels::block_sums<kernels::default_arch>(a, b, n, block, sums);
}

template <class T>
void call_gemm(std::size_t m, std::size_t n, std::size_t k, const T* a, std::size_t a_row_stride,
               std::size_t a_col_stride, const T* b, std::size_t b_row_stride,
               std::size_t b_col_stride, float* c, std::size_t ldc, unsigned threads) {
  if constexpr (std::is_void_v<static_gemm_arch>) {
    gemm_scalar(m, n, k, a, a_row_stride, a_col_stride, b, b_row_stride, b_col_stride, c, ldc);
    (void)threads;
  } else {
    gemm_threaded<static_gemm_arch, T>(m, n, k, {a, a_row_stride, a_col_stride},
                                       {b, b_row_stride, b_col_stride}, c, ldc, threads);
  }
}

/// The name the runtime tables would give the same instruction set (avx512_vbmi, avx512bw, avx2,
/// sse4_2, neon64 or baseline).
inline const char* kernels_arch_name() {
  using A = kernels::default_arch;
  if constexpr (std::is_same_v<A, kernels::scalar>) {
    return "baseline";
#if LMUL_KERNELS_X86
  } else if constexpr (std::is_same_v<A, kernels::avx512_vbmi>) {
    return "avx512_vbmi";
  } else if constexpr (std::is_base_of_v<xsimd::avx512bw, A>) {
    return "avx512bw";
  } else if constexpr (std::is_base_of_v<xsimd::avx2, A>) {
    return "avx2";
  } else {
    return "sse4_2";
#else
  } else {
    return "neon64";
#endif
  }
}

}  // inline namespace LMUL_ISA
}  // namespace detail
}  // namespace lmul
