// lmul/gemm/scalar_loop.hpp -- the GEMM as the plain triple loop of the scalar definition, for
// formats without compiled kernels and targets without a SIMD GEMM.
#pragma once

#include <cstddef>

#include "../detail/isa_namespace.hpp"
#include "../scalar.hpp"

namespace lmul {
namespace detail {
inline namespace LMUL_ISA {  // every function: see detail/isa_namespace.hpp

/// Each c[i][j] is the fp32 sum of the wide products in order of p. Correct, but without SIMD or
/// cache blocking; runs on the calling thread.
template <class T>
void gemm_scalar(std::size_t m, std::size_t n, std::size_t k, const T* a, std::size_t a_row_stride,
                 std::size_t a_col_stride, const T* b, std::size_t b_row_stride,
                 std::size_t b_col_stride, float* c, std::size_t ldc) {
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      float sum = 0.0f;
      for (std::size_t p = 0; p < k; ++p) {
        sum += lmul_wide_product(a[i * a_row_stride + p * a_col_stride],
                                 b[p * b_row_stride + j * b_col_stride]);
      }
      c[i * ldc + j] = sum;
    }
  }
}

}  // inline namespace LMUL_ISA
}  // namespace detail
}  // namespace lmul
