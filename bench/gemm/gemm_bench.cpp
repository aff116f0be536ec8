// lmul-bench-gemm: square GEMMs of size 256, 512, 1024, one thread each, products/s counters.
//
//   sgemm                     OpenBLAS cblas_sgemm on fp32 (one thread; core: see the context)
//   sgemm_blis                BLIS bli_sgemm on fp32 (one thread), where libblis-dev is installed
//   sgemm_pinned              only when the environment pinned a weaker OpenBLAS core (the program
//                             then re-executed itself with the best one): that pinned core, for
//                             comparison; never a baseline of the ratios
//   emulated_fp8_sgemm/<fmt>  exact fp8 GEMM: decode A and B to fp32 by a 256-entry table (every
//                             fp8 value is an fp32; the products are exact in fp32), then
//                             cblas_sgemm; the decode is timed too. emulated_fp8_sgemm_blis/<fmt>:
//                             the same with BLIS.
//   emulated_fp8_bf16/<fmt>   exact fp8 GEMM on AVX-512 BF16 (baselines/bf16_gemm.hpp): fp8 packed
//                             as bf16, vdpbf16ps (Debian's OpenBLAS has no bf16 GEMM); checked
//                             against a double-precision reference before it is timed
//   emulated_16bit_sgemm/<fmt> exact GEMM on 16-bit data, <fmt> = lmul<7,8> (bf16) or lmul<10,5>
//                             (fp16): A and B widened to fp32 (exact; timed), then cblas_sgemm;
//                             emulated_16bit_sgemm_blis/<fmt>: the same with BLIS;
//                             emulated_16bit_bf16/lmul<7,8>: the vdpbf16ps GEMM on the bf16 words
//                             (AVX-512 BF16 only; compiled, never run where it was written)
//   lmul_gemm/<type>          lmul::lmul_gemm on float, e4m3fn, e5m2, lmul<3,4>, lmul<7,8> (bf16) and
//                             lmul<10,5> (fp16) data (1 thread)
//   naive_lmul/<type>         triple loop over the scalar lmul_wide_product, size 256 only: it runs
//                             at a fixed rate per product, so its 256 rate stands for every size
//   peak/fp32_fma             the fp32 FMA ceiling of one core (common/machine_limits.hpp), products/s
//   lmul_gemm_threads/e4m3fn/1024/<t>  lmul_gemm with gemm_options::threads = t (1 and 2), rate
//                             per WALL second (UseRealTime), for the thread-scaling ratio
//
// Every benchmark reports "products/s" = size^3 multiply-adds per CPU second of the process (CPU
// time, not wall time: on a shared machine it is far less disturbed by other processes; every
// benchmark is single-threaded, so the two agree on an idle machine). Ratios and limits:
// python3 bench/gemm/gemm_summary.py result.json (after --benchmark_out=result.json).
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <cblas.h>

#include <lmul/gemm.hpp>
#include <lmul/small_float.hpp>

#include "baselines/bf16_gemm.hpp"
#include "baselines/half.hpp"
#include "common/blas.hpp"
#include "common/machine.hpp"
#include "common/context.hpp"
#include "common/gemm_timing.hpp"
#include "common/machine_limits.hpp"
#include "common/normal_like_data.hpp"

namespace {

using lmul_bench::normal_like_values;
using lmul_bench::time_square_gemm;

/// C = A B, row-major, n x n, one thread, with OpenBLAS or BLIS.
void sgemm_openblas(int n, const float* a, const float* b, float* c) {
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
}
#if defined(LMUL_BENCH_HAVE_BLIS)
void sgemm_blis(int n, const float* a, const float* b, float* c) { lmul_bench::blis_sgemm(n, n, n, a, n, b, n, c, n); }
#endif
/// The OpenBLAS core the environment pinned (an extra row, never the baseline; common/blas.hpp).
void sgemm_pinned(int n, const float* a, const float* b, float* c) {
  lmul_bench::pinned_openblas_copy()->sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n,
                                            0.0f, c, n);
}

