// lmul-bench-gemm: square GEMMs of size 256, 512, 1024, one thread each, products/s counters.
//
//   sgemm                     OpenBLAS cblas_sgemm on fp32 (openblas_set_num_threads(1))
//   emulated_fp8_sgemm/<fmt>  decode fp8 A and B to fp32, then cblas_sgemm (decode timed too)
//   lmul_gemm/<type>          lmul::lmul_gemm on float, e4m3fn, e5m2, lmul<3,4> data (1 thread)
//   naive_lmul/<type>         triple loop over the scalar lmul_wide_product, size 256 only: it runs
//                             at a fixed rate per product, so its 256 rate stands for every size
//   lmul_gemm_threads/e4m3fn/1024/<t>  lmul_gemm with gemm_options::threads = t (1 and 2), rate
//                             per WALL second (UseRealTime), for the thread-scaling ratio
//
// Every benchmark reports "products/s" = size^3 multiply-adds per CPU second of the process (CPU
// time, not wall time: on a shared machine it is far less disturbed by other processes; every
// benchmark is single-threaded, so the two agree on an idle machine). Ratios and the issue's
// targets: python3 bench/gemm/gemm_summary.py result.json (after --benchmark_out=result.json).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <cblas.h>

#include <lmul/gemm.hpp>
#include <lmul/small_float.hpp>

namespace {

/// N(0, 1)-like data (sum of 4 uniforms, scaled) rounded to T: cheap and reproducible.
template <class T>
std::vector<T> random_matrix(std::size_t count, std::uint32_t seed) {
  std::vector<T> out(count);
  std::uint32_t state = seed;
  const auto uniform = [&] {  // xorshift32 in [0, 1)
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return float(state >> 8) * 0x1p-24f;
  };
  for (auto& x : out) {
    const float sum = uniform() + uniform() + uniform() + uniform() - 2.0f;  // variance 1/3
    x = T(sum * 1.7320508f);
  }
  return out;
}

void set_products_counter(benchmark::State& state, std::size_t n) {
  const double products = double(n) * double(n) * double(n);
  state.counters["products/s"] =
      benchmark::Counter(products, benchmark::Counter::kIsIterationInvariantRate);
}

void bench_sgemm(benchmark::State& state) {
  const std::size_t n = std::size_t(state.range(0));
  const auto a = random_matrix<float>(n * n, 1), b = random_matrix<float>(n * n, 2);
  std::vector<float> c(n * n);
  const int ni = int(n);
  for (auto _ : state) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, ni, ni, ni, 1.0f, a.data(), ni, b.data(),
                ni, 0.0f, c.data(), ni);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  set_products_counter(state, n);
}

template <class T>
void bench_emulated_fp8(benchmark::State& state) {
  const std::size_t n = std::size_t(state.range(0));
  const auto a = random_matrix<T>(n * n, 1), b = random_matrix<T>(n * n, 2);
  std::vector<float> af(n * n), bf(n * n), c(n * n);
  const int ni = int(n);
  for (auto _ : state) {
    for (std::size_t i = 0; i < n * n; ++i) af[i] = float(a[i]);
    for (std::size_t i = 0; i < n * n; ++i) bf[i] = float(b[i]);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, ni, ni, ni, 1.0f, af.data(), ni,
                bf.data(), ni, 0.0f, c.data(), ni);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  set_products_counter(state, n);
}

template <class T>
void bench_lmul_gemm(benchmark::State& state) {
  const std::size_t n = std::size_t(state.range(0));
  const auto a = random_matrix<T>(n * n, 1), b = random_matrix<T>(n * n, 2);
  std::vector<float> c(n * n);
  for (auto _ : state) {
    lmul::lmul_gemm(n, n, n, a.data(), n, b.data(), n, c.data(), n);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  set_products_counter(state, n);
}

template <class T>
void bench_lmul_gemm_threads(benchmark::State& state) {
  const std::size_t n = std::size_t(state.range(0));
  const unsigned threads = unsigned(state.range(1));
  const auto a = random_matrix<T>(n * n, 1), b = random_matrix<T>(n * n, 2);
  std::vector<float> c(n * n);
  for (auto _ : state) {
    lmul::lmul_gemm(n, n, n, a.data(), n, b.data(), n, c.data(), n, {.threads = threads});
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  set_products_counter(state, n);
}

template <class T>
void bench_naive_lmul(benchmark::State& state) {
  const std::size_t n = std::size_t(state.range(0));
  const auto a = random_matrix<T>(n * n, 1), b = random_matrix<T>(n * n, 2);
  std::vector<float> c(n * n);
  for (auto _ : state) {
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < n; ++j) {
        float sum = 0.0f;
        for (std::size_t p = 0; p < n; ++p)
          sum += lmul::lmul_wide_product(a[i * n + p], b[p * n + j]);
        c[i * n + j] = sum;
      }
    }
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  set_products_counter(state, n);
}

void register_all() {
  const auto sizes = [](benchmark::internal::Benchmark* b) {
    b->Arg(256)->Arg(512)->Arg(1024)->Unit(benchmark::kMillisecond);
  };
  sizes(benchmark::RegisterBenchmark("sgemm", bench_sgemm));
  sizes(benchmark::RegisterBenchmark("emulated_fp8_sgemm/e4m3fn",
                                     bench_emulated_fp8<lmul::float8_e4m3fn>));
  sizes(benchmark::RegisterBenchmark("emulated_fp8_sgemm/e5m2",
                                     bench_emulated_fp8<lmul::float8_e5m2>));
  sizes(benchmark::RegisterBenchmark("lmul_gemm/float", bench_lmul_gemm<float>));
  sizes(benchmark::RegisterBenchmark("lmul_gemm/e4m3fn", bench_lmul_gemm<lmul::float8_e4m3fn>));
  sizes(benchmark::RegisterBenchmark("lmul_gemm/e5m2", bench_lmul_gemm<lmul::float8_e5m2>));
  sizes(benchmark::RegisterBenchmark("lmul_gemm/lmul<3,4>", bench_lmul_gemm<lmul::lmul<3, 4>>));
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
}

}  // namespace

int main(int argc, char** argv) {
  openblas_set_num_threads(1);  // single-thread comparison: lmul_gemm runs on one thread too
  // Without OPENBLAS_CORETYPE, OpenBLAS 0.3.21 falls back to slow generic kernels on CPUs newer
  // than it knows: the core it runs is part of the result.
  benchmark::AddCustomContext("openblas_core", openblas_get_corename());
  register_all();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
