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
  T operator()(std::size_t row, std::size_t col) const { return *address(row, col); }
  const T* address(std::size_t row, std::size_t col) const {
    return data + row * row_stride + col * col_stride;
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
         codec::magnitude_word(a.max, true) + codec::magnitude_word(b.max, false) <=
             max_finite_bits;
}

/// Visit element (line, p) of a block, lines [first, first + lines) x steps [0, depth), in memory
/// order: along p when the lines are rows (A, or B transposed), along the lines for B. Reading
/// 4 KiB-strided elements one after the other is what makes a packing routine slow.
template <class Visit>
void for_each_in_memory_order(std::size_t line_stride, std::size_t depth_stride, std::size_t first,
                              std::size_t lines, std::size_t depth, Visit visit) {
  if (depth_stride <= line_stride) {
    for (std::size_t line = first; line < first + lines; ++line) {
      for (std::size_t p = 0; p < depth; ++p) visit(line, p);
    }
  } else {
    for (std::size_t p = 0; p < depth; ++p) {
      for (std::size_t line = first; line < first + lines; ++line) visit(line, p);
    }
  }
}

/// Pack a block of `lines` lines (rows of A, or columns of B) x `depth` steps into
/// ceil(lines / W) micro-panels of W lines each: panel q starts at out + q * depth * 2W and holds,
/// for step p, W words then W masks. Element (line, p) is data[line * line_stride + p *
/// depth_stride]. summaries[q] receives the code range of panel q. a_side selects A's words
/// (which carry the constant). W is a template parameter so that / W and % W are shifts.
template <class T, bool a_side, std::size_t W>
void pack_block(const T* data, std::size_t line_stride, std::size_t depth_stride, std::size_t lines,
                std::size_t depth, std::uint32_t* out, panel_summary* summaries) {
  using F = format_of_t<T>;
  const auto code_at = [&](std::size_t line, std::size_t p) -> std::uint32_t {
    return to_code(data[line * line_stride + p * depth_stride]);
  };
  for_each_in_memory_order(
      line_stride, depth_stride, 0, lines, depth, [&](std::size_t line, std::size_t p) {
        const std::uint32_t code = code_at(line, p);
        std::uint32_t* word = out + (line / W) * depth * 2 * W + p * 2 * W + line % W;
        word[0] = word_of<F, a_side>(code);
        word[W] = (code & F::magnitude_mask) != 0 ? 0xFFFFFFFFu : 0u;  // the mask
      });
  // The code ranges in a second pass, one panel at a time, so that the running minimum and
  // maximum stay in registers. Minimum of (magnitude - 1): a zero wraps to 0xFFFFFFFF, never wins.
  const std::size_t panels = (lines + W - 1) / W;
  for (std::size_t q = 0; q < panels; ++q) {
    std::uint32_t min_minus_one = 0xFFFFFFFFu;
    std::uint32_t max = 0;
    for_each_in_memory_order(line_stride, depth_stride, q * W, std::min(W, lines - q * W), depth,
                             [&](std::size_t line, std::size_t p) {
                               const std::uint32_t magnitude = code_at(line, p) & F::magnitude_mask;
                               min_minus_one = std::min(min_minus_one, magnitude - 1u);
                               max = std::max(max, magnitude);
                             });
    summaries[q] = {min_minus_one + 1u, max};  // 0xFFFFFFFF + 1 = 0: no nonzero element
  }
  // Lines past the edge of the last panel: zero operands (word 0, mask 0).
  if (const std::size_t used = lines % W; used != 0) {
    std::uint32_t* last = out + (panels - 1) * depth * 2 * W;
    for (std::size_t p = 0; p < depth; ++p) {
      std::fill(last + p * 2 * W + used, last + p * 2 * W + W, 0u);
      std::fill(last + p * 2 * W + W + used, last + p * 2 * W + 2 * W, 0u);
    }
  }
}

}  // namespace lmul::gemm_detail