/// Which BLAS routine an sgemm wrapper calls (checked by check_blas_baselines(), common/blas.hpp).
template <void (*Sgemm)(int, const float*, const float*, float*)>
const char* routine_of() {
#if defined(LMUL_BENCH_HAVE_BLIS)
  if (Sgemm == sgemm_blis) return "blis_sgemm";
#endif
  if (Sgemm == sgemm_pinned) return "openblas_pinned_sgemm";
  return "openblas_sgemm";
}

/// Rows 0, n/2 and n-1 of an fp32 GEMM's C = A B against a double-precision sum: within
/// (n + 2) 2^-23 sum |a b|. The timed size itself, after the small-problem checks at start.
bool sgemm_rows_right(std::size_t n, const float* a, const float* b, const float* c) {
  for (std::size_t i : {std::size_t(0), n / 2, n - 1}) {
    for (std::size_t j = 0; j < n; ++j) {
      double sum = 0, magnitude = 0;
      for (std::size_t p = 0; p < n; ++p) {
        const double t = double(a[i * n + p]) * double(b[p * n + j]);
        sum += t;
        magnitude += std::abs(t);
      }
      if (!(std::abs(double(c[i * n + j]) - sum) <= double(n + 2) * 0x1p-23 * magnitude + 1e-30)) return false;
    }
  }
  return true;
}

/// False (and the benchmark skipped with an error) when the BLAS routine behind Sgemm failed its
/// check, or gives wrong rows on these very operands.
template <void (*Sgemm)(int, const float*, const float*, float*)>
bool sgemm_checked(benchmark::State& state, std::size_t n, const float* a, const float* b, float* c) {
  if (const char* error = lmul_bench::blas_error(routine_of<Sgemm>())) {
    state.SkipWithError(error);
    return false;
  }
  Sgemm(int(n), a, b, c);
  if (!sgemm_rows_right(n, a, b, c)) {
    state.SkipWithError("sgemm differs from the double-precision reference at this size: no rate");
    return false;
  }
  return true;
}

template <void (*Sgemm)(int, const float*, const float*, float*)>
void bench_sgemm(benchmark::State& state) {
  const std::size_t n = std::size_t(state.range(0));
  const auto a = normal_like_values<float>(n * n, 1), b = normal_like_values<float>(n * n, 2);
  std::vector<float> c(n * n);
  if (!sgemm_checked<Sgemm>(state, n, a.data(), b.data(), c.data())) return;
  time_square_gemm(state, n, c.data(), [&] { Sgemm(int(n), a.data(), b.data(), c.data()); });
}

template <class T, void (*Sgemm)(int, const float*, const float*, float*)>
void bench_emulated_fp8(benchmark::State& state) {
  const std::size_t n = std::size_t(state.range(0));
  const auto a = normal_like_values<T>(n * n, 1), b = normal_like_values<T>(n * n, 2);
  std::vector<float> af(n * n), bf(n * n), c(n * n);
  static const auto decode = [] {  // every fp8 value, exactly
    std::array<float, 256> table{};
    for (unsigned code = 0; code < 256; ++code) table[code] = float(T::from_bits(std::uint8_t(code)));
    return table;
  }();
  for (std::size_t i = 0; i < n * n; ++i) af[i] = decode[a[i].bits()];
  for (std::size_t i = 0; i < n * n; ++i) bf[i] = decode[b[i].bits()];
  if (!sgemm_checked<Sgemm>(state, n, af.data(), bf.data(), c.data())) return;
  time_square_gemm(state, n, c.data(), [&] {
    for (std::size_t i = 0; i < n * n; ++i) af[i] = decode[a[i].bits()];
    for (std::size_t i = 0; i < n * n; ++i) bf[i] = decode[b[i].bits()];
    Sgemm(int(n), af.data(), bf.data(), c.data());
  });
}

