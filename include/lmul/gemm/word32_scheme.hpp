// lmul/gemm/word32_scheme.hpp -- the 32-bit word scheme: every format, every instruction set.
//
// A scheme is what driver.hpp's loop nest needs to know about one way of computing tiles: its
// blocking (MR x NR tiles, KC steps, MC rows and NC columns per packed block), how it packs A and
// B into micro-panels (with a per-panel summary), when its micro-kernel is exact for a pair of
// panels, and the micro-kernel itself. This one packs each operand as a 32-bit word and a mask
// (packing.hpp) and adds word pairs in micro_kernel.hpp; bf16_scheme.hpp is the other.
#pragma once

#include "../detail/isa_namespace.hpp"

#include <cstddef>
#include <cstdint>

#include "micro_kernel.hpp"
#include "packing.hpp"

namespace lmul {
namespace detail {
inline namespace LMUL_ISA {

template <class Arch, class T>
struct word32_scheme {
  using summary = panel_summary;  ///< code range and zeros of a micro-panel
  using checked_arch = Arch;      ///< checked_tile's instruction set for tiles that are not exact
  static constexpr std::size_t mr = kernel_shape<Arch>::mr;
  static constexpr std::size_t nr = kernel_shape<Arch>::nr;
  /// A B micro-panel (KC x NR words and masks) fits the 32 KiB L1 for AVX2 (256 * 16 * 8 B) and
  /// L2 otherwise; the A block of MC rows fits L2.
  static constexpr std::size_t depth_block = 256;       // KC
  static constexpr std::size_t row_block = 16 * mr;     // MC
  static constexpr std::size_t column_block = 64 * nr;  // NC

  /// Words of one packed micro-panel of `depth` steps: a word and a mask per element.
  static constexpr std::size_t a_panel_words(std::size_t depth) { return depth * 2 * mr; }
  static constexpr std::size_t b_panel_words(std::size_t depth) { return depth * 2 * nr; }

  /// Rows [row0, row0 + rows) x steps [p0, p0 + depth) of A into micro-panels of MR rows.
  static void pack_a(strided_matrix<T> a, std::size_t row0, std::size_t p0, std::size_t rows,
                     std::size_t depth, std::uint32_t* out, summary* summaries) {
    pack_block<T, true, mr>(a.address(row0, p0), a.row_stride, a.col_stride, rows, depth, out,
                            summaries);
  }
  /// Steps [p0, p0 + depth) x columns [col0, col0 + cols) of B into micro-panels of NR columns.
  static void pack_b(strided_matrix<T> b, std::size_t p0, std::size_t col0, std::size_t depth,
                     std::size_t cols, std::uint32_t* out, summary* summaries) {
    pack_block<T, false, nr>(b.address(p0, col0), b.col_stride, b.row_stride, cols, depth, out,
                             summaries);
  }

  /// The micro-kernel gives every product of these panels exactly (packing.hpp).
  static bool exact(const summary& a, const summary& b) {
    return additive_kernel_is_exact<format_of_t<T>>(a, b);
  }

  /// out (+)= the MR x NR tile of the packed panels (`depth` steps).
  static void run(std::size_t depth, const std::uint32_t* a_panel, const std::uint32_t* b_panel,
                  const summary& a, const summary& b, c_tile out) {
    alignas(64) float tile[mr * nr];
    micro_kernel<Arch>(depth, a_panel, b_panel, tile, a.has_zero, b.has_zero);
    for (std::size_t i = 0; i < out.rows; ++i) {
      store_tile_row<Arch>(tile + i * nr, out.cols, out.c + i * out.ldc, out.overwrite);
    }
  }
};

}  // inline namespace LMUL_ISA
}  // namespace detail
}  // namespace lmul
