// The fp32 BLAS baselines: OpenBLAS and BLIS, each on its best kernels for this CPU, checked
// against a double-precision reference before anything is timed.
//
// Choosing the kernels. Both libraries pick their kernels once per process: OpenBLAS when it loads
// (its "core", from OPENBLAS_CORETYPE or its CPU model list), BLIS at its first call (its
// "configuration", from BLIS_ARCH_TYPE or its CPU model list). Both lists are frozen at the
// library's release (Debian: OpenBLAS 0.3.21, BLIS 0.9.0), so on a newer CPU either may fall back to
// generic kernels; and some machines pin a core for every process (OPENBLAS_CORETYPE=Haswell on an
// AVX-512 machine measured sgemm at under half its speed). select_best_blas() compares what each
// library runs with the strongest kernels it ships for this CPU's instruction sets and, when they
// differ in vector class, re-executes the program once with OPENBLAS_CORETYPE / BLIS_ARCH_TYPE set
// to the best; whatever the environment pinned is recorded and printed, and a pinned weaker
// OpenBLAS core is measured as an extra row only (pinned_openblas_copy()), never as the baseline.
// Kernels of the same vector class are left as they are (OpenBLAS's Haswell and Zen cores run the
// same sgemm kernel, sgemm_kernel_8x4_haswell_2.c; BLIS's haswell and zen3 the same microkernels).
//
// OpenBLAS 0.3.21 facts this relies on (driver/others/dynamic.c, checked against its source and by
// hand with openblas_get_corename()): OPENBLAS_CORETYPE is matched by name against Katmai ..
// SkylakeX with no CPU check (SkylakeX is accepted on an AVX2-only CPU, which then dies on the first
// AVX-512 instruction: a pinned core above this CPU is replaced too); "Cooperlake" is not in the
// matched list and an unknown name falls back to the CPU's features (Cooperlake / SkylakeX /
// Haswell / Sandybridge / Prescott), so this program asks for SkylakeX on AVX-512 CPUs: the same
// sgemm and sdot kernels as Cooperlake (which adds only the bf16 sbgemm). OPENBLAS_L2_SIZE is not
// read by 0.3.21 at all; from 0.3.28 it sizes only the GEMM blocking of the pre-Nehalem cores
// (kernel/setparam-ref.c), none of which is ever a baseline here, so it is left as it is and only
// reported.
//
// Checking the results. check_blas_baselines() runs each BLAS routine the benchmarks time
// (OpenBLAS cblas_sgemm in the NN and NT layouts and cblas_sdot; BLIS bli_sgemm and bli_sdotv; the
// pinned copy's sgemm and sdot) on
// small odd-sized problems against a naive double-precision reference, within the fp32 error bound
// k 2^-23 sum |a b|. A routine that fails is recorded; the benchmarks that time it call
// blas_error() and report an error instead of a rate.
#pragma once

#include <cblas.h>
#include <dlfcn.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "blis.hpp"

extern "C" char* openblas_get_corename(void);
extern "C" char* openblas_get_config(void);

namespace lmul_bench {

/// Vector class of an OpenBLAS core for the fp32 baselines: 0 SSE, 1 AVX, 2 AVX2+FMA, 3 AVX-512
/// (SkylakeX, Cooperlake and SapphireRapids share their sgemm / sdot kernels).
inline int openblas_core_level(const std::string& core) {
  if (core == "SkylakeX" || core == "Cooperlake" || core == "SapphireRapids") return 3;
  if (core == "Haswell" || core == "Zen") return 2;
  if (core == "Sandybridge" || core == "Bulldozer" || core == "Piledriver" || core == "Steamroller" ||
      core == "Excavator")
    return 1;
  return 0;
}

inline bool cpu_has_avx512_skx() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
         __builtin_cpu_supports("avx512cd");
}

/// The strongest OpenBLAS core (0.3.21's names) whose fp32 kernels this CPU can run.
inline std::string best_openblas_core_for_cpu() {
  __builtin_cpu_init();
  if (cpu_has_avx512_skx()) return "SkylakeX";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    return __builtin_cpu_is("amd") ? "Zen" : "Haswell";
  if (__builtin_cpu_supports("avx")) return "Sandybridge";
  return "";
}