/// Exact GEMM on 16-bit data (bf16 = lmul<7,8>'s layout, fp16 = lmul<10,5>'s): A and B widened to
/// fp32 (exact; bf16 by a shift, fp16 by F16C, baselines/half.hpp), timed, then the sgemm. Its
/// sgemm is checked on these very operands first, as bench_sgemm's.
template <class T, void (*Sgemm)(int, const float*, const float*, float*)>
void bench_emulated_16bit(benchmark::State& state) {
  const std::size_t n = std::size_t(state.range(0));
  const auto a = normal_like_values<T>(n * n, 1), b = normal_like_values<T>(n * n, 2);
  std::vector<float> af(n * n), bf(n * n), c(n * n);
  const auto* pa = reinterpret_cast<const std::uint16_t*>(a.data());
  const auto* pb = reinterpret_cast<const std::uint16_t*>(b.data());
  const auto widen = [&] {
    if constexpr (lmul::format_of_t<T>::exponent_bits == 8) {
      lmul_bench::half::widen_bf16(pa, af.data(), n * n);
      lmul_bench::half::widen_bf16(pb, bf.data(), n * n);
    } else {
#if defined(LMUL_BENCH_HALF_AVX2)
      lmul_bench::half::widen_fp16(pa, af.data(), n * n);
      lmul_bench::half::widen_fp16(pb, bf.data(), n * n);
#else
      for (std::size_t i = 0; i < n * n; ++i) af[i] = float(a[i]), bf[i] = float(b[i]);
#endif
    }
  };
  widen();
  for (std::size_t i = 0; i < n * n; ++i) {
    if (af[i] != float(a[i]) || bf[i] != float(b[i])) {
      state.SkipWithError("16-bit widening differs from the library's exact conversion");
      return;
    }
  }
  if (!sgemm_checked<Sgemm>(state, n, af.data(), bf.data(), c.data())) return;
  time_square_gemm(state, n, c.data(), [&] {
    widen();
    Sgemm(int(n), af.data(), bf.data(), c.data());
  });
}

#if defined(__AVX512BW__) && defined(__AVX512BF16__)
/// The exact bf16 GEMM on vdpbf16ps (baselines/bf16_gemm.hpp) on lmul<7,8> data, checked first on
/// three rows against a double-precision sum of the exact products (as the sgemm rows).
void bench_bf16_words_gemm(benchmark::State& state) {
  const std::size_t n = std::size_t(state.range(0));
  using bf16 = lmul::lmul<7, 8>;
  const auto a = normal_like_values<bf16>(n * n, 1), b = normal_like_values<bf16>(n * n, 2);
  std::vector<float> af(n * n), bf(n * n), c(n * n);
  for (std::size_t i = 0; i < n * n; ++i) af[i] = float(a[i]), bf[i] = float(b[i]);
  const auto* pa = reinterpret_cast<const std::uint16_t*>(a.data());
  const auto* pb = reinterpret_cast<const std::uint16_t*>(b.data());
  lmul_bench::fp8::gemm_bf16_words(n, n, n, pa, pb, c.data());
  if (!sgemm_rows_right(n, af.data(), bf.data(), c.data())) {
    state.SkipWithError("bf16 GEMM differs from the double-precision reference: no rate");
    return;
  }
  time_square_gemm(state, n, c.data(), [&] { lmul_bench::fp8::gemm_bf16_words(n, n, n, pa, pb, c.data()); });
}

/// Rows 0, 7 and m-1 of the bf16 GEMM against a double-precision sum of the exact products:
/// within k 2^-23 sum |a b| (fp32 accumulation); a packing error is far larger.
template <class T>
bool bf16_gemm_is_right(std::size_t n, const std::uint8_t* a, const std::uint8_t* b, const float* c) {
  for (std::size_t i : {std::size_t(0), std::size_t(7), n - 1}) {
    for (std::size_t j = 0; j < n; ++j) {
      double sum = 0, magnitude = 0;
      for (std::size_t p = 0; p < n; ++p) {
        const double product = double(float(T::from_bits(a[i * n + p]))) * double(float(T::from_bits(b[p * n + j])));
        sum += product;
        magnitude += product < 0 ? -product : product;
      }
      if (!(std::abs(double(c[i * n + j]) - sum) <= double(n) * 0x1p-23 * magnitude)) return false;
    }
  }
  return true;
}

