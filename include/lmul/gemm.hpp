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
// The instruction set is the best one the compiler flags enable (xsimd::default_arch);
// lmul_gemm_arch<Arch> / lmul_gemm_bt_arch<Arch> pick another one, e.g. xsimd::avx2.
// How it works: gemm/operand_words.hpp (the product as one integer addition), gemm/packing.hpp,
// gemm/micro_kernel.hpp, gemm/driver.hpp; docs/gemm.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <thread>
#include <xsimd/xsimd.hpp>

#include "errors.hpp"
#include "gemm/driver.hpp"
#include "scalar.hpp"

namespace lmul {

/// Options of lmul_gemm. threads = 1 (the default) runs on the calling thread only.
struct gemm_options {
  unsigned threads = 1;  ///< rows of C are split into this many bands; 0 = hardware_concurrency()
};

namespace gemm_detail {

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
  detail::fail_invalid_argument(std::string(name) + ": " + what);
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

/// C = A * B (row-major, C overwritten) with L-Mul products, on instruction set Arch.
template <class Arch, lmul_element T>
void lmul_gemm_arch(std::size_t m, std::size_t n, std::size_t k, const T* a, std::size_t lda,
                    const T* b, std::size_t ldb, float* c, std::size_t ldc,
                    const gemm_options& options = {}) {
  gemm_detail::check_arguments("lmul_gemm", m, n, k, a, lda, b, k, n, ldb, "ldb", c, ldc);
  gemm_detail::gemm_threaded<Arch, T>(m, n, k, {a, lda, 1}, {b, ldb, 1}, c, ldc,
                                      gemm_detail::thread_count(options));
}

/// C = A * Bt^T (Bt is n x k, row-major, C overwritten) with L-Mul products, on Arch.
template <class Arch, lmul_element T>
void lmul_gemm_bt_arch(std::size_t m, std::size_t n, std::size_t k, const T* a, std::size_t lda,
                       const T* bt, std::size_t ldbt, float* c, std::size_t ldc,
                       const gemm_options& options = {}) {
  gemm_detail::check_arguments("lmul_gemm_bt", m, n, k, a, lda, bt, n, k, ldbt, "ldbt", c, ldc);
  // B(p, j) = bt[j * ldbt + p]: row stride 1, column stride ldbt.
  gemm_detail::gemm_threaded<Arch, T>(m, n, k, {a, lda, 1}, {bt, 1, ldbt}, c, ldc,
                                      gemm_detail::thread_count(options));
}

/// C = A * B (row-major, C overwritten), every product an L-Mul wide product, fp32 accumulation.
template <lmul_element T>
void lmul_gemm(std::size_t m, std::size_t n, std::size_t k, const T* a, std::size_t lda, const T* b,
               std::size_t ldb, float* c, std::size_t ldc, const gemm_options& options = {}) {
  lmul_gemm_arch<xsimd::default_arch>(m, n, k, a, lda, b, ldb, c, ldc, options);
}

/// C = A * Bt^T with Bt stored n x k (as K in Q * K^T), C overwritten.
template <lmul_element T>
void lmul_gemm_bt(std::size_t m, std::size_t n, std::size_t k, const T* a, std::size_t lda,
                  const T* bt, std::size_t ldbt, float* c, std::size_t ldc,
                  const gemm_options& options = {}) {
  lmul_gemm_bt_arch<xsimd::default_arch>(m, n, k, a, lda, bt, ldbt, c, ldc, options);
}

}  // namespace lmul
