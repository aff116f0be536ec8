// lmul/gemm/bf16_driver.hpp -- the five-loop GEMM for 8-bit formats on AVX-512 BF16.
//
// Same blocking as driver.hpp (Goto / BLIS) with the 16-bit words of kernels/operand_words.hpp, packed by
// step pairs (bf16_packing.hpp), and bf16_kernel.hpp as the micro-kernel. A tile whose panels hold
// a NaN or inf runs checked_tile (the AVX-512 BW one, 32 columns at a time) instead.
//
// Summation order of one entry of C (fixed for a given shape; threads do not change it): per
// depth block of KC steps, one fp32 accumulator adds the products of steps 1, 0, 3, 2, 5, 4, ...
// (vdpbf16ps adds a pair's high half first); C receives the first block's sum, and each later
// block's sum is added to C. That is at most KC + ceil(k / KC) - 1 <= k rounded additions on the
// way to any product, within the gamma_k bound of spec section 4.
#pragma once

#include "../detail/isa_namespace.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "../kernels/arch.hpp"
#if LMUL_KERNELS_X86
#include "bf16_kernel.hpp"
#include "bf16_packing.hpp"
#include "checked_tile.hpp"
#include "scratch.hpp"

namespace lmul {
namespace detail {
inline namespace LMUL_ISA {

/// Blocking of the bf16 path. The tile is MR x NR = 8 x 48: 24 accumulators + 3 B vectors + A's
/// word and filter + one sum + one constant fit the 32 vector registers. (12 x 32 and 6 x 64 ran
/// as fast; MR = 8 is what the A packing's 16 x 16 transpose assumes.)
inline constexpr std::size_t bf16_mr = 8;
inline constexpr std::size_t bf16_vectors_per_row = 3;  // NV
inline constexpr std::size_t bf16_nr = 16 * bf16_vectors_per_row;  // NR
/// Depth of a packed block (even: whole step pairs). A B micro-panel is KC x NR x 2 bytes = 48 KiB
/// (more than Zen 4's 32 KiB L1), an A micro-panel KC x MR x 4 bytes = 16 KiB. Measured at 1024^3:
/// KC = 512 ran 6% faster than 256 (which fits L1) and 2% faster than 384; fewer depth blocks mean
/// fewer passes over C.
inline constexpr std::size_t bf16_depth_block = 512;
inline constexpr std::size_t bf16_row_block = 16 * bf16_mr;      // MC
inline constexpr std::size_t bf16_column_block = 64 * bf16_nr;  // NC

/// Tile geometry of kernels::avx512_vbmi (gemm_threaded cuts bands of whole MR-row panels).
template <>
struct kernel_shape<kernels::avx512_vbmi> {
  static constexpr std::size_t mr = bf16_mr;
  static constexpr std::size_t nr = bf16_nr;
};

/// C (m x n, row stride ldc) = A (m x k) * B (k x n) with L-Mul products of an 8-bit format,
/// one thread, on a CPU with AVX-512 BW and BF16 (Arch = kernels::avx512_vbmi).
template <class Arch, class T>
void gemm_serial_bf16(std::size_t m, std::size_t n, std::size_t k, strided_matrix<T> a,
                      strided_matrix<T> b, float* c, std::size_t ldc) {
  using F = format_of_t<T>;
  static_assert(bf16_words_are_exact<F>(), "bf16 words must give every product exactly");
  static_assert(sizeof(T) == 1, "the packing reads the codes as bytes");
  static_assert(bf16_mr == 8, "pack_a_bf16 packs 8 rows (one 16 x 16 transpose)");
  constexpr std::size_t MR = bf16_mr, NV = bf16_vectors_per_row, NR = bf16_nr;
  constexpr std::size_t KC = bf16_depth_block, MC = bf16_row_block, NC = bf16_column_block;
  // Tiles with NaN or inf run the checked tile of Arch's xsimd base (AVX-512 BW: 32 columns).
  using checked_arch = detail::xsimd_arch_t<Arch>;
  constexpr std::size_t checked_nr = kernel_shape<checked_arch>::nr;

  if (m == 0 || n == 0) return;
  if (k == 0) {  // the empty sum
    for (std::size_t i = 0; i < m; ++i) std::fill(c + i * ldc, c + i * ldc + n, 0.0f);
    return;
  }
  const std::size_t max_pairs = (std::min(KC, k) + 1) / 2;
  const std::size_t a_panels = (std::min(MC, m) + MR - 1) / MR;
  const std::size_t b_panels = (std::min(NC, n) + NR - 1) / NR;
  std::uint32_t* const a_packed = word_buffer::get(0, a_panels * max_pairs * 2 * MR);
  std::uint32_t* const b_packed = word_buffer::get(1, b_panels * max_pairs * NR);
  bool a_special[MC / MR], b_special[NC / NR];
  alignas(64) float tile[MR * checked_nr];  // checked_tile's output
  std::vector<std::uint32_t> checked_scratch;  // used by checked_tile only

  for (std::size_t jc = 0; jc < n; jc += NC) {
    const std::size_t nc = std::min(NC, n - jc);
    for (std::size_t pc = 0; pc < k; pc += KC) {
      const std::size_t kc = std::min(KC, k - pc);
      const std::size_t pairs = (kc + 1) / 2;
      const bool first_block = pc == 0;  // C = first block's sum, later blocks add to it
      pack_b_bf16<T, NR>(b, pc, jc, kc, nc, b_packed, b_special);
      for (std::size_t ic = 0; ic < m; ic += MC) {
        const std::size_t mc = std::min(MC, m - ic);
        pack_a_bf16<T>(a, ic, pc, mc, kc, a_packed, a_special);
        for (std::size_t jr = 0; jr < nc; jr += NR) {
          const std::size_t cols = std::min(NR, nc - jr);
          const std::size_t q = jr / NR;
          for (std::size_t ir = 0; ir < mc; ir += MR) {
            const std::size_t rows = std::min(MR, mc - ir);
            float* c_tile = c + (ic + ir) * ldc + jc + jr;
            if (!a_special[ir / MR] && !b_special[q]) {
              bf16_micro_kernel<MR, NV>(pairs, a_packed + ir / MR * pairs * 2 * MR,
                                        b_packed + q * pairs * NR,
                                        {c_tile, ldc, rows, cols, first_block});
              continue;
            }
            // A NaN or inf in the panels: every product checked, 32 columns at a time.
            for (std::size_t j0 = 0; j0 < cols; j0 += checked_nr) {
              const std::size_t width = std::min(checked_nr, cols - j0);
              checked_tile<checked_arch>(a, b, ic + ir, jc + jr + j0, pc, rows, width, kc,
                                            checked_scratch, tile);
              for (std::size_t i = 0; i < rows; ++i) {
                for (std::size_t j = 0; j < width; ++j) {
                  float& entry = c_tile[i * ldc + j0 + j];
                  entry = first_block ? tile[i * checked_nr + j] : entry + tile[i * checked_nr + j];
                }
              }
            }
          }
        }
      }
    }
  }
}

}  // inline namespace LMUL_ISA
}  // namespace detail
}  // namespace lmul
#endif  // LMUL_KERNELS_X86