template <class T>
void bench_bf16_gemm(benchmark::State& state) {
  const std::size_t n = std::size_t(state.range(0));
  const auto a = normal_like_values<T>(n * n, 1), b = normal_like_values<T>(n * n, 2);
  std::vector<float> c(n * n);
  const auto* pa = reinterpret_cast<const std::uint8_t*>(a.data());
  const auto* pb = reinterpret_cast<const std::uint8_t*>(b.data());
  lmul_bench::fp8::gemm_bf16<T>(n, n, n, pa, pb, c.data());
  if (!bf16_gemm_is_right<T>(n, pa, pb, c.data())) {
    state.SkipWithError("bf16 GEMM differs from the exact products' sum");
    return;
  }
  time_square_gemm(state, n, c.data(), [&] { lmul_bench::fp8::gemm_bf16<T>(n, n, n, pa, pb, c.data()); });
}
#endif

template <class T>
void bench_lmul_gemm(benchmark::State& state) {
  const std::size_t n = std::size_t(state.range(0));
  const auto a = normal_like_values<T>(n * n, 1), b = normal_like_values<T>(n * n, 2);
  std::vector<float> c(n * n);
  time_square_gemm(state, n, c.data(), [&] { lmul::lmul_gemm(n, n, n, a.data(), n, b.data(), n, c.data(), n); });
}

template <class T>
void bench_lmul_gemm_threads(benchmark::State& state) {
  const std::size_t n = std::size_t(state.range(0));
  const unsigned threads = unsigned(state.range(1));
  const auto a = normal_like_values<T>(n * n, 1), b = normal_like_values<T>(n * n, 2);
  std::vector<float> c(n * n);
  time_square_gemm(state, n, c.data(), [&] {
    lmul::lmul_gemm(n, n, n, a.data(), n, b.data(), n, c.data(), n, {.threads = threads});
  });
}

template <class T>
void bench_naive_lmul(benchmark::State& state) {
  const std::size_t n = std::size_t(state.range(0));
  const auto a = normal_like_values<T>(n * n, 1), b = normal_like_values<T>(n * n, 2);
  std::vector<float> c(n * n);
  time_square_gemm(state, n, c.data(), [&] {
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < n; ++j) {
        float sum = 0.0f;
        for (std::size_t p = 0; p < n; ++p)
          sum += lmul::lmul_wide_product(a[i * n + p], b[p * n + j]);
        c[i * n + j] = sum;
      }
    }
  });
}

