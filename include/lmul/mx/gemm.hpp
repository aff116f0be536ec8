// lmul/mx/gemm.hpp -- lmul_mx_gemm: C = A B for MX operands, each entry an lmul_mx_dot.
//
// A is m x k (row-major, row i at a + i * lda) with scales m x ceil(k / block) (row i's scales
// contiguous at scales_a + i * ceil(k / block)); B is given transposed, bt n x k with scales
// n x ceil(k / block). c[i][j] = lmul_mx_dot of row i of A and row j of bt, i.e.
//   sum over blocks p of 2^(sa[i][p] + sb[j][p] - 254) x (the fp32 sum of the block's wide products).
// Built on the public lmul_gemm_bt: for a tile of C, each k-slice of one block width is one
// lmul_gemm_bt call into a scratch tile (the per-block fp32 sums), which is then scaled by exponent
// adds and added to C in block order. The scratch tile stays in cache.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "../gemm.hpp"
#include "quantize.hpp"
#include "scale.hpp"

namespace lmul {

namespace detail::inline LMUL_ISA {

/// Rows and columns of the C tile whose per-block sums are kept in scratch (256 KiB of floats, in
/// L2). Each k-slice packs its B panel once per tile row band, so taller tiles pack B less often:
/// 256 x 256 measured 2x faster than 64 x 256 at 512^3 (Zen 4, one run, loaded machine).
inline constexpr std::size_t mx_gemm_tile_rows = 256;
inline constexpr std::size_t mx_gemm_tile_cols = 256;

template <class T>
bool mx_ranges_overlap(const T* data, std::size_t bytes, const float* c, std::size_t c_bytes) {
  if (bytes == 0 || c_bytes == 0) return false;
  const auto x = reinterpret_cast<std::uintptr_t>(data);
  const auto y = reinterpret_cast<std::uintptr_t>(c);
  return x < y + c_bytes && y < x + bytes;
}

/// The checks of lmul_gemm (leading dimensions, null pointers, C overlapping an input), for the
/// scales too, and block > 0. std::invalid_argument before anything is written.
template <class Elem>
void check_mx_gemm(std::size_t m, std::size_t n, std::size_t k, const float8_e8m0fnu* scales_a,
                   const Elem* a, std::size_t lda, const float8_e8m0fnu* scales_bt, const Elem* bt,
                   std::size_t ldbt, const float* c, std::size_t ldc, std::size_t block) {
  const char* name = "lmul_mx_gemm";
  if (block == 0) mx_fail(name, "block size is 0");
  if (lda < k) mx_fail(name, "lda (" + std::to_string(lda) + ") < k (" + std::to_string(k) + ")");
  if (ldbt < k) mx_fail(name, "ldbt (" + std::to_string(ldbt) + ") < k (" + std::to_string(k) + ")");
  if (ldc < n) mx_fail(name, "ldc (" + std::to_string(ldc) + ") < n (" + std::to_string(n) + ")");
  const std::size_t blocks = mx_block_count(k, block);
  if (m * k != 0 && (a == nullptr || scales_a == nullptr)) mx_fail(name, "a or scales_a is null");
  if (n * k != 0 && (bt == nullptr || scales_bt == nullptr)) mx_fail(name, "bt or scales_bt is null");
  if (c == nullptr && m * n != 0) mx_fail(name, "c is null");
  const auto span_bytes = [](std::size_t rows, std::size_t cols, std::size_t ld, std::size_t size) {
    return rows == 0 || cols == 0 ? std::size_t{0} : ((rows - 1) * ld + cols) * size;
  };
  const std::size_t c_bytes = span_bytes(m, n, ldc, sizeof(float));
  if (mx_ranges_overlap(a, span_bytes(m, k, lda, sizeof(Elem)), c, c_bytes) ||
      mx_ranges_overlap(bt, span_bytes(n, k, ldbt, sizeof(Elem)), c, c_bytes) ||
      mx_ranges_overlap(scales_a, m * blocks, c, c_bytes) ||
      mx_ranges_overlap(scales_bt, n * blocks, c, c_bytes)) {
    mx_fail(name, "c overlaps a, bt or their scales");
  }
}

/// The tiles of lmul_mx_gemm on checked arguments, C already zero, k > 0 (see the file comment).
template <class T>
void mx_gemm_tiles(std::size_t m, std::size_t n, std::size_t k, const float8_e8m0fnu* scales_a,
                   const T* a, std::size_t lda, const float8_e8m0fnu* scales_bt, const T* bt,
                   std::size_t ldbt, float* c, std::size_t ldc, std::size_t block) {
  const std::size_t blocks = mx_block_count(k, block);
  constexpr std::size_t tile_rows = mx_gemm_tile_rows, tile_cols = mx_gemm_tile_cols;
  std::vector<float> sums(tile_rows * tile_cols);
  std::vector<std::int32_t> b_codes(tile_cols);
  for (std::size_t i0 = 0; i0 < m; i0 += tile_rows) {
    const std::size_t rows = std::min(tile_rows, m - i0);
    for (std::size_t j0 = 0; j0 < n; j0 += tile_cols) {
      const std::size_t cols = std::min(tile_cols, n - j0);
      for (std::size_t p = 0, first = 0; p < blocks; ++p, first += block) {
        const std::size_t depth = std::min(block, k - first);
        lmul_gemm_bt(rows, cols, depth, a + i0 * lda + first, lda, bt + j0 * ldbt + first, ldbt,
                     sums.data(), cols);
        for (std::size_t j = 0; j < cols; ++j) b_codes[j] = scales_bt[(j0 + j) * blocks + p].bits();
        for (std::size_t i = 0; i < rows; ++i) {
          const float8_e8m0fnu sa = scales_a[(i0 + i) * blocks + p];
          float* c_row = c + (i0 + i) * ldc + j0;
          if (isnan(sa)) {
            std::fill(c_row, c_row + cols, std::numeric_limits<float>::quiet_NaN());
          } else {
            add_scaled_sums(c_row, sums.data() + i * cols, sa.bits(), b_codes.data(), cols);
          }
        }
      }
    }
  }
}

}  // namespace detail

inline namespace LMUL_ISA {  // every function: see detail/isa_namespace.hpp

/// C = A Bt^T for MX operands with L-Mul element products (see the file comment). C (m x n, row
/// stride ldc) is overwritten; k = 0 gives C = 0. FP6 / FP4 operands are rewritten once per call
/// as lmul<M, 7 - M> elements (the same wide products; m k + n k bytes), so that every k-slice runs
/// the compiled kernels without a copy of its own.
template <mx_element Elem>
void lmul_mx_gemm(std::size_t m, std::size_t n, std::size_t k, const float8_e8m0fnu* scales_a,
                  const Elem* a, std::size_t lda, const float8_e8m0fnu* scales_bt, const Elem* bt,
                  std::size_t ldbt, float* c, std::size_t ldc, std::size_t block = mx_block_size) {
  detail::check_mx_gemm(m, n, k, scales_a, a, lda, scales_bt, bt, ldbt, c, ldc, block);
  for (std::size_t i = 0; i < m; ++i) std::fill(c + i * ldc, c + i * ldc + n, 0.0f);
  if (k == 0 || m == 0 || n == 0) return;
  if constexpr (detail::is_narrow_mx_format<format_of_t<Elem>>) {
    const auto wide_a = detail::mx_wide_copy(a, m, k, lda, 1);
    const auto wide_bt = detail::mx_wide_copy(bt, n, k, ldbt, 1);
    detail::mx_gemm_tiles(m, n, k, scales_a, wide_a.data(), k, scales_bt, wide_bt.data(), k, c, ldc,
                          block);
  } else {
    detail::mx_gemm_tiles(m, n, k, scales_a, a, lda, scales_bt, bt, ldbt, c, ldc, block);
  }
}

}  // inline namespace LMUL_ISA
}  // namespace lmul
