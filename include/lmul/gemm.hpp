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
// propagate as IEEE addition does. T is float, float8_e4m3fn, float8_e5m2 or any lmul<M,E>.
//
// Errors (std::invalid_argument, C untouched): lda < k, ldb < n (ldbt < k), ldc < n, a null
// pointer for a matrix with elements, or C overlapping A or B. m, n or k = 0 is fine (k = 0 gives
// C = 0). Threads: gemm_options::threads, default 1 (0 = std::thread::hardware_concurrency()).
//
// The kernels are lmul's compiled ones for the best instruction set of the running CPU (chosen
// once per process, whatever the caller's compile flags: runtime/kernel_table.hpp); formats the
// library has no kernels for (narrower than their storage, e.g. lmul<10,4>) run a scalar loop on
// the calling thread (gemm_options::threads is then ignored).
// lmul_gemm_arch<Arch> / lmul_gemm_bt_arch<Arch> (gemm/by_arch.hpp) name the instruction set.
// How it works: gemm/operand_words.hpp (the product as one integer addition), gemm/packing.hpp,
// gemm/micro_kernel.hpp, gemm/driver.hpp; docs/gemm.md.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <thread>

#include "detail/isa_namespace.hpp"
#include "kernels/paths.hpp"
#include "runtime/kernel_table.hpp"
#include "scalar.hpp"

namespace lmul {

/// Options of lmul_gemm. threads = 1 (the default) runs on the calling thread only.
struct gemm_options {
  unsigned threads = 1;  ///< rows of C are split into this many bands; 0 = hardware_concurrency()
};

namespace gemm_detail::inline LMUL_ISA {

/// Address range [first, last) of a strided matrix's elements, or empty for no elements.
struct byte_range {
  std::uintptr_t first = 0;
  std::uintptr_t last = 0;
};
template <class E>
byte_range range_of(const E* data, std::size_t rows, std::size_t cols, std::size_t ld) {
  if (rows == 0 || cols == 0) return {};
  const auto first = reinterpret_cast<std::uintptr_t>(data);
  return {first, first + ((rows - 1) * ld + cols) * sizeof(E)};
}
inline bool overlap(byte_range x, byte_range y) {
  return x.first < x.last && y.first < y.last && x.first < y.last && y.first < x.last;
}

[[noreturn]] inline void fail(const char* name, const std::string& what) {
  throw std::invalid_argument(std::string(name) + ": " + what);
}

/// All argument checks, before anything is written. b_rows x b_cols is B as stored.
template <class T>
void check_arguments(const char* name, std::size_t m, std::size_t n, std::size_t k, const T* a,
                     std::size_t lda, const T* b, std::size_t b_rows, std::size_t b_cols,
                     std::size_t ldb, const char* ldb_name, const float* c, std::size_t ldc) {
  if (lda < k) fail(name, "lda (" + std::to_string(lda) + ") < k (" + std::to_string(k) + ")");
  if (ldb < b_cols) {
    fail(name, std::string(ldb_name) + " (" + std::to_string(ldb) +
                   ") is smaller than a row of B (" + std::to_string(b_cols) + ")");
  }
  if (ldc < n) fail(name, "ldc (" + std::to_string(ldc) + ") < n (" + std::to_string(n) + ")");
  if (a == nullptr && m * k != 0) fail(name, "a is null");
  if (b == nullptr && k * n != 0) fail(name, "b is null");
  if (c == nullptr && m * n != 0) fail(name, "c is null");
  const byte_range c_range = range_of(c, m, n, ldc);
  if (overlap(c_range, range_of(a, m, k, lda)) ||
      overlap(c_range, range_of(b, b_rows, b_cols, ldb))) {
    fail(name, "c overlaps a or b");
  }
}

inline unsigned thread_count(const gemm_options& options) {
  if (options.threads != 0) return options.threads;
  return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace gemm_detail

namespace gemm_detail::inline LMUL_ISA {

/// The scalar definition, for formats the library has no compiled kernels for: each c[i][j] is the
/// fp32 sum of the wide products in order of p. Correct, but without SIMD or cache blocking.
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

/// Runs the compiled kernels of the running CPU's best instruction set on checked arguments.
template <class T>
void gemm_dispatched(std::size_t m, std::size_t n, std::size_t k, const T* a,
                     std::size_t a_row_stride, std::size_t a_col_stride, const T* b,
                     std::size_t b_row_stride, std::size_t b_col_stride, float* c, std::size_t ldc,
                     unsigned threads) {
  using F = format_of_t<T>;
  constexpr int format = runtime::compiled_format_index<F>;  // -1: no compiled kernels
  if constexpr (format >= 0) {
    runtime::selected_kernels().gemm[format](m, n, k, a, a_row_stride, a_col_stride, b,
                                             b_row_stride, b_col_stride, c, ldc, threads);
  } else {
    gemm_scalar(m, n, k, a, a_row_stride, a_col_stride, b, b_row_stride, b_col_stride, c, ldc);
  }
}

}  // namespace gemm_detail

inline namespace LMUL_ISA {  // every function: see detail/isa_namespace.hpp

/// C = A * B (row-major, C overwritten), every product an L-Mul wide product, fp32 accumulation.
template <lmul_element T>
void lmul_gemm(std::size_t m, std::size_t n, std::size_t k, const T* a, std::size_t lda, const T* b,
               std::size_t ldb, float* c, std::size_t ldc, const gemm_options& options = {}) {
  gemm_detail::check_arguments("lmul_gemm", m, n, k, a, lda, b, k, n, ldb, "ldb", c, ldc);
  gemm_detail::gemm_dispatched(m, n, k, a, lda, 1, b, ldb, 1, c, ldc,
                               gemm_detail::thread_count(options));
}

/// C = A * Bt^T with Bt stored n x k (as K in Q * K^T), C overwritten.
template <lmul_element T>
void lmul_gemm_bt(std::size_t m, std::size_t n, std::size_t k, const T* a, std::size_t lda,
                  const T* bt, std::size_t ldbt, float* c, std::size_t ldc,
                  const gemm_options& options = {}) {
  gemm_detail::check_arguments("lmul_gemm_bt", m, n, k, a, lda, bt, n, k, ldbt, "ldbt", c, ldc);
  // B(p, j) = bt[j * ldbt + p]: row stride 1, column stride ldbt.
  gemm_detail::gemm_dispatched(m, n, k, a, lda, 1, bt, 1, ldbt, c, ldc,
                               gemm_detail::thread_count(options));
}

}  // inline namespace LMUL_ISA
}  // namespace lmul