void register_all() {
  const auto sizes = [](benchmark::internal::Benchmark* b) {
    b->Arg(256)->Arg(512)->Arg(1024)->Unit(benchmark::kMillisecond);
  };
  sizes(benchmark::RegisterBenchmark("sgemm", bench_sgemm<sgemm_openblas>));
  if (lmul_bench::pinned_openblas_copy())  // the weaker core the environment pinned: extra row only
    sizes(benchmark::RegisterBenchmark("sgemm_pinned", bench_sgemm<sgemm_pinned>));
  sizes(benchmark::RegisterBenchmark("emulated_fp8_sgemm/e4m3fn",
                                     bench_emulated_fp8<lmul::float8_e4m3fn, sgemm_openblas>));
  sizes(benchmark::RegisterBenchmark("emulated_fp8_sgemm/e5m2",
                                     bench_emulated_fp8<lmul::float8_e5m2, sgemm_openblas>));
#if defined(LMUL_BENCH_HAVE_BLIS)
  sizes(benchmark::RegisterBenchmark("sgemm_blis", bench_sgemm<sgemm_blis>));
  sizes(benchmark::RegisterBenchmark("emulated_fp8_sgemm_blis/e4m3fn",
                                     bench_emulated_fp8<lmul::float8_e4m3fn, sgemm_blis>));
  sizes(benchmark::RegisterBenchmark("emulated_fp8_sgemm_blis/e5m2",
                                     bench_emulated_fp8<lmul::float8_e5m2, sgemm_blis>));
#endif
  using bf16 = lmul::lmul<7, 8>;
  using fp16 = lmul::lmul<10, 5>;
  sizes(benchmark::RegisterBenchmark("emulated_16bit_sgemm/lmul<7,8>", bench_emulated_16bit<bf16, sgemm_openblas>));
  sizes(benchmark::RegisterBenchmark("emulated_16bit_sgemm/lmul<10,5>", bench_emulated_16bit<fp16, sgemm_openblas>));
#if defined(LMUL_BENCH_HAVE_BLIS)
  sizes(benchmark::RegisterBenchmark("emulated_16bit_sgemm_blis/lmul<7,8>", bench_emulated_16bit<bf16, sgemm_blis>));
  sizes(benchmark::RegisterBenchmark("emulated_16bit_sgemm_blis/lmul<10,5>", bench_emulated_16bit<fp16, sgemm_blis>));
#endif
#if defined(__AVX512BW__) && defined(__AVX512BF16__)
  if (__builtin_cpu_supports("avx512bf16"))
    sizes(benchmark::RegisterBenchmark("emulated_16bit_bf16/lmul<7,8>", bench_bf16_words_gemm));
  if (lmul_bench::cpu_has_vbmi_bf16()) {
    sizes(benchmark::RegisterBenchmark("emulated_fp8_bf16/e4m3fn", bench_bf16_gemm<lmul::float8_e4m3fn>));
    sizes(benchmark::RegisterBenchmark("emulated_fp8_bf16/e5m2", bench_bf16_gemm<lmul::float8_e5m2>));
  }
#endif
  sizes(benchmark::RegisterBenchmark("lmul_gemm/float", bench_lmul_gemm<float>));
  sizes(benchmark::RegisterBenchmark("lmul_gemm/e4m3fn", bench_lmul_gemm<lmul::float8_e4m3fn>));
  sizes(benchmark::RegisterBenchmark("lmul_gemm/e5m2", bench_lmul_gemm<lmul::float8_e5m2>));
  sizes(benchmark::RegisterBenchmark("lmul_gemm/lmul<3,4>", bench_lmul_gemm<lmul::lmul<3, 4>>));
  sizes(benchmark::RegisterBenchmark("lmul_gemm/lmul<7,8>", bench_lmul_gemm<bf16>));
  sizes(benchmark::RegisterBenchmark("lmul_gemm/lmul<10,5>", bench_lmul_gemm<fp16>));
  benchmark::RegisterBenchmark("lmul_gemm_threads/e4m3fn",
                               bench_lmul_gemm_threads<lmul::float8_e4m3fn>)
      ->Args({1024, 1})
      ->Args({1024, 2})
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  // The naive loop runs at a fixed rate per product (no blocking, no reuse to gain), so one
  // iteration at 256 measures it; the summary extrapolates that rate to 512 and 1024.
  for (auto* naive : {benchmark::RegisterBenchmark("naive_lmul/float", bench_naive_lmul<float>),
                      benchmark::RegisterBenchmark("naive_lmul/e4m3fn",
                                                   bench_naive_lmul<lmul::float8_e4m3fn>)}) {
    naive->Arg(256)->Unit(benchmark::kMillisecond)->Iterations(1);
  }
  lmul_bench::register_fma_peak();
}

}  // namespace

int main(int argc, char** argv) {
  lmul_bench::start_benchmark_program(argv);  // may re-execute with a better OpenBLAS core
  register_all();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
