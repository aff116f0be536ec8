// lmul/gemm/packing.hpp -- copy blocks of A and B into the micro-kernel's operand-word layout.
//
// As in every packed GEMM (Goto & van de Geijn), A is cut into micro-panels of MR rows and B into
// micro-panels of NR columns, each stored contiguously in the order the micro-kernel reads them.
// Here each element becomes its operand word and mask (operand_words.hpp): for step p of a micro-
// panel of A the layout is MR words then MR masks; of B, NR words then NR masks. Rows or columns
// past the matrix edge are padded with zero operands (mask 0), so edge tiles need no special kernel.
// Each micro-panel also records the range of its magnitude words and whether it holds a NaN or inf:
// the driver uses that to prove a tile safe for the additive kernel, or to compute it exactly.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "operand_words.hpp"

namespace lmul::gemm_detail {

/// Element (row, col) of a strided matrix: data[row * row_stride + col * col_stride].
template <class T>
struct strided_matrix {
  const T* data;
  std::size_t row_stride;
  std::size_t col_stride;
  T operator()(std::size_t row, std::size_t col) const {
    return data[row * row_stride + col * col_stride];
  }
};

/// What the driver needs to know about a packed micro-panel.
struct panel_summary {
  // Empty-range sentinels: far outside any word, yet their sums cannot overflow an int64.
  std::int64_t min_magnitude = std::int64_t{1} << 40;
  std::int64_t max_magnitude = -(std::int64_t{1} << 40);
  bool irregular = false;  ///< holds a NaN or an infinity

  void add(const operand_word& w) {
    if (w.irregular) {
      irregular = true;
    } else if (w.mask != 0) {
      min_magnitude = std::min(min_magnitude, w.magnitude);
      max_magnitude = std::max(max_magnitude, w.magnitude);
    }
  }
};

/// True when every product between the two panels is an fp32 normal given by one word addition
/// (or a masked zero): then the additive micro-kernel computes exactly the wide L-Mul products.
inline bool additive_kernel_is_exact(const panel_summary& a, const panel_summary& b) {
  return !a.irregular && !b.irregular &&
         a.min_magnitude + b.min_magnitude >= min_normal_bits &&
         a.max_magnitude + b.max_magnitude <= max_finite_bits;
}

/// Pack `width` lines (rows of A, or columns of B) x `depth` steps into one micro-panel of
/// `panel_width` lines: out[p * 2 * panel_width + line] = word, then the masks.
/// `element(line, p)` returns the element; `a_side` selects which words (A carries the constant).
template <class T, class Element>
panel_summary pack_micro_panel(Element element, std::size_t width, std::size_t depth,
                               std::size_t panel_width, bool a_side, std::uint32_t* out) {
  panel_summary summary;
  for (std::size_t p = 0; p < depth; ++p) {
    std::uint32_t* words = out + p * 2 * panel_width;
    std::uint32_t* masks = words + panel_width;
    for (std::size_t line = 0; line < width; ++line) {
      const operand_word w = word_of<T>(element(line, p), a_side);
      words[line] = w.word;
      masks[line] = w.mask;
      summary.add(w);
    }
    for (std::size_t line = width; line < panel_width; ++line) {
      words[line] = 0;
      masks[line] = 0;
    }
  }
  return summary;
}

}  // namespace lmul::gemm_detail
