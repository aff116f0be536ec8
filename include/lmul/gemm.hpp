// lmul/gemm.hpp -- L-Mul matrix multiply ("L-Matmul"): C = A * B with every product an L-Mul.
//
//   void lmul::lmul_gemm   (m, n, k, const T* a, lda, const T* b,  ldb,  float* c, ldc [, options])
//   void lmul::lmul_gemm_bt(m, n, k, const T* a, lda, const T* bt, ldbt, float* c, ldc [, options])
//
// Row-major. A is m x k (row i at a + i*lda), B is k x n (row p at b + p*ldb); lmul_gemm_bt takes
// B transposed, an n x k matrix bt (row j at bt + j*ldbt), as in Q * K^T. C (m x n, row i at
// c + i*ldc) is OVERWRITTEN: c[i][j] = sum over p of lmul_wide_product(a[i][p], b[p][j]), the wide
// L-Mul products of spec section 3 accumulated in fp32 (in blocks of 256 steps: the sum lies within
// the gamma_k bound of spec section 4). NaN and inf follow the spec's special-value table and then
// propagate as IEEE addition does. T is float, float8_e4m3fn, float8_e5m2, any lmul<M,E> or an
// OCP MX element type (float6_e2m3fn, float6_e3m2fn, float4_e2m1fn).
//
// Errors (std::invalid_argument, C untouched; errors.hpp without exceptions): lda < k, ldb < n
// (ldbt < k), ldc < n; a matrix with elements whose pointer is null, whose last element lies more
// than PTRDIFF_MAX bytes past its first (sizes are checked without products that could wrap), or
// whose range wraps around the address space; C sharing an element with A or B. The overlap check
// is exact, by rows: C may lie in the padding between the rows of A or B. m, n or k = 0 is fine
// (k = 0 gives C = 0). Threads: gemm_options::threads, default 1 (0 = hardware_concurrency()); a
// thread that cannot be created or a band that throws propagates its exception after every started
// thread is joined (C untouched after a failed creation, unspecified after a failed band).
//
// The kernels run the best instruction set available, as for lmul_dot (kernels.hpp,
// dispatch/kernel_calls.hpp: header-only or runtime dispatch, the same bits). FP6 / FP4
// operands are first copied as codes of the 8-bit format with the same fraction width, whose wide
// products are the same (m k + k n bytes, allocated per call: kernels/stand_in_codes.hpp). Other formats the
// library has no kernels for (narrower than their storage, e.g. lmul<10,4>) run a scalar loop on
// the calling thread (gemm_options::threads is then ignored).
// lmul_gemm_arch<Arch> / lmul_gemm_bt_arch<Arch> (gemm/gemm_for_arch.hpp) name the instruction set.
// How it works: kernels/operand_words.hpp (the product as one integer addition), gemm/packing.hpp,
// gemm/micro_kernel.hpp, gemm/driver.hpp; docs/gemm.md.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "detail/isa_namespace.hpp"
#include "dispatch/kernel_calls.hpp"
#include "detail/matrix_checks.hpp"
#include "errors.hpp"
#include "gemm/options.hpp"
#include "gemm/scalar_loop.hpp"
#include "kernels/stand_in_codes.hpp"
#include "runtime/kernel_table.hpp"
#include "scalar.hpp"