/// Vector class of a BLIS 0.9 configuration: 0 generic / SSE, 1 AVX or AMD FMA4, 2 AVX2+FMA,
/// 3 AVX-512 (knl is AVX-512 too, but tuned for Xeon Phi: never chosen here).
inline int blis_config_level(const std::string& config) {
  if (config == "skx" || config == "knl") return 3;
  if (config == "haswell" || config == "zen" || config == "zen2" || config == "zen3" || config == "zen4" ||
      config == "zen5")
    return 2;
  if (config == "sandybridge" || config == "bulldozer" || config == "piledriver" ||
      config == "steamroller" || config == "excavator")
    return 1;
  return 0;
}

/// The strongest BLIS 0.9 configuration this CPU can run (Debian's libblis ships the whole x86_64
/// family: skx, knl, haswell, sandybridge, penryn, zen3, zen2, zen, excavator .. bulldozer,
/// generic). BLIS 0.9 has no zen4 / zen5 configuration: AVX-512 AMD CPUs get skx.
inline std::string best_blis_config_for_cpu() {
  __builtin_cpu_init();
  if (cpu_has_avx512_skx()) return "skx";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    return __builtin_cpu_is("amd") ? "zen3" : "haswell";
  if (__builtin_cpu_supports("avx")) return "sandybridge";
  return "generic";
}

// Environment variables that carry, into the re-executed program, what the first one found.
inline constexpr const char* reexec_marker = "LMUL_BENCH_BLAS_REEXECUTED";
inline constexpr const char* openblas_found = "LMUL_BENCH_OPENBLAS_FOUND";  // "<core>|<pinned value>"
inline constexpr const char* blis_found = "LMUL_BENCH_BLIS_FOUND";          // "<config>|<pinned value>"

namespace blas_detail {
inline std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}
inline std::string before_bar(const std::string& s) { return s.substr(0, s.find('|')); }
inline std::string after_bar(const std::string& s) {
  const auto bar = s.find('|');
  return bar == std::string::npos ? "" : s.substr(bar + 1);
}
}  // namespace blas_detail

/// Whether BLIS 0.9 can use a set BLIS_ARCH_TYPE=value: the decimal number of a configuration of
/// the x86_64 family Debian builds (a name is not accepted before BLIS 1.0; an empty value reads as 0).
inline bool blis_arch_type_usable(const std::string& value) {
  if (value.empty() || value.size() > 3 || value.find_first_not_of("0123456789") != std::string::npos) return false;
  const std::string name = blis_config_name_of(std::stol(value));
  return name == "skx" || name == "knl" || name == "haswell" || name == "sandybridge" || name == "penryn" ||
         name == "zen3" || name == "zen2" || name == "zen" || name == "excavator" || name == "steamroller" ||
         name == "piledriver" || name == "bulldozer" || name == "generic";
}

/// Call first in main(): re-executes the program (once) with OPENBLAS_CORETYPE and / or
/// BLIS_ARCH_TYPE set when a library runs kernels of another vector class than the best it ships
/// for this CPU (weaker: pinned by the environment or a fallback; stronger: pinned to kernels this
/// CPU cannot run). Returns when nothing needs changing, after the re-execution, or when the
/// re-execution failed (then the notes say that the weaker kernels stayed).
inline void select_best_blas(char** argv) {
  using blas_detail::env;
  if (!env(reexec_marker).empty()) return;
  bool again = false;
  const std::string core = openblas_get_corename(), best_core = best_openblas_core_for_cpu();
  if (!best_core.empty() && openblas_core_level(core) != openblas_core_level(best_core)) {
    setenv(openblas_found, (core + "|" + env("OPENBLAS_CORETYPE")).c_str(), 1);
    setenv("OPENBLAS_CORETYPE", best_core.c_str(), 1);
    again = true;
  }
  if (have_blis && std::getenv("BLIS_ARCH_TYPE") && !blis_arch_type_usable(env("BLIS_ARCH_TYPE"))) {
    // BLIS 0.9 would abort (a number outside its list, or of a configuration it was not built with)
    // or misread it (strtol: "zen3" is 0, skx): replace it before BLIS reads it.
    const int best_id = blis_config_id(best_blis_config_for_cpu());
    if (best_id >= 0) {
      setenv(blis_found, ("unusable|" + env("BLIS_ARCH_TYPE")).c_str(), 1);
      setenv("BLIS_ARCH_TYPE", std::to_string(best_id).c_str(), 1);
      again = true;
    }
  } else if (have_blis) {
    const std::string config = blis_config_name(), best_config = best_blis_config_for_cpu();
    const int best_id = blis_config_id(best_config);
    if (best_id >= 0 && blis_config_level(config) != blis_config_level(best_config)) {
      setenv(blis_found, (config + "|" + env("BLIS_ARCH_TYPE")).c_str(), 1);
      setenv("BLIS_ARCH_TYPE", std::to_string(best_id).c_str(), 1);
      again = true;
    }
  }
  if (!again) return;
  setenv(reexec_marker, "1", 1);
  std::fflush(nullptr);
  execv("/proc/self/exe", argv);
  std::perror("lmul-bench: re-executing with the best BLAS kernels failed");
  setenv(reexec_marker, "failed", 1);
}

