// lmul/dispatch/runtime_kernels.hpp -- the runtime-dispatch mode of dispatch/kernel_calls.hpp: every
// call goes through the table of lmul's compiled kernels (the lmul_kernels library, src/) that the
// library chose once per process for the running CPU. Nothing SIMD is instantiated in the caller.
#pragma once

#include <cstddef>

#include "../detail/isa_namespace.hpp"
#include "../runtime/kernel_table.hpp"
#include "../scalar.hpp"

namespace lmul {
namespace detail {
inline namespace LMUL_ISA {  // every function: see detail/isa_namespace.hpp

template <class T>
void call_multiply(const T* a, const T* b, T* out, std::size_t n) {
  constexpr int format = runtime::compiled_format_index<format_of_t<T>>;
  runtime::selected_kernels().multiply[format](a, b, out, n);
}

template <class T>
float call_dot(const T* a, const T* b, std::size_t n) {
  constexpr int format = runtime::compiled_format_index<format_of_t<T>>;
  return runtime::selected_kernels().dot[format](a, b, n);
}

template <class T>
float call_dot_exact(const T* a, const T* b, std::size_t n) {
  constexpr int format = runtime::compiled_format_index<format_of_t<T>>;
  return runtime::selected_kernels().dot_exact[format](a, b, n);
}

template <class T>
void call_block_sums(const T* a, const T* b, std::size_t n, std::size_t block, float* sums) {
  constexpr int format = runtime::compiled_format_index<format_of_t<T>>;
  if constexpr (format >= 0) {
    runtime::selected_kernels().block_sums[format](a, b, n, block, sums);
  } else {  // FP6 / FP4
    constexpr int narrow = runtime::narrow_mx_format_index<format_of_t<T>>;
    static_assert(narrow >= 0, "block sums exist for 8-bit, FP6 and FP4 formats");
    runtime::selected_kernels().narrow_block_sums[narrow](a, b, n, block, sums);
  }
}

template <class T>
void call_gemm(std::size_t m, std::size_t n, std::size_t k, const T* a, std::size_t a_row_stride,
               std::size_t a_col_stride, const T* b, std::size_t b_row_stride,
               std::size_t b_col_stride, float* c, std::size_t ldc, unsigned threads) {
  constexpr int format = runtime::compiled_format_index<format_of_t<T>>;
  runtime::selected_kernels().gemm[format](m, n, k, a, a_row_stride, a_col_stride, b, b_row_stride,
                                           b_col_stride, c, ldc, threads);
}

inline const char* kernels_arch_name() { return runtime::selected_kernels().arch_name; }

}  // inline namespace LMUL_ISA
}  // namespace detail
}  // namespace lmul
