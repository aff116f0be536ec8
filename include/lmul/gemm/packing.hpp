// lmul/gemm/packing.hpp -- copy blocks of A and B into the micro-kernel's operand-word layout.
//
// As in every packed GEMM (Goto & van de Geijn), A is cut into micro-panels of MR rows and B into
// micro-panels of NR columns, each stored contiguously in the order the micro-kernel reads them.
// Each element becomes its operand word (kernels/operand_words.hpp) and a mask, 0xFFFFFFFF for a nonzero
// operand and 0 for +-0: for step p of a micro-panel of A the layout is MR words then MR masks; of
// B, NR words then NR masks. Rows or columns past the matrix edge are padded with zeros (mask 0),
// so edge tiles need no kernel of their own.
// Each micro-panel also records its smallest nonzero and its largest magnitude code. Magnitude
// words grow with the code, and NaN and inf are the largest codes of every format, so these two
// numbers tell the driver whether all products of two panels are additive (fp32 normals); and
// whether it holds a zero, since two panels without one need no masks (lanes of the padding may
// then hold any value: the driver never stores them).
#pragma once

#include "../detail/isa_namespace.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "../kernels/operand_words.hpp"

namespace lmul {
namespace detail {
inline namespace LMUL_ISA {

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

/// Range of the magnitude codes in a micro-panel (its lines inside the matrix).
struct panel_summary {
  std::uint32_t min_nonzero = 0;  ///< smallest nonzero magnitude code (0: the panel is all zero)
  std::uint32_t max = 0;          ///< largest magnitude code
  bool has_zero = false;          ///< some element is +-0 (the micro-kernel must apply its masks)
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

/// Smallest nonzero and largest magnitude code of `lines` (<= W) lines x `depth` steps.
/// Running minimum of (magnitude - 1): a zero wraps to 0xFFFFFFFF and never wins.
template <class T, std::size_t W>
panel_summary code_range(const T* data, std::size_t line_stride, std::size_t depth_stride,
                         std::size_t lines, std::size_t depth) {
  constexpr std::uint32_t magnitude_mask = format_of_t<T>::magnitude_mask;
  std::uint32_t min_minus_one = 0xFFFFFFFFu;
  std::uint32_t max = 0;
  std::uint32_t min = 0xFFFFFFFFu;
  if (line_stride == 1) {  // B: each step is W contiguous elements; keep W running values
    std::uint32_t lane_min_minus_one[W], lane_max[W], lane_min[W];
    std::fill(lane_min_minus_one, lane_min_minus_one + W, 0xFFFFFFFFu);
    std::fill(lane_max, lane_max + W, 0u);
    std::fill(lane_min, lane_min + W, 0xFFFFFFFFu);
    for (std::size_t p = 0; p < depth; ++p) {
      const T* step = data + p * depth_stride;
      for (std::size_t line = 0; line < lines; ++line) {
        const std::uint32_t magnitude = to_code(step[line]) & magnitude_mask;
        lane_min_minus_one[line] = std::min(lane_min_minus_one[line], magnitude - 1u);
        lane_max[line] = std::max(lane_max[line], magnitude);
        lane_min[line] = std::min(lane_min[line], magnitude);
      }
    }
    min_minus_one = *std::min_element(lane_min_minus_one, lane_min_minus_one + W);
    max = *std::max_element(lane_max, lane_max + W);
    min = *std::min_element(lane_min, lane_min + W);
  } else {  // rows of A or of B transposed: each line is contiguous when depth_stride == 1
    for (std::size_t line = 0; line < lines; ++line) {
      const T* row = data + line * line_stride;
      for (std::size_t p = 0; p < depth; ++p) {
        const std::uint32_t magnitude = to_code(row[p * depth_stride]) & magnitude_mask;
        min_minus_one = std::min(min_minus_one, magnitude - 1u);
        max = std::max(max, magnitude);
        min = std::min(min, magnitude);
      }
    }
  }
  return {min_minus_one + 1u, max, min == 0};  // 0xFFFFFFFF + 1 = 0: no nonzero element
}

/// Pack a block of `lines` lines (rows of A, or columns of B) x `depth` steps into
/// ceil(lines / W) micro-panels of W lines each: panel q starts at out + q * depth * 2W and holds,
/// for step p, W words then W masks. Element (line, p) is data[line * line_stride + p *
/// depth_stride]. summaries[q] receives the code range of panel q. a_side selects A's words
/// (which carry the constant). W is a template parameter so that / W and % W are shifts.
/// The source is read in memory order (B along its rows, A along p): reading 4 KiB-strided
/// elements one after the other made packing a quarter of the run time.
template <class T, bool a_side, std::size_t W>
void pack_block(const T* data, std::size_t line_stride, std::size_t depth_stride, std::size_t lines,
                std::size_t depth, std::uint32_t* out, panel_summary* summaries) {
  using F = format_of_t<T>;
  const std::size_t panels = (lines + W - 1) / W;
  const auto put = [](std::uint32_t code, std::uint32_t* word) {
    word[0] = word_of<F, a_side>(code);
    word[W] = (code & F::magnitude_mask) != 0 ? 0xFFFFFFFFu : 0u;  // the mask
  };
  if (line_stride == 1) {  // B: step p of panel q is W contiguous source elements
    for (std::size_t p = 0; p < depth; ++p) {
      const T* step = data + p * depth_stride;
      for (std::size_t q = 0; q < panels; ++q) {
        std::uint32_t* words = out + q * depth * 2 * W + p * 2 * W;
        const std::size_t width = std::min(W, lines - q * W);
        for (std::size_t l = 0; l < width; ++l) put(to_code(step[q * W + l]), words + l);
      }
    }
  } else {  // rows of A or of B transposed: walk each row along p
    for (std::size_t line = 0; line < lines; ++line) {
      const T* row = data + line * line_stride;
      std::uint32_t* words = out + (line / W) * depth * 2 * W + line % W;
      for (std::size_t p = 0; p < depth; ++p)
        put(to_code(row[p * depth_stride]), words + p * 2 * W);
    }
  }
  // The code ranges in a second pass, one panel at a time, written so that the compiler can
  // vectorise it (min/max over contiguous elements, running values in registers).
  for (std::size_t q = 0; q < panels; ++q) {
    summaries[q] = code_range<T, W>(data + q * W * line_stride, line_stride, depth_stride,
                                    std::min(W, lines - q * W), depth);
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

}  // inline namespace LMUL_ISA
}  // namespace detail
}  // namespace lmul
