// lmul/detail/matrix_checks.hpp -- the argument checks of every GEMM entry point (lmul_gemm,
// lmul_gemm_bt, their explicit-arch forms, lmul_mx_gemm): leading dimensions, pointers, sizes
// checked without products that could wrap, and exact element-by-element overlap of C with the
// inputs. All run before anything is written.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "../errors.hpp"
#include "isa_namespace.hpp"

namespace lmul {
namespace detail {
inline namespace LMUL_ISA {  // every function: see detail/isa_namespace.hpp

/// A strided matrix as memory: `rows` rows of `row_bytes` bytes, `stride_bytes` apart, from
/// address `first`; rows == 0 for a matrix without elements.
struct matrix_bytes {
  std::uintptr_t first = 0;
  std::size_t rows = 0;
  std::size_t row_bytes = 0;
  std::size_t stride_bytes = 0;
  std::uintptr_t end() const { return first + (rows - 1) * stride_bytes + row_bytes; }
};

/// The memory of the rows x cols matrix `label` (leading dimension ld >= cols, checked before),
/// or an error if it has elements but no valid place in memory: a null pointer, a last element
/// more than PTRDIFF_MAX bytes past the first (no object is larger; the bound is tested without
/// computing a product that could wrap), or a range that wraps around the address space.
template <class E>
matrix_bytes memory_of(const char* name, const char* label, const E* data, std::size_t rows,
                       std::size_t cols, std::size_t ld) {
  if (rows == 0 || cols == 0) return {};
  const auto reject = [&](const char* problem) {  // the message is built only on failure
    fail(name, std::string(label) + " (" + std::to_string(rows) + " x " + std::to_string(cols) +
                   ", leading dimension " + std::to_string(ld) + ") " + problem);
  };
  if (data == nullptr) reject("is null");
  // Elements spanned: (rows - 1) * ld + cols <= max_elements, i.e. bytes <= PTRDIFF_MAX
  // (ld >= cols >= 1 here, so the division is defined).
  constexpr std::size_t max_elements = std::size_t(PTRDIFF_MAX) / sizeof(E);
  if (cols > max_elements || rows - 1 > (max_elements - cols) / ld) {
    reject("spans more than PTRDIFF_MAX bytes");
  }
  const std::size_t elements = (rows - 1) * ld + cols;
  const auto first = reinterpret_cast<std::uintptr_t>(data);
  if (elements * sizeof(E) > UINTPTR_MAX - first) {
    reject("wraps around the end of the address space");
  }
  // One row: the stride is never used (and ld * sizeof(E) need not fit).
  const std::size_t stride = rows == 1 ? cols * sizeof(E) : ld * sizeof(E);
  return {first, rows, cols * sizeof(E), stride};
}

/// True if a row of x (not empty) shares a byte with [lo, hi). Rows ascend, so only the first
/// row that ends after lo can be the first to start before hi.
inline bool meets_a_row(const matrix_bytes& x, std::uintptr_t lo, std::uintptr_t hi) {
  std::size_t row = 0;
  if (lo >= x.first + x.row_bytes) row = (lo - x.first - x.row_bytes) / x.stride_bytes + 1;
  return row < x.rows && x.first + row * x.stride_bytes < hi;
}

/// True if x and y share a byte of an element; padding between rows is not shared. Exact, and
/// O(rows) only when the bounding ranges meet (at most the m rows of C that the product writes).
inline bool share_elements(const matrix_bytes& x, const matrix_bytes& y) {
  if (x.rows == 0 || y.rows == 0 || x.end() <= y.first || y.end() <= x.first) return false;
  const matrix_bytes& walked = x.rows <= y.rows ? x : y;
  const matrix_bytes& other = x.rows <= y.rows ? y : x;
  for (std::size_t row = 0; row < walked.rows; ++row) {
    const std::uintptr_t lo = walked.first + row * walked.stride_bytes;
    if (meets_a_row(other, lo, lo + walked.row_bytes)) return true;
  }
  return false;
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
  const matrix_bytes a_memory = memory_of(name, "a", a, m, k, lda);
  const char* b_label = ldb_name + 2;  // "ldb" -> "b", "ldbt" -> "bt"
  const matrix_bytes b_memory = memory_of(name, b_label, b, b_rows, b_cols, ldb);
  const matrix_bytes c_memory = memory_of(name, "c", c, m, n, ldc);
  if (share_elements(c_memory, a_memory) || share_elements(c_memory, b_memory)) {
    fail(name, "c overlaps a or b");
  }
}

}  // inline namespace LMUL_ISA
}  // namespace detail
}  // namespace lmul
