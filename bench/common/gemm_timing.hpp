// gemm_timing: the timed loop and the "products/s" counter of the GEMM and MX benchmarks.
#pragma once

#include <cstddef>

#include <benchmark/benchmark.h>

namespace lmul_bench {

/// "products/s": `products` multiply-adds per iteration, as a rate per CPU second of the process
/// (the summary scripts read this counter by name).
inline void set_products_counter(benchmark::State& state, double products) {
  state.counters["products/s"] =
      benchmark::Counter(products, benchmark::Counter::kIsIterationInvariantRate);
}

/// Times `gemm()`, an n x n x n product writing `c`, and counts n^3 products per call. The writes
/// to c are kept (DoNotOptimize + ClobberMemory), so the compiler cannot drop or merge calls.
template <class Gemm>
void time_square_gemm(benchmark::State& state, std::size_t n, const float* c, Gemm gemm) {
  for (auto _ : state) {
    gemm();
    benchmark::DoNotOptimize(c);
    benchmark::ClobberMemory();
  }
  set_products_counter(state, double(n) * double(n) * double(n));
}

}  // namespace lmul_bench
