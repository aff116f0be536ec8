// lmul/gemm/bf16_scheme.hpp -- the scheme of 8-bit formats and bfloat16 on AVX-512 BF16
// (kernels::avx512_vbmi).
//
// driver.hpp's loop nest with the 16-bit words of kernels/operand_words.hpp, packed by step pairs
// (bf16_packing.hpp), and bf16_kernel.hpp as the micro-kernel, which writes C itself. A tile whose
// panels hold a NaN or inf runs checked_tile (the AVX-512 BW one, 32 columns at a time) instead;
// for bfloat16 operands also one whose products could be subnormal, below 2^-119 or overflow
// (operand_words.hpp, bf16_code_sums_are_exact).
//
// Summation order of one entry of C (fixed for a given shape; threads do not change it): per
// depth block of KC steps, one fp32 accumulator adds the products of steps 1, 0, 3, 2, 5, 4, ...
// (vdpbf16ps adds a pair's high half first); C receives the first block's sum, and each later
// block's sum is added to C. That is at most KC + ceil(k / KC) - 1 <= k rounded additions on the
// way to any product, within the gamma_k bound of spec section 4.
#pragma once

#include "../detail/isa_namespace.hpp"

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "../kernels/arch.hpp"
#if LMUL_KERNELS_X86
#include "bf16_kernel.hpp"
#include "bf16_packing.hpp"

namespace lmul {
namespace detail {
inline namespace LMUL_ISA {

/// Run only where the CPU has AVX-512 BW and BF16; T is a format bf16_kernel_serves.
template <class T>
struct bf16_scheme {
  using F = format_of_t<T>;
  /// bfloat16 operands: their codes are the words (the other formats' come from byte tables).
  static constexpr bool codes_are_words = bf16_codes_are_words<F>();
  static constexpr bool words_are_exact() {
    if constexpr (codes_are_words) {
      return sizeof(T) == 2;
    } else {
      return sizeof(T) == 1 && bf16_words_are_exact<F>();
    }
  }
  static_assert(words_are_exact(), "bf16 words must give every product exactly");
  /// 8-bit: the micro-panel holds a NaN or inf; bfloat16: its range of magnitude codes.
  using summary = std::conditional_t<codes_are_words, panel_summary, bool>;
  using checked_arch = xsimd::avx512bw;
  /// The tile is MR x NR = 8 x 48: 24 accumulators + 3 B vectors + A's word and filter + one sum
  /// + one constant fit the 32 vector registers. (12 x 32 and 6 x 64 ran as fast; MR = 8 is what
  /// pack_a_bf16's 16 x 16 transpose gives.)
  static constexpr std::size_t mr = bf16_pack::a_panel_rows;
  static constexpr std::size_t vectors_per_row = 3;  // NV
  static constexpr std::size_t nr = 16 * vectors_per_row;
  /// Even (whole step pairs). A B micro-panel is KC x NR x 2 bytes = 48 KiB (more than Zen 4's
  /// 32 KiB L1), an A micro-panel KC x MR x 4 bytes = 16 KiB. Measured at 1024^3: KC = 512 ran 6%
  /// faster than 256 (which fits L1) and 2% faster than 384; fewer depth blocks mean fewer passes
  /// over C.
  static constexpr std::size_t depth_block = 512;       // KC
  static constexpr std::size_t row_block = 16 * mr;     // MC
  static constexpr std::size_t column_block = 64 * nr;  // NC

  /// Words of one packed micro-panel of `depth` steps: per step pair, A has MR word pairs and MR
  /// filter pairs, B has NR word pairs (one 32-bit word each).
  static constexpr std::size_t a_panel_words(std::size_t depth) { return (depth + 1) / 2 * 2 * mr; }
  static constexpr std::size_t b_panel_words(std::size_t depth) { return (depth + 1) / 2 * nr; }

  static void pack_a(strided_matrix<T> a, std::size_t row0, std::size_t p0, std::size_t rows,
                     std::size_t depth, std::uint32_t* out, summary* summaries) {
    if constexpr (codes_are_words) {
      pack_a_bf16_codes<T>(a, row0, p0, rows, depth, out, summaries);
    } else {
      pack_a_bf16<T>(a, row0, p0, rows, depth, out, summaries);
    }
  }
  static void pack_b(strided_matrix<T> b, std::size_t p0, std::size_t col0, std::size_t depth,
                     std::size_t cols, std::uint32_t* out, summary* summaries) {
    if constexpr (codes_are_words) {
      pack_b_bf16_codes<T, nr>(b, p0, col0, depth, cols, out, summaries);
    } else {
      pack_b_bf16<T, nr>(b, p0, col0, depth, cols, out, summaries);
    }
  }

  /// 8-bit: without NaN and inf every product is a bf16 word sum; bfloat16: where the magnitude
  /// ranges keep every product a normal bf16 >= 2^-119 (kernels/operand_words.hpp).
  static bool exact(const summary& a, const summary& b) {
    if constexpr (codes_are_words) {
      return bf16_code_sums_are_exact<F>(a.min_nonzero, a.max, b.min_nonzero, b.max);
    } else {
      return !a && !b;
    }
  }

  static void run(std::size_t depth, const std::uint32_t* a_panel, const std::uint32_t* b_panel,
                  const summary&, const summary&, c_tile out) {
    bf16_micro_kernel<mr, vectors_per_row>((depth + 1) / 2, a_panel, b_panel, out);
  }
};

}  // inline namespace LMUL_ISA
}  // namespace detail
}  // namespace lmul
#endif  // LMUL_KERNELS_X86
