// lmul-bench-dispatch: does a header-only -march=native program run as fast as runtime dispatch?
//
// For lmul_dot and lmul_multiply on 2^20 e4m3fn elements and lmul_gemm on 1024^3 (and 256^3, for a
// quick look) e4m3fn matrices, each benchmark runs once through a default-flags unit with runtime
// dispatch (lmul's compiled kernels, picked at run time) and once through a header-only
// -march=native unit (the kernels instantiated in it). Target: header-only within 10% of
// dispatched. bench/dispatch/summarize.py prints the ratios from the JSON output.
// This file itself is compiled like dispatched.cpp (default flags, runtime dispatch): no kernel code.
#include <cstdint>
#include <random>
#include <vector>

#include <benchmark/benchmark.h>

#include <lmul/kernels.hpp>

#include "runners.hpp"

namespace bench_dispatch {
namespace {

std::vector<e4m3> random_operands(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.f, 1.f);
  std::vector<e4m3> out(n);
  for (auto& x : out) x = e4m3(normal(rng));
  return out;
}

constexpr std::size_t elements = std::size_t{1} << 20;

void dot(benchmark::State& state, runners (*make)()) {
  const runners r = make();
  const auto a = random_operands(elements, 1), b = random_operands(elements, 2);
  for (auto _ : state) benchmark::DoNotOptimize(r.dot(a.data(), b.data(), elements));
  state.SetItemsProcessed(std::int64_t(state.iterations()) * std::int64_t(elements));
}

void multiply(benchmark::State& state, runners (*make)()) {
  const runners r = make();
  const auto a = random_operands(elements, 1), b = random_operands(elements, 2);
  std::vector<e4m3> out(elements);
  for (auto _ : state) {
    r.multiply(a.data(), b.data(), out.data(), elements);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(std::int64_t(state.iterations()) * std::int64_t(elements));
}

void gemm(benchmark::State& state, runners (*make)()) {
  const runners r = make();
  const auto s = std::size_t(state.range(0));
  const auto a = random_operands(s * s, 1), b = random_operands(s * s, 2);
  std::vector<float> c(s * s);
  for (auto _ : state) {
    r.gemm(s, a.data(), b.data(), c.data());
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(std::int64_t(state.iterations()) * std::int64_t(s * s * s));
}

BENCHMARK_CAPTURE(dot, dispatched, &dispatched_runners);
BENCHMARK_CAPTURE(dot, header_only_native, &header_only_native_runners);
BENCHMARK_CAPTURE(multiply, dispatched, &dispatched_runners);
BENCHMARK_CAPTURE(multiply, header_only_native, &header_only_native_runners);
BENCHMARK_CAPTURE(gemm, dispatched, &dispatched_runners)->Arg(256)->Arg(1024)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(gemm, header_only_native, &header_only_native_runners)->Arg(256)->Arg(1024)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace bench_dispatch

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::AddCustomContext("lmul_selected_arch", lmul::selected_arch());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
