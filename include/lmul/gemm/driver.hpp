// lmul/gemm/driver.hpp -- cache blocking, the exact fallback for special tiles, and threads.
//
// The loop nest is the classic five-loop GEMM (Goto & van de Geijn; BLIS):
//   columns of C in blocks of NC      -> a KC x NC panel of B is packed (stays in L3)
//     depth in blocks of KC           -> an MC x KC block of A is packed (stays in L2)
//       micro-panels of B (NR columns) and of A (MR rows) -> micro_kernel (KC x NR of B in L1)
// A tile whose panels could produce a NaN, an inf, or an fp32 result outside the normal range
// (possible for fp32 operands only; never for 8-bit formats) goes to checked_tile instead, which
// checks every product and computes the irregular ones with the scalar wide product of spec 3.
// Arch kernels::avx512_vbmi (AVX-512 BW + BF16) runs 8-bit formats through bf16_driver.hpp instead.
#pragma once

#include "../detail/isa_namespace.hpp"

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <new>
#include <thread>
#include <type_traits>
#include <vector>

#include "../scalar.hpp"
#include "bf16_driver.hpp"
#include "checked_tile.hpp"
#include "micro_kernel.hpp"
#include "packing.hpp"
#include "scratch.hpp"

namespace lmul {
namespace detail {
inline namespace LMUL_ISA {

/// Depth of a packed block: a B micro-panel (KC x NR words and masks) fits the 32 KiB L1 for
/// AVX2 (256 * 16 * 8 B) and L2 otherwise; the A block of MC rows fits L2.
inline constexpr std::size_t depth_block = 256;
inline constexpr std::size_t row_micro_panels_per_block = 16;     // MC = 16 * MR
inline constexpr std::size_t column_micro_panels_per_block = 64;  // NC = 64 * NR

/// c_row[0, cols) = tile_row (the first depth block) or += tile_row (the later ones).
template <class Arch>
void store_tile_row(const float* tile_row, std::size_t cols, float* c_row, bool overwrite) {
  using float_batch = xsimd::batch<float, Arch>;
  constexpr std::size_t L = float_batch::size;
  std::size_t j = 0;
  for (; j + L <= cols; j += L) {
    float_batch sum = float_batch::load_unaligned(tile_row + j);
    if (!overwrite) sum += float_batch::load_unaligned(c_row + j);
    sum.store_unaligned(c_row + j);
  }
  for (; j < cols; ++j) c_row[j] = overwrite ? tile_row[j] : c_row[j] + tile_row[j];
}

/// C (m x n, row stride ldc) = A (m x k) * B (k x n) with L-Mul products, one thread.
template <class Arch, class T>
void gemm_serial(std::size_t m, std::size_t n, std::size_t k, strided_matrix<T> a,
                 strided_matrix<T> b, float* c, std::size_t ldc);

#if LMUL_KERNELS_X86
/// The same on kernels::avx512_vbmi: 8-bit formats take the bf16 kernel, the others the 32-bit
/// word kernel of its AVX-512 BW base.
template <class Arch, class T>
  requires std::is_same_v<Arch, kernels::avx512_vbmi>
void gemm_serial(std::size_t m, std::size_t n, std::size_t k, strided_matrix<T> a,
                 strided_matrix<T> b, float* c, std::size_t ldc) {
  if constexpr (bf16_kernel_serves<format_of_t<T>>()) {
    gemm_serial_bf16<Arch, T>(m, n, k, a, b, c, ldc);
  } else {
    gemm_serial<xsimd::avx512bw, T>(m, n, k, a, b, c, ldc);
  }
}
#endif

template <class Arch, class T>
void gemm_serial(std::size_t m, std::size_t n, std::size_t k, strided_matrix<T> a,
                 strided_matrix<T> b, float* c, std::size_t ldc) {
  using shape = kernel_shape<Arch>;
  constexpr std::size_t MR = shape::mr;
  constexpr std::size_t NR = shape::nr;
  constexpr std::size_t KC = depth_block;
  constexpr std::size_t MC = MR * row_micro_panels_per_block;
  constexpr std::size_t NC = NR * column_micro_panels_per_block;

  if (m == 0 || n == 0) return;
  if (k == 0) {  // the empty sum
    for (std::size_t i = 0; i < m; ++i) std::fill(c + i * ldc, c + i * ldc + n, 0.0f);
    return;
  }
  // Packed blocks: 2 words (word, mask) per element, no bigger than the matrices need.
  const std::size_t depth = std::min(KC, k);
  std::uint32_t* const a_packed =
      word_buffer::get(0, std::min(MC, (m + MR - 1) / MR * MR) * depth * 2);
  std::uint32_t* const b_packed =
      word_buffer::get(1, std::min(NC, (n + NR - 1) / NR * NR) * depth * 2);
  std::vector<panel_summary> a_summary(MC / MR);
  std::vector<panel_summary> b_summary(NC / NR);
  alignas(64) float tile[MR * NR];
  std::vector<std::uint32_t> checked_scratch;  // used by checked_tile only

  for (std::size_t jc = 0; jc < n; jc += NC) {
    const std::size_t nc = std::min(NC, n - jc);
    for (std::size_t pc = 0; pc < k; pc += KC) {
      const std::size_t kc = std::min(KC, k - pc);
      const bool first_block = pc == 0;  // C = first block's sum, later blocks add to it
      // B(p, j) for p in [pc, pc + kc), j in [jc, jc + nc): lines are columns, depth is rows.
      pack_block<T, false, NR>(b.address(pc, jc), b.col_stride, b.row_stride, nc, kc, b_packed,
                               b_summary.data());
      for (std::size_t ic = 0; ic < m; ic += MC) {
        const std::size_t mc = std::min(MC, m - ic);
        pack_block<T, true, MR>(a.address(ic, pc), a.row_stride, a.col_stride, mc, kc, a_packed,
                                a_summary.data());
        for (std::size_t jr = 0; jr < nc; jr += NR) {
          const std::size_t cols = std::min(NR, nc - jr);
          for (std::size_t ir = 0; ir < mc; ir += MR) {
            const std::size_t rows = std::min(MR, mc - ir);
            const panel_summary& a_panel = a_summary[ir / MR];
            const panel_summary& b_panel = b_summary[jr / NR];
            if (additive_kernel_is_exact<format_of_t<T>>(a_panel, b_panel)) {
              micro_kernel<Arch>(kc, a_packed + ir * kc * 2, b_packed + jr * kc * 2, tile,
                                 a_panel.has_zero, b_panel.has_zero);
            } else {  // special values or extreme exponents: the exact scalar wide product
              checked_tile<Arch>(a, b, ic + ir, jc + jr, pc, rows, cols, kc, checked_scratch, tile);
            }
            for (std::size_t i = 0; i < rows; ++i) {
              store_tile_row<Arch>(tile + i * NR, cols, c + (ic + ir + i) * ldc + jc + jr,
                                   first_block);
            }
          }
        }
      }
    }
  }
}

/// Fault injection for tests only; the library never sets these. When set, before_thread_creation
/// runs on the calling thread before worker `band` is created (a throw there acts as a failed
/// std::thread creation) and before_band runs on each band's thread before the band's work.
/// Set them only while no gemm is running.
struct fault_hooks {
  void (*before_thread_creation)(std::size_t band) = nullptr;
  void (*before_band)(std::size_t band) = nullptr;
};
inline fault_hooks thread_fault_hooks;

/// Runs work(); an exception it throws is stored in `failure` instead of escaping (escaping a
/// thread's function would call std::terminate). Without exceptions there is nothing to catch.
template <class Work>
void run_catching(Work&& work, std::exception_ptr& failure) noexcept {
#if defined(__cpp_exceptions)
  try {
    work();
  } catch (...) {
    failure = std::current_exception();
  }
#else
  work();
  (void)failure;
#endif
}

/// Split the rows of C into `threads` contiguous bands (whole micro-panels) and run each band on
/// its own std::thread; each thread packs its own copies of B (the price of needing no locks).
///
/// Failures: the workers wait at a start gate until every thread exists. If creating one throws
/// (std::system_error at a resource limit), the gate cancels them, C is untouched, every started
/// thread is joined and the exception propagates. If a band throws (e.g. std::bad_alloc for its
/// packing buffers), the other bands still finish, all threads are joined, and the first band's
/// exception in band order propagates; C's rows are then unspecified.
template <class Arch, class T>
void gemm_threaded(std::size_t m, std::size_t n, std::size_t k, strided_matrix<T> a,
                   strided_matrix<T> b, float* c, std::size_t ldc, unsigned threads) {
  constexpr std::size_t MR = kernel_shape<Arch>::mr;
  if (m == 0 || n == 0) return;  // nothing to write: start no thread
  const std::size_t panels = m / MR + (m % MR != 0);  // (m + MR - 1) / MR could wrap
  const std::size_t bands =
      std::min<std::size_t>(std::max(threads, 1u), std::max<std::size_t>(panels, 1));
  if (bands <= 1) return gemm_serial<Arch, T>(m, n, k, a, b, c, ldc);
  // Band b starts at panel b * (panels / bands) + min(b, panels % bands): the first bands take one
  // panel more, and no product can wrap around (panels * b could, for huge m).
  const auto first_panel = [&](std::size_t band) {
    return panels / bands * band + std::min(band, panels % bands);
  };
  std::vector<std::exception_ptr> failures(bands);  // one slot per band: no lock needed
  const auto run_band = [&](std::size_t band) {
    run_catching(
        [&] {
          if (thread_fault_hooks.before_band != nullptr) thread_fault_hooks.before_band(band);
          const std::size_t first = std::min(m, first_panel(band) * MR);
          const std::size_t last = std::min(m, first_panel(band + 1) * MR);
          strided_matrix<T> a_band{a.data + first * a.row_stride, a.row_stride, a.col_stride};
          gemm_serial<Arch, T>(last - first, n, k, a_band, b, c + first * ldc, ldc);
        },
        failures[band]);
  };
  enum class start : int { waiting, go, cancelled };
  std::atomic<start> gate{start::waiting};
  std::vector<std::thread> workers;
  workers.reserve(bands - 1);  // may throw std::bad_alloc: no thread exists yet
  std::exception_ptr creation_failure;
  run_catching(
      [&] {
        for (std::size_t band = 1; band < bands; ++band) {
          if (thread_fault_hooks.before_thread_creation != nullptr) {
            thread_fault_hooks.before_thread_creation(band);
          }
          workers.emplace_back([&, band] {
            gate.wait(start::waiting);
            if (gate.load() == start::go) run_band(band);
          });
        }
      },
      creation_failure);
  gate.store(creation_failure ? start::cancelled : start::go);
  gate.notify_all();
  if (!creation_failure) run_band(0);
  for (auto& worker : workers) worker.join();
  if (creation_failure) std::rethrow_exception(creation_failure);
  for (const auto& failure : failures) {
    if (failure) std::rethrow_exception(failure);
  }
}

}  // inline namespace LMUL_ISA
}  // namespace detail
}  // namespace lmul