/// One line on the OpenBLAS core in use and how it was chosen.
inline std::string openblas_core_note() {
  using namespace blas_detail;
  const std::string core = openblas_get_corename(), best = best_openblas_core_for_cpu();
  std::string note = "OpenBLAS core " + core;
  const std::string found = env(openblas_found);
  if (!found.empty()) {
    const std::string pinned = after_bar(found);
    note += " (selected by this program: ";
    note += pinned.empty() ? "OpenBLAS picked the core " + before_bar(found) + " on this CPU"
                           : "the environment pinned OPENBLAS_CORETYPE=" + pinned + ", which gave the core " +
                                 before_bar(found);
    note += ", not the best for this CPU (" + best + "); ";
    note += env(reexec_marker) == "failed" ? "re-executing failed, so the weaker core was measured)"
                                           : "re-executed with OPENBLAS_CORETYPE=" + env("OPENBLAS_CORETYPE") +
                                                 "; the pinned core is measured only as the extra rows "
                                                 "*_pinned, never as the baseline)";
  } else if (!env("OPENBLAS_CORETYPE").empty()) {
    note += " (OPENBLAS_CORETYPE=" + env("OPENBLAS_CORETYPE") + " from the environment; kept: the same vector "
            "class as the best core for this CPU, " + best + ")";
  } else if (best.empty()) {
    note += " (OpenBLAS's own choice; this CPU has no AVX, so no stronger core applies)";
  } else {
    note += " (OpenBLAS's own choice; the best it ships for this CPU is " + best + ")";
  }
  if (!env("OPENBLAS_L2_SIZE").empty())
    note += "; OPENBLAS_L2_SIZE=" + env("OPENBLAS_L2_SIZE") + " in the environment, kept (OpenBLAS reads it only "
            "from 0.3.28, and then only for the blocking of pre-Nehalem cores)";
  return note + "; " + openblas_get_config();
}

/// One line on the BLIS configuration in use and how it was chosen.
inline std::string blis_config_note() {
  using namespace blas_detail;
  if (!have_blis) return blis_note();
  std::string note = blis_note();
  const std::string found = env(blis_found), best = best_blis_config_for_cpu();
  if (!found.empty()) {
    const std::string pinned = after_bar(found);
    note += " (selected by this program: ";
    if (before_bar(found) == "unusable")
      note += "the environment set BLIS_ARCH_TYPE=\"" + pinned + "\", which BLIS 0.9 cannot use (it takes the number "
              "of a configuration it was built with)";
    else if (pinned.empty())
      note += "BLIS picked the configuration " + before_bar(found) + " on this CPU";
    else
      note += "the environment pinned BLIS_ARCH_TYPE=" + pinned + ", which gave " + before_bar(found);
    note += ", not the best for this CPU (" + best + "); ";
    note += env(reexec_marker) == "failed" ? "re-executing failed, so it was measured)"
                                           : "re-executed with BLIS_ARCH_TYPE=" + env("BLIS_ARCH_TYPE") + ")";
  } else if (!env("BLIS_ARCH_TYPE").empty()) {
    note += " (BLIS_ARCH_TYPE=" + env("BLIS_ARCH_TYPE") + " from the environment; kept: the same vector class "
            "as the best configuration for this CPU, " + best + ")";
  } else {
    note += " (BLIS's own choice; the best it ships for this CPU is " + best + ")";
  }
  return note;
}

/// The core the environment pinned, as an extra, clearly named baseline row: a second copy of
/// OpenBLAS loaded with dlmopen() into its own link namespace while OPENBLAS_CORETYPE holds the
/// pinned value (OpenBLAS picks its core when it loads, once per copy). Present only after this
/// program re-executed away from a pinned core that is weaker than the best one (a pinned core
/// this CPU cannot run is never loaded). It never replaces the best core as the baseline.
struct pinned_openblas {
  std::string core;  // what the pinned copy runs, from its own openblas_get_corename()
  decltype(&cblas_sgemm) sgemm = nullptr;
  decltype(&cblas_sdot) sdot = nullptr;
};

