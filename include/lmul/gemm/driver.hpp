// lmul/gemm/driver.hpp -- cache blocking, the exact fallback for special tiles, and threads.
//
// The loop nest is the classic five-loop GEMM (Goto & van de Geijn; BLIS), one for every scheme:
//   columns of C in blocks of NC      -> a KC x NC panel of B is packed (stays in L3)
//     depth in blocks of KC           -> an MC x KC block of A is packed (stays in L2)
//       micro-panels of B (NR columns) and of A (MR rows) -> the scheme's micro-kernel
// A scheme (word32_scheme.hpp, bf16_scheme.hpp) gives the blocking, the packing and the
// micro-kernel. A tile whose panels the scheme's micro-kernel cannot compute exactly (a NaN or an
// inf, and for fp32 operands a result that could leave the normal range) goes to checked_tile
// instead, which checks every product and computes the irregular ones with the scalar wide
// product of spec section 3. kernels::avx512_vbmi (AVX-512 BW + BF16) runs 8-bit formats and
// bfloat16 with bf16_scheme, every other arch and format with word32_scheme.
#pragma once

#include "../detail/isa_namespace.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <new>
#include <thread>
#include <type_traits>
#include <vector>

#include "../scalar.hpp"
#include "bf16_scheme.hpp"
#include "checked_tile.hpp"
#include "micro_kernel.hpp"
#include "packing.hpp"
#include "scratch.hpp"
#include "word32_scheme.hpp"

namespace lmul {
namespace detail {
inline namespace LMUL_ISA {

/// The scheme lmul_gemm runs for elements T on Arch.
template <class Arch, class T>
struct scheme_of {
  using type = word32_scheme<Arch, T>;
};
#if LMUL_KERNELS_X86
/// kernels::avx512_vbmi: 8-bit formats and bfloat16 on the bf16 kernel, the others on the 32-bit
/// word kernel of its AVX-512 BW base.
template <class T>
struct scheme_of<kernels::avx512_vbmi, T> {
  using type = std::conditional_t<bf16_kernel_serves<format_of_t<T>>(), bf16_scheme<T>,
                                  word32_scheme<xsimd::avx512bw, T>>;
};
#endif
template <class Arch, class T>
using scheme_of_t = typename scheme_of<Arch, T>::type;

/// out (+)= the products of A rows [row, row + out.rows) and B columns [col, col + out.cols) over
/// steps [p0, p0 + depth) (out.rows <= MR), every product checked (checked_tile.hpp), NR columns
/// of CheckedArch at a time. `codes` is checked_tile's scratch space. Not inlined: the rare path
/// stays out of the loop nest (and GCC then cannot guess at pointer ranges the checks exclude).
template <class CheckedArch, std::size_t MR, class T>
[[gnu::noinline]] void checked_c_tile(strided_matrix<T> a, strided_matrix<T> b, std::size_t row,
                                      std::size_t col, std::size_t p0, std::size_t depth,
                                      c_tile out, std::vector<std::uint32_t>& codes) {
  constexpr std::size_t NR = kernel_shape<CheckedArch>::nr;
  alignas(64) float tile[MR * NR];
  for (std::size_t j0 = 0; j0 < out.cols; j0 += NR) {
    const std::size_t width = std::min(NR, out.cols - j0);
    checked_tile<CheckedArch>(a, b, row, col + j0, p0, out.rows, width, depth, codes, tile);
    for (std::size_t i = 0; i < out.rows; ++i) {
      store_tile_row<CheckedArch>(tile + i * NR, width, out.c + i * out.ldc + j0, out.overwrite);
    }
  }
}

/// C (m x n, row stride ldc) = A (m x k) * B (k x n) with L-Mul products, one thread.
template <class Arch, class T>
void gemm_serial(std::size_t m, std::size_t n, std::size_t k, strided_matrix<T> a,
                 strided_matrix<T> b, float* c, std::size_t ldc) {
  using S = scheme_of_t<Arch, T>;
  constexpr std::size_t MR = S::mr, NR = S::nr;
  constexpr std::size_t KC = S::depth_block, MC = S::row_block, NC = S::column_block;
  static_assert(MC % MR == 0 && NC % NR == 0, "blocks of whole micro-panels");

  if (m == 0 || n == 0) return;
  if (k == 0) {  // the empty sum
    for (std::size_t i = 0; i < m; ++i) std::fill(c + i * ldc, c + i * ldc + n, 0.0f);
    return;
  }
  // Packed blocks no bigger than the matrices need.
  const std::size_t depth = std::min(KC, k);
  std::uint32_t* const a_packed =
      word_buffer::get(0, (std::min(MC, m) + MR - 1) / MR * S::a_panel_words(depth));
  std::uint32_t* const b_packed =
      word_buffer::get(1, (std::min(NC, n) + NR - 1) / NR * S::b_panel_words(depth));
  std::array<typename S::summary, MC / MR> a_summary{};
  std::array<typename S::summary, NC / NR> b_summary{};
  std::vector<std::uint32_t> checked_scratch;  // used by checked_c_tile only

  for (std::size_t jc = 0; jc < n; jc += NC) {
    const std::size_t nc = std::min(NC, n - jc);
    for (std::size_t pc = 0; pc < k; pc += KC) {
      const std::size_t kc = std::min(KC, k - pc);
      const bool first_block = pc == 0;  // C = first block's sum, later blocks add to it
      S::pack_b(b, pc, jc, kc, nc, b_packed, b_summary.data());
      for (std::size_t ic = 0; ic < m; ic += MC) {
        const std::size_t mc = std::min(MC, m - ic);
        S::pack_a(a, ic, pc, mc, kc, a_packed, a_summary.data());
        for (std::size_t jr = 0; jr < nc; jr += NR) {
          const auto& b_panel = b_summary[jr / NR];
          for (std::size_t ir = 0; ir < mc; ir += MR) {
            const auto& a_panel = a_summary[ir / MR];
            const c_tile out{c + (ic + ir) * ldc + jc + jr, ldc, std::min(MR, mc - ir),
                             std::min(NR, nc - jr), first_block};
            if (S::exact(a_panel, b_panel)) {
              S::run(kc, a_packed + ir / MR * S::a_panel_words(kc),
                     b_packed + jr / NR * S::b_panel_words(kc), a_panel, b_panel, out);
            } else {  // special values or extreme exponents: the exact scalar wide product
              checked_c_tile<typename S::checked_arch, MR>(a, b, ic + ir, jc + jr, pc, kc, out,
                                                           checked_scratch);
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
  constexpr std::size_t MR = scheme_of_t<Arch, T>::mr;
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
