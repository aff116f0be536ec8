// lmul/gemm/bf16_packing.hpp -- packed panels of 16-bit words for the bf16 micro-kernel.
//
// vdpbf16ps adds the two bf16 halves of each 32-bit lane into one fp32 lane, so the two halves must
// be products for the same entry of C at two consecutive steps p = 2t and 2t + 1 (a "step pair").
// Every panel is therefore laid out by step pairs:
//   A micro-panel (MR rows): for pair t, MR 32-bit words (low half: a_word(A[i][2t]), high half:
//     a_word(A[i][2t+1])), then MR 32-bit "filters": the bf16 pair (1.0 or 0.0 per half, 0.0 for
//     a zero operand) that vdpbf16ps multiplies the product by. A row's word and filter are
//     broadcast to all 16 lanes.
//   B micro-panel (NR = 16 NV columns): for pair t, NR 32-bit lanes (column j in lane j: low half
//     b_word(B[2t][j]), high half b_word(B[2t+1][j])), and separately NV 32-bit masks, bit 2l + h
//     set when B[2t + h][16v + l] is nonzero: the vpaddw is zero-masked with it.
// An odd depth gets a zero operand (word 0, filter 0.0, mask bit 0) as its last step; rows or
// columns past the matrix edge are zero operands too, so edge tiles need no kernel of their own.
// Each micro-panel records whether it holds a NaN or inf code: then its tiles go to checked_tile.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "bf16_words.hpp"
#include "packing.hpp"

namespace lmul::gemm_detail {

/// Where one packed B block lives: words (16-bit pairs as 32-bit lanes) and nonzero masks.
struct bf16_b_block {
  std::uint32_t* words;
  std::uint32_t* masks;
};

/// True for a NaN or inf code of F.
template <class F>
constexpr bool is_special_code(std::uint32_t code) {
  return (code & F::magnitude_mask) > F::max_finite_code;
}

/// Pack `rows` rows x `depth` steps of A (element (i, p) = a(row0 + i, p0 + p)) into
/// ceil(rows / MR) micro-panels at `out`, each (depth + 1) / 2 pairs x 2 MR words.
/// special[q] tells whether panel q holds a NaN or inf.
template <class T, std::size_t MR>
void pack_a_bf16(strided_matrix<T> a, std::size_t row0, std::size_t p0, std::size_t rows,
                 std::size_t depth, std::uint32_t* out, bool* special) {
  using F = format_of_t<T>;
  constexpr auto& table = bf16_words_of<F>;
  const std::size_t pairs = (depth + 1) / 2;
  const std::size_t panels = (rows + MR - 1) / MR;
  for (std::size_t q = 0; q < panels; ++q) {
    std::uint32_t* panel = out + q * pairs * 2 * MR;
    bool any_special = false;
    const std::size_t height = std::min(MR, rows - q * MR);
    for (std::size_t r = 0; r < height; ++r) {
      const T* row = a.address(row0 + q * MR + r, p0);
      const auto code_at = [&](std::size_t p) -> std::uint32_t {
        return p < depth ? std::uint32_t(to_code(row[p * a.col_stride])) : 0u;
      };
      for (std::size_t t = 0; t < pairs; ++t) {
        const std::uint32_t low = code_at(2 * t), high = code_at(2 * t + 1);
        any_special |= is_special_code<F>(low) | is_special_code<F>(high);
        panel[t * 2 * MR + r] = table.a_word[low] | std::uint32_t(table.a_word[high]) << 16;
        const std::uint32_t filter_low = (low & F::magnitude_mask) != 0 ? bf16_one : bf16_zero;
        const std::uint32_t filter_high = (high & F::magnitude_mask) != 0 ? bf16_one : bf16_zero;
        panel[t * 2 * MR + MR + r] = filter_low | filter_high << 16;
      }
    }
    for (std::size_t r = height; r < MR; ++r) {  // rows past the edge: zero operands
      for (std::size_t t = 0; t < pairs; ++t) panel[t * 2 * MR + r] = panel[t * 2 * MR + MR + r] = 0;
    }
    special[q] = any_special;
  }
}

/// Pack `depth` steps x `cols` columns of B (element (p, j) = b(p0 + p, col0 + j)) into
/// ceil(cols / NR) micro-panels: words at out.words + q * pairs * NR, masks at
/// out.masks + q * pairs * NV. special[q] tells whether panel q holds a NaN or inf.
template <class T, std::size_t NR>
void pack_b_bf16(strided_matrix<T> b, std::size_t p0, std::size_t col0, std::size_t depth,
                 std::size_t cols, bf16_b_block out, bool* special) {
  using F = format_of_t<T>;
  constexpr auto& table = bf16_words_of<F>;
  constexpr std::size_t L = 16;  // fp32 lanes per vector
  constexpr std::size_t NV = NR / L;
  const std::size_t pairs = (depth + 1) / 2;
  const std::size_t panels = (cols + NR - 1) / NR;
  for (std::size_t q = 0; q < panels; ++q) {
    std::uint32_t* words = out.words + q * pairs * NR;
    std::uint32_t* masks = out.masks + q * pairs * NV;
    const std::size_t width = std::min(NR, cols - q * NR);
    bool any_special = false;
    for (std::size_t t = 0; t < pairs; ++t) {
      const bool has_high = 2 * t + 1 < depth;
      const T* low_row = b.address(p0 + 2 * t, col0 + q * NR);
      const T* high_row = has_high ? b.address(p0 + 2 * t + 1, col0 + q * NR) : nullptr;
      for (std::size_t v = 0; v < NV; ++v) {
        std::uint32_t mask = 0;
        for (std::size_t l = 0; l < L; ++l) {
          const std::size_t j = v * L + l;
          std::uint32_t low = 0, high = 0;
          if (j < width) {
            low = to_code(low_row[j * b.col_stride]);
            if (has_high) high = to_code(high_row[j * b.col_stride]);
          }
          any_special |= is_special_code<F>(low) | is_special_code<F>(high);
          words[t * NR + j] = table.b_word[low] | std::uint32_t(table.b_word[high]) << 16;
          mask |= std::uint32_t((low & F::magnitude_mask) != 0) << (2 * l);
          mask |= std::uint32_t((high & F::magnitude_mask) != 0) << (2 * l + 1);
        }
        masks[t * NV + v] = mask;
      }
    }
    special[q] = any_special;
  }
}

}  // namespace lmul::gemm_detail
