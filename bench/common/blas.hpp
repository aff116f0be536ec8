// The fp32 BLAS baselines: OpenBLAS on its best core for this CPU, and BLIS where it is installed.
//
// Debian's OpenBLAS 0.3.21 picks its kernels ("core") once, when the library loads, from a CPU
// model list frozen in 2022: on a newer CPU it silently falls back to the SSE3 "Prescott" core.
// select_best_openblas_core() detects that and re-executes the program with OPENBLAS_CORETYPE set
// to the strongest core that 0.3.21 ships for the CPU's instruction sets (checked by hand with
// openblas_get_corename(): it accepts Cooperlake, SkylakeX, Zen, Haswell, Sandybridge; it does not
// know SapphireRapids). A caller's own OPENBLAS_CORETYPE is respected.
#pragma once

#include <cblas.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "blis.hpp"

extern "C" char* openblas_get_corename(void);
extern "C" char* openblas_get_config(void);

namespace lmul_bench {

/// Vector width class of an OpenBLAS core: 0 SSE, 1 AVX, 2 AVX2+FMA, 3 AVX-512, 4 AVX-512 + BF16.
inline int openblas_core_level(const std::string& core) {
  if (core == "Cooperlake" || core == "SapphireRapids") return 4;
  if (core == "SkylakeX") return 3;
  if (core == "Haswell" || core == "Zen") return 2;
  if (core == "Sandybridge") return 1;
  return 0;
}

/// The strongest OpenBLAS 0.3.21 core this CPU can run, by instruction set.
inline std::string best_openblas_core_for_cpu() {
  __builtin_cpu_init();
  const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
                      __builtin_cpu_supports("avx512cd");
  if (avx512 && __builtin_cpu_supports("avx512bf16")) return "Cooperlake";
  if (avx512) return "SkylakeX";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    return __builtin_cpu_is("amd") ? "Zen" : "Haswell";
  if (__builtin_cpu_supports("avx")) return "Sandybridge";
  return "";
}

/// Environment variable that carries the generic core OpenBLAS chose, into the re-executed program.
inline constexpr const char* fallback_marker = "LMUL_BENCH_OPENBLAS_FELL_BACK_TO";

/// Call first in main(): re-executes the program with OPENBLAS_CORETYPE set when OpenBLAS chose a
/// core weaker than this CPU allows (and the caller did not choose one). Returns only when no
/// re-execution is needed, or when it failed (then the weaker core stays and the note says so).
inline void select_best_openblas_core(char** argv) {
  if (std::getenv("OPENBLAS_CORETYPE") || std::getenv(fallback_marker)) return;
  const std::string chosen = openblas_get_corename();
  const std::string best = best_openblas_core_for_cpu();
  if (best.empty() || openblas_core_level(chosen) >= openblas_core_level(best)) return;
  setenv("OPENBLAS_CORETYPE", best.c_str(), 1);
  setenv(fallback_marker, chosen.c_str(), 1);
  std::fflush(nullptr);
  execv("/proc/self/exe", argv);
  std::perror("lmul-bench: re-executing with OPENBLAS_CORETYPE failed");
  unsetenv("OPENBLAS_CORETYPE");
}

/// One line on the OpenBLAS core in use and how it was chosen.
inline std::string openblas_core_note() {
  std::string note = std::string("OpenBLAS core ") + openblas_get_corename();
  if (const char* fell_back = std::getenv(fallback_marker)) {
    note += std::string(" (selected by this program: OpenBLAS picked the generic core ") + fell_back +
            " on this CPU; re-executed with OPENBLAS_CORETYPE=" + std::getenv("OPENBLAS_CORETYPE") + ")";
  } else if (const char* forced = std::getenv("OPENBLAS_CORETYPE")) {
    note += std::string(" (OPENBLAS_CORETYPE=") + forced + " set by the caller; best core for this CPU: " +
            (best_openblas_core_for_cpu().empty() ? "none beyond SSE" : best_openblas_core_for_cpu()) + ")";
  } else if (best_openblas_core_for_cpu().empty()) {
    note += " (OpenBLAS's own choice; this CPU has no AVX, so no stronger core applies)";
  } else {
    note += " (OpenBLAS's own choice; the best it ships for this CPU is " + best_openblas_core_for_cpu() + ")";
  }
  return note + "; " + openblas_get_config();
}

/// Single-threaded BLAS everywhere: every benchmark here runs on one thread.
inline void single_thread_blas() { openblas_set_num_threads(1); }

}  // namespace lmul_bench