inline const pinned_openblas* pinned_openblas_copy() {
  static const pinned_openblas* copy = []() -> const pinned_openblas* {
    using namespace blas_detail;
    const std::string found = env(openblas_found), pinned = after_bar(found);
    if (pinned.empty() || env(reexec_marker) != "1") return nullptr;
    if (openblas_core_level(before_bar(found)) >= openblas_core_level(best_openblas_core_for_cpu())) return nullptr;
    Dl_info info{};
    if (!dladdr(reinterpret_cast<void*>(&cblas_sgemm), &info) || !info.dli_fname) return nullptr;
    const std::string best = env("OPENBLAS_CORETYPE");
    setenv("OPENBLAS_CORETYPE", pinned.c_str(), 1);
    void* lib = dlmopen(LM_ID_NEWLM, info.dli_fname, RTLD_NOW | RTLD_LOCAL);
    setenv("OPENBLAS_CORETYPE", best.c_str(), 1);
    if (!lib) return nullptr;
    auto* corename = reinterpret_cast<char* (*)()>(dlsym(lib, "openblas_get_corename"));
    auto* threads = reinterpret_cast<void (*)(int)>(dlsym(lib, "openblas_set_num_threads"));
    auto* out = new pinned_openblas;  // lives as long as the program
    out->sgemm = reinterpret_cast<decltype(&cblas_sgemm)>(dlsym(lib, "cblas_sgemm"));
    out->sdot = reinterpret_cast<decltype(&cblas_sdot)>(dlsym(lib, "cblas_sdot"));
    if (!corename || !threads || !out->sgemm || !out->sdot) return nullptr;
    threads(1);
    out->core = corename();
    return out;
  }();
  return copy;
}

/// Single-threaded BLAS everywhere: every benchmark here runs on one thread.
inline void single_thread_blas() { openblas_set_num_threads(1); }

// ---- checking the baselines against a reference ------------------------------------------------

namespace blas_detail {
/// Deterministic values in [-2, 2) with a few exact zeros and a wide exponent spread.
inline std::vector<float> check_values(std::size_t n, unsigned seed) {
  std::vector<float> out(n);
  unsigned long long s = 0x9E3779B97F4A7C15ull * (seed + 1);
  for (auto& x : out) {
    s ^= s >> 12, s ^= s << 25, s ^= s >> 27;
    const unsigned long long r = s * 0x2545F4914F6CDD1Dull;
    x = (r % 17 == 0) ? 0.0f : std::ldexp(float(std::int64_t(r >> 40) - (1ll << 23)) * 0x1p-23f, int(r % 7) - 3);
  }
  return out;
}

/// |got - sum| <= (k + 2) 2^-23 sum |terms| (+ a tiny absolute term for sums of zeros).
inline bool within_bound(double got, double sum, double magnitude, std::size_t k) {
  return std::isfinite(got) && std::abs(got - sum) <= double(k + 2) * 0x1p-23 * magnitude + 1e-30;
}
}  // namespace blas_detail

/// Row-major C (m x n, ldc) = A (m x k, lda) B, with B stored k x n (ldb) or, transposed, n x k.
using sgemm_fn = void (*)(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c,
                          int ldc, bool b_transposed);
using sdot_fn = float (*)(int n, const float* x, const float* y);

/// Whether `gemm` agrees with a double-precision reference on odd shapes with padded leading
/// dimensions (edges of every micro-tile), in both layouts of B.
inline bool sgemm_agrees(sgemm_fn gemm) {
  using namespace blas_detail;
  struct shape { int m, n, k; };
  for (const shape s : {shape{1, 1, 1}, shape{7, 5, 3}, shape{37, 53, 29}, shape{67, 45, 131}, shape{96, 96, 257}}) {
    for (const bool bt : {false, true}) {
      const int lda = s.k + 3, ldb = (bt ? s.k : s.n) + 5, ldc = s.n + 2;
      const auto a = check_values(std::size_t(s.m) * lda, 1), b = check_values(std::size_t(bt ? s.n : s.k) * ldb, 2);
      std::vector<float> c(std::size_t(s.m) * ldc, std::nanf(""));
      gemm(s.m, s.n, s.k, a.data(), lda, b.data(), ldb, c.data(), ldc, bt);
      for (int i = 0; i < s.m; ++i) {
        for (int j = 0; j < s.n; ++j) {
          double sum = 0, magnitude = 0;
          for (int p = 0; p < s.k; ++p) {
            const double t = double(a[std::size_t(i) * lda + p]) *
                             double(bt ? b[std::size_t(j) * ldb + p] : b[std::size_t(p) * ldb + j]);
            sum += t;
            magnitude += std::abs(t);
          }
          if (!within_bound(c[std::size_t(i) * ldc + j], sum, magnitude, std::size_t(s.k))) return false;
        }
      }
    }
  }
  return true;
}