namespace lmul {

namespace detail {
inline namespace LMUL_ISA {

/// The element type of lmul<M, 7 - M>, whose codes stand for F's (kernels/stand_in_codes.hpp).
template <class F>
using stand_in_element_t = small_float<stand_in_format_t<F>, lmul_multiplication>;

/// The rows x cols matrix x (element (i, j) at x[i * row_stride + j * col_stride]) of FP6 / FP4
/// codes as a row-major matrix of lmul<M, 7 - M> elements with the same wide products.
template <class T>
std::vector<stand_in_element_t<format_of_t<T>>> stand_in_copy(const T* x, std::size_t rows,
                                                            std::size_t cols,
                                                            std::size_t row_stride,
                                                            std::size_t col_stride) {
  using W = stand_in_element_t<format_of_t<T>>;
  const auto& wide = stand_in_codes_v<format_of_t<T>>.code;
  std::vector<W> out(rows * cols);
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t j = 0; j < cols; ++j) {
      // Read by the code's low bits (an array filled from raw bytes may have more set).
      const auto code = x[i * row_stride + j * col_stride].bits() & format_of_t<T>::code_mask;
      out[i * cols + j] = W::from_bits(wide[code]);
    }
  }
  return out;
}

/// Runs the kernels (dispatch/kernel_calls.hpp: header-only or runtime dispatch) on checked arguments.
template <class T>
void gemm_dispatched(std::size_t m, std::size_t n, std::size_t k, const T* a,
                     std::size_t a_row_stride, std::size_t a_col_stride, const T* b,
                     std::size_t b_row_stride, std::size_t b_col_stride, float* c, std::size_t ldc,
                     unsigned threads) {
  using F = format_of_t<T>;
  constexpr int format = runtime::compiled_format_index<F>;  // -1: no compiled kernels
  if constexpr (format >= 0) {
    call_gemm(m, n, k, a, a_row_stride, a_col_stride, b, b_row_stride, b_col_stride, c, ldc,
              threads);
  } else if constexpr (is_narrow_mx_format<F>) {
    // FP6 / FP4: the compiled kernels of lmul<M, 7 - M>, on copies of A and B rewritten as its
    // codes (the same wide products: kernels/stand_in_codes.hpp); m k + k n bytes, O(m k + k n) time.
    static_assert(runtime::compiled_format_index<stand_in_format_t<F>> >= 0);
    if (m == 0 || n == 0) return;
    const auto wide_a = stand_in_copy(a, m, k, a_row_stride, a_col_stride);
    const auto wide_b = stand_in_copy(b, k, n, b_row_stride, b_col_stride);
    gemm_dispatched(m, n, k, wide_a.data(), k, 1, wide_b.data(), n, 1, c, ldc, threads);
  } else {
    gemm_scalar(m, n, k, a, a_row_stride, a_col_stride, b, b_row_stride, b_col_stride, c, ldc);
  }
}

}  // inline namespace LMUL_ISA
}  // namespace detail

inline namespace LMUL_ISA {  // every function: see detail/isa_namespace.hpp

/// C = A * B (row-major, C overwritten), every product an L-Mul wide product, fp32 accumulation.
template <lmul_element T>
void lmul_gemm(std::size_t m, std::size_t n, std::size_t k, const T* a, std::size_t lda, const T* b,
               std::size_t ldb, float* c, std::size_t ldc, const gemm_options& options = {}) {
  detail::check_arguments("lmul_gemm", m, n, k, a, lda, b, k, n, ldb, "ldb", c, ldc);
  detail::gemm_dispatched(m, n, k, a, lda, 1, b, ldb, 1, c, ldc,
                          detail::thread_count(options));
}

/// C = A * Bt^T with Bt stored n x k (as K in Q * K^T), C overwritten.
template <lmul_element T>
void lmul_gemm_bt(std::size_t m, std::size_t n, std::size_t k, const T* a, std::size_t lda,
                  const T* bt, std::size_t ldbt, float* c, std::size_t ldc,
                  const gemm_options& options = {}) {
  detail::check_arguments("lmul_gemm_bt", m, n, k, a, lda, bt, n, k, ldbt, "ldbt", c, ldc);
  // B(p, j) = bt[j * ldbt + p]: row stride 1, column stride ldbt.
  detail::gemm_dispatched(m, n, k, a, lda, 1, bt, 1, ldbt, c, ldc,
                          detail::thread_count(options));
}

}  // inline namespace LMUL_ISA
}  // namespace lmul
