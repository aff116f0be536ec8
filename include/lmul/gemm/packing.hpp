// lmul/gemm/packing.hpp -- copy blocks of A and B into the micro-kernel's operand-word layout.
//
// As in every packed GEMM (Goto & van de Geijn), A is cut into micro-panels of MR rows and B into
// micro-panels of NR columns, each stored contiguously in the order the micro-kernel reads them.
// Each element becomes its operand word (operand_words.hpp) and a mask, 0xFFFFFFFF for a nonzero
// operand and 0 for +-0: for step p of a micro-panel of A the layout is MR words then MR masks; of
// B, NR words then NR masks. Rows or columns past the matrix edge are padded with zeros (mask 0),
// so edge tiles need no kernel of their own.
// Each micro-panel also records its smallest nonzero and its largest magnitude code. Magnitude
// words grow with the code, and NaN and inf are the largest codes of every format, so these two
// numbers tell the driver whether all products of two panels are additive (fp32 normals).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

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

/// Range of the magnitude codes in a micro-panel.
struct panel_summary {
  std::uint32_t min_nonzero = 0;  ///< smallest nonzero magnitude code (0: the panel is all zero)
  std::uint32_t max = 0;          ///< largest magnitude code
};

/// True when every product between an A panel and a B panel of format F is an fp32 normal given
/// by one word addition, or a zero that the masks take care of: then the additive micro-kernel
/// computes the wide L-Mul products exactly (and in any other case the driver must not use it).
template <class F>
bool additive_kernel_is_exact(const panel_summary& a, const panel_summary& b) {
  using S = typename F::storage;
  const auto special = [](std::uint32_t code) {
    return F::is_nan_code(S(code)) || F::is_inf_code(S(code));
  };
  if (special(a.max) || special(b.max)) return false;
  if (a.min_nonzero == 0 || b.min_nonzero == 0) return true;  // every product is masked to +0
  using codec = word_codec<F>;
  return codec::magnitude_word(a.min_nonzero, true) + codec::magnitude_word(b.min_nonzero, false) >=
             min_normal_bits &&
         codec::magnitude_word(a.max, true) + codec::magnitude_word(b.max, false) <= max_finite_bits;
}

/// Pack `width` lines (rows of A, or columns of B) x `depth` steps into one micro-panel of
/// `panel_width` lines: out[p * 2 * panel_width + line] = word, then the masks.
/// `element(line, p)` returns the element; a_side selects A's words (which carry the constant).
template <class T, bool a_side, class Element>
panel_summary pack_micro_panel(Element element, std::size_t width, std::size_t depth,
                               std::size_t panel_width, std::uint32_t* out) {
  using F = format_of_t<T>;
  // Branch-free running minimum of (magnitude - 1): zero wraps to 0xFFFFFFFF and never wins.
  std::uint32_t min_minus_one = 0xFFFFFFFFu;
  std::uint32_t max = 0;
  for (std::size_t p = 0; p < depth; ++p) {
    std::uint32_t* words = out + p * 2 * panel_width;
    std::uint32_t* masks = words + panel_width;
    for (std::size_t line = 0; line < width; ++line) {
      const std::uint32_t code = to_code(element(line, p));
      const std::uint32_t magnitude = code & F::magnitude_mask;
      words[line] = word_of<F, a_side>(code);
      masks[line] = magnitude != 0 ? 0xFFFFFFFFu : 0u;
      min_minus_one = std::min(min_minus_one, magnitude - 1u);
      max = std::max(max, magnitude);
    }
    std::fill(words + width, words + panel_width, 0u);
    std::fill(masks + width, masks + panel_width, 0u);
  }
  return {min_minus_one + 1u, max};  // 0xFFFFFFFF + 1 wraps back to 0: "no nonzero element"
}

}  // namespace lmul::gemm_detail