/// Whether `dot` agrees with a double-precision reference at lengths around every vector width.
inline bool sdot_agrees(sdot_fn dot) {
  using namespace blas_detail;
  for (const int n : {0, 1, 3, 8, 15, 16, 17, 31, 33, 64, 127, 1000, 4099}) {
    const auto x = check_values(std::size_t(n) + 1, 3), y = check_values(std::size_t(n) + 1, 4);
    double sum = 0, magnitude = 0;
    for (int i = 0; i < n; ++i) {
      sum += double(x[i]) * double(y[i]);
      magnitude += std::abs(double(x[i]) * double(y[i]));
    }
    if (!within_bound(dot(n, x.data(), y.data()), sum, magnitude, std::size_t(n))) return false;
  }
  return true;
}

inline void openblas_sgemm_any(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c,
                               int ldc, bool b_transposed) {
  cblas_sgemm(CblasRowMajor, CblasNoTrans, b_transposed ? CblasTrans : CblasNoTrans, m, n, k, 1.0f, a, lda, b,
              ldb, 0.0f, c, ldc);
}
inline float openblas_sdot_any(int n, const float* x, const float* y) { return cblas_sdot(n, x, 1, y, 1); }
inline void pinned_sgemm_any(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c, int ldc,
                             bool b_transposed) {
  pinned_openblas_copy()->sgemm(CblasRowMajor, CblasNoTrans, b_transposed ? CblasTrans : CblasNoTrans, m, n, k, 1.0f,
                                a, lda, b, ldb, 0.0f, c, ldc);
}
inline float pinned_sdot_any(int n, const float* x, const float* y) { return pinned_openblas_copy()->sdot(n, x, 1, y, 1); }

/// The results of check_blas_baselines(): routine name -> passed.
inline std::map<std::string, bool>& blas_checks() {
  static std::map<std::string, bool> checks;
  return checks;
}

/// Checks every BLAS routine the benchmarks time (see the file comment); call once, in main().
inline void check_blas_baselines() {
  auto& checks = blas_checks();
  checks["openblas_sgemm"] = sgemm_agrees(openblas_sgemm_any);
  checks["openblas_sdot"] = sdot_agrees(openblas_sdot_any);
  if (pinned_openblas_copy()) {
    checks["openblas_pinned_sgemm"] = sgemm_agrees(pinned_sgemm_any);
    checks["openblas_pinned_sdot"] = sdot_agrees(pinned_sdot_any);
  }
#if defined(LMUL_BENCH_HAVE_BLIS)
  checks["blis_sgemm"] = sgemm_agrees(blis_sgemm_any);
  checks["blis_sdot"] = sdot_agrees(blis_sdot);
#endif
}

/// Nullptr when `routine` (openblas_sgemm, openblas_sdot, blis_sgemm, blis_sdot,
/// openblas_pinned_sgemm, openblas_pinned_sdot) agreed with the
/// reference, else the error message a benchmark reports instead of a rate.
inline const char* blas_error(const std::string& routine) {
  const auto& checks = blas_checks();
  const auto it = checks.find(routine);
  if (it == checks.end()) return "BLAS routine not checked against the reference (check_blas_baselines)";
  return it->second ? nullptr : "BLAS baseline disagrees with the double-precision reference: no rate";
}

/// "openblas_sgemm ok, openblas_sdot ok, ..." for the benchmark context.
inline std::string blas_check_note() {
  std::string out;
  for (const auto& [name, ok] : blas_checks()) out += (out.empty() ? "" : ", ") + name + (ok ? " ok" : " WRONG");
  return out + " (against a double-precision reference, before timing)";
}

}  // namespace lmul_bench
