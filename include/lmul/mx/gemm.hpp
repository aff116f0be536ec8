// lmul/mx/gemm.hpp -- lmul_mx_gemm: C = A B for MX operands, each entry an lmul_mx_dot.
//
// A is m x k (row-major, row i at a + i * lda) with scales m x ceil(k / block) (row i's scales
// contiguous at scales_a + i * ceil(k / block)); B is given transposed, bt n x k with scales
// n x ceil(k / block). c[i][j] = lmul_mx_dot of row i of A and row j of bt, i.e.
//   sum over blocks p of 2^(sa[i][p] + sb[j][p] - 254) x (the fp32 sum of the block's wide products).
// Errors: those of lmul_gemm_bt (std::invalid_argument, or the error handler without exceptions;
// C untouched), extended to the scales as matrices m x blocks and n x blocks, and block = 0.
// Built on lmul_gemm's dispatched kernels (checked once per call): for a tile of C, each k-slice of
// one block width is one GEMM into a scratch tile (the per-block fp32 sums), which is then scaled
// by exponent adds and added to C in block order. The scratch tile stays in cache.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "../gemm.hpp"
#include "quantize.hpp"
#include "scale.hpp"

namespace lmul {

namespace detail {
inline namespace LMUL_ISA {

/// Rows and columns of the C tile whose per-block sums are kept in scratch (256 KiB of floats, in
/// L2). Each k-slice packs its B panel once per tile row band, so taller tiles pack B less often:
/// 256 x 256 measured 2x faster than 64 x 256 at 512^3 (Zen 4, one run, loaded machine).
inline constexpr std::size_t mx_gemm_tile_rows = 256;
inline constexpr std::size_t mx_gemm_tile_cols = 256;

/// All checks of lmul_mx_gemm, before anything is written: block > 0, then those of lmul_gemm_bt
/// for A (m x k, lda), Bt (n x k, ldbt) and C (m x n, ldc) (detail::check_arguments: leading
/// dimensions, null pointers, sizes past PTRDIFF_MAX bytes or wrapping the address space, checked
/// without products that could wrap; C sharing an element with A or Bt), and the same for the
/// scales as matrices of their own, m x blocks and n x blocks (row stride blocks), which C must not
/// share an element with either. Padding between rows is not an element: C may lie there.
template <class Elem>
void check_mx_gemm(std::size_t m, std::size_t n, std::size_t k, const float8_e8m0fnu* scales_a,
                   const Elem* a, std::size_t lda, const float8_e8m0fnu* scales_bt, const Elem* bt,
                   std::size_t ldbt, const float* c, std::size_t ldc, std::size_t block) {
  const char* name = "lmul_mx_gemm";
  if (block == 0) fail(name, "block size is 0");
  check_arguments(name, m, n, k, a, lda, bt, n, k, ldbt, "ldbt", c, ldc);
  const std::size_t blocks = mx_block_count(k, block);  // <= k: no overflow
  const matrix_bytes c_memory = memory_of(name, "c", c, m, n, ldc);
  const matrix_bytes sa_memory = memory_of(name, "scales_a", scales_a, m, blocks, blocks);
  const matrix_bytes sb_memory = memory_of(name, "scales_bt", scales_bt, n, blocks, blocks);
  if (share_elements(c_memory, sa_memory) || share_elements(c_memory, sb_memory)) {
    fail(name, "c overlaps scales_a or scales_bt");
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
        // The dispatched GEMM itself: the arguments were checked once, for the whole product.
        // B(p, j) = bt[j * ldbt + p]: row stride 1, column stride ldbt.
        gemm_dispatched(rows, cols, depth, a + i0 * lda + first, lda, 1, bt + j0 * ldbt + first, 1,
                        ldbt, sums.data(), cols, 1);
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

}  // inline namespace LMUL_ISA
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
    const auto wide_a = detail::stand_in_copy(a, m, k, lda, 1);
    const auto wide_bt = detail::stand_in_copy(bt, n, k, ldbt, 1);
    detail::mx_gemm_tiles(m, n, k, scales_a, wide_a.data(), k, scales_bt, wide_bt.data(), k, c, ldc,
                          block);
  } else {
    detail::mx_gemm_tiles(m, n, k, scales_a, a, lda, scales_bt, bt, ldbt, c, ldc, block);
  }
}

}  // inline namespace LMUL_ISA
}  // namespace lmul
