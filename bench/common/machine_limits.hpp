// The hardware's limits, measured in the same run as the kernels (single thread):
//
//   stream/read/<bytes>   two arrays of <bytes> each read once (integer adds into 8 accumulators):
//                         the traffic of a dot product (software prefetch from 8 MiB per array on)
//   stream/triad/<bytes>  a[i] = b[i] + s * c[i] on three arrays of <bytes> each (STREAM triad):
//                         the traffic of an element-wise multiply (two reads, one write)
//   stream/copy/<bytes>   a[i] = b[i] (STREAM copy)
//   peak/fp32_fma         independent FMAs on registers (12 chains cover latency x ports):
//                         the fp32 multiply-add ceiling, in products/s
//   peak/bf16_dot         the same for vdpbf16ps (AVX-512 BF16 only), 32 products per instruction
//
// bytes_per_second counts the bytes the loop reads and writes, as STREAM does (a write-allocate
// read of the destination is not counted). The summary divides these rates by each kernel's bytes
// per element at the same footprint to get the kernel's bandwidth-bound limit.
#pragma once

#include <benchmark/benchmark.h>
#include <xsimd/xsimd.hpp>
#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "placed_buffer.hpp"

namespace lmul_bench {

/// Software prefetch a fixed distance ahead, for footprints far beyond the caches: on the VMs this
/// was written on, the hardware prefetcher alone left a two-stream read at ~70% of what the
/// kernels themselves reached from DRAM, so the "limit" would not have been one.
inline constexpr std::size_t prefetch_bytes = 2048;
inline constexpr std::int64_t prefetch_from_bytes = 8 << 20;  // per array; L2/L3 sizes run without

template <bool Prefetch>
void stream_read_loop(benchmark::State& state, const std::uint32_t* a, const std::uint32_t* b, std::size_t n) {
  using batch = xsimd::batch<std::uint32_t>;
  constexpr std::size_t step = 4 * batch::size;  // 2 x 4 loads and adds in flight per step
  for (auto _ : state) {
    // Named accumulators, kept in registers (measured: 10-25% more bandwidth than an array here).
    batch s0(0u), s1(0u), s2(0u), s3(0u), s4(0u), s5(0u), s6(0u), s7(0u);
    for (std::size_t i = 0; i + step <= n; i += step) {
      if constexpr (Prefetch) {
        for (std::size_t line = 0; line < step * sizeof(std::uint32_t); line += 64) {
          _mm_prefetch(reinterpret_cast<const char*>(a + i) + prefetch_bytes + line, _MM_HINT_T0);
          _mm_prefetch(reinterpret_cast<const char*>(b + i) + prefetch_bytes + line, _MM_HINT_T0);
        }
      }
      s0 += batch::load_unaligned(a + i);
      s1 += batch::load_unaligned(b + i);
      s2 += batch::load_unaligned(a + i + batch::size);
      s3 += batch::load_unaligned(b + i + batch::size);
      s4 += batch::load_unaligned(a + i + 2 * batch::size);
      s5 += batch::load_unaligned(b + i + 2 * batch::size);
      s6 += batch::load_unaligned(a + i + 3 * batch::size);
      s7 += batch::load_unaligned(b + i + 3 * batch::size);
    }
    batch total = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    benchmark::DoNotOptimize(total);
  }
}

inline void stream_read(benchmark::State& state) {
  const std::size_t n = std::size_t(state.range(0)) / sizeof(std::uint32_t);
  placed_buffer<std::uint32_t> a(n, 1), b(n, 2);
  for (std::size_t i = 0; i < n; ++i) a[i] = b[i] = std::uint32_t(i);
  if (state.range(0) >= prefetch_from_bytes) {
    stream_read_loop<true>(state, a.data(), b.data(), n);
  } else {
    stream_read_loop<false>(state, a.data(), b.data(), n);
  }
  state.SetBytesProcessed(std::int64_t(state.iterations()) * std::int64_t(2 * n * sizeof(std::uint32_t)));
}

template <bool Prefetch>
void stream_triad_loop(benchmark::State& state, float* a, const float* b, const float* c, std::size_t n) {
  using batch = xsimd::batch<float>;
  constexpr std::size_t step = 4 * batch::size;
  const batch s(0.5f);
  for (auto _ : state) {
    for (std::size_t i = 0; i + step <= n; i += step) {
      if constexpr (Prefetch) {
        for (std::size_t line = 0; line < step * sizeof(float); line += 64) {
          _mm_prefetch(reinterpret_cast<const char*>(b + i) + prefetch_bytes + line, _MM_HINT_T0);
          _mm_prefetch(reinterpret_cast<const char*>(c + i) + prefetch_bytes + line, _MM_HINT_T0);
        }
      }
      #pragma GCC unroll 4
      for (std::size_t k = 0; k < step; k += batch::size)
        xsimd::fma(s, batch::load_unaligned(c + i + k), batch::load_unaligned(b + i + k)).store_unaligned(a + i + k);
    }
    benchmark::DoNotOptimize(a);
    benchmark::ClobberMemory();
  }
}

inline void stream_triad(benchmark::State& state) {
  const std::size_t n = std::size_t(state.range(0)) / sizeof(float);
  placed_buffer<float> a(n, 3), b(n, 1), c(n, 2);
  for (std::size_t i = 0; i < n; ++i) b[i] = c[i] = 1.0f;
  if (state.range(0) >= prefetch_from_bytes) {
    stream_triad_loop<true>(state, a.data(), b.data(), c.data(), n);
  } else {
    stream_triad_loop<false>(state, a.data(), b.data(), c.data(), n);
  }
  state.SetBytesProcessed(std::int64_t(state.iterations()) * std::int64_t(3 * n * sizeof(float)));
}

inline void stream_copy(benchmark::State& state) {
  using batch = xsimd::batch<float>;
  const std::size_t n = std::size_t(state.range(0)) / sizeof(float);
  placed_buffer<float> a(n, 3), b(n, 1);
  for (std::size_t i = 0; i < n; ++i) b[i] = 1.0f;
  for (auto _ : state) {
    for (std::size_t i = 0; i + 2 * batch::size <= n; i += 2 * batch::size) {
      batch::load_unaligned(&b[i]).store_unaligned(&a[i]);
      batch::load_unaligned(&b[i + batch::size]).store_unaligned(&a[i + batch::size]);
    }
    benchmark::DoNotOptimize(a.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(std::int64_t(state.iterations()) * std::int64_t(2 * n * sizeof(float)));
}

/// fp32 FMA throughput on registers: 12 independent chains (FMA latency 4 x 2 ports = 8 needed on
/// Intel and AMD cores of the last decade; 12 leaves margin), products/s = FMAs x lanes.
inline void peak_fp32_fma(benchmark::State& state) {
  using batch = xsimd::batch<float>;
  constexpr int chains = 12, steps = 1000;
  volatile float seed_m = 0.9999f, seed_a = 1e-3f;  // unknown to the compiler: no folding
  const batch m(seed_m), add(seed_a);
  for (auto _ : state) {
    batch acc[chains];
    #pragma GCC unroll 16
    for (int k = 0; k < chains; ++k) acc[k] = batch(float(k));
    for (int s = 0; s < steps; ++s) {
      #pragma GCC unroll 16
      for (int k = 0; k < chains; ++k) acc[k] = xsimd::fma(acc[k], m, add);
    }
    batch total = acc[0];  // a copy: DoNotOptimize on acc[0] would pin the array to memory
    for (int k = 1; k < chains; ++k) total += acc[k];
    benchmark::DoNotOptimize(total);
  }
  state.counters["products/s"] = benchmark::Counter(double(chains) * steps * batch::size,
                                                    benchmark::Counter::kIsIterationInvariantRate);
}

#if defined(__AVX512BF16__)
/// `vdpbf16ps` throughput on registers (12 chains): 32 bf16 products per instruction, the ceiling
/// of the bf16 GEMM baseline, in products/s.
inline void peak_bf16_dot(benchmark::State& state) {
  constexpr int chains = 12, steps = 1000;
  volatile short seed_x = 0x3F80, seed_y = 0x3A80;  // bf16 1.0 and 2^-10, unknown to the compiler
  const __m512bh x = (__m512bh)_mm512_set1_epi16(seed_x), y = (__m512bh)_mm512_set1_epi16(seed_y);
  for (auto _ : state) {
    __m512 acc[chains];
    #pragma GCC unroll 16
    for (int k = 0; k < chains; ++k) acc[k] = _mm512_set1_ps(float(k));  // distinct: no merged chains
    for (int s = 0; s < steps; ++s) {
      #pragma GCC unroll 16
      for (int k = 0; k < chains; ++k) acc[k] = _mm512_dpbf16_ps(acc[k], x, y);
    }
    __m512 total = acc[0];
    for (int k = 1; k < chains; ++k) total = _mm512_add_ps(total, acc[k]);
    benchmark::DoNotOptimize(total);
  }
  state.counters["products/s"] = benchmark::Counter(double(chains) * steps * 32,
                                                    benchmark::Counter::kIsIterationInvariantRate);
}
#endif

inline void register_fma_peak() {
  benchmark::RegisterBenchmark("peak/fp32_fma", peak_fp32_fma)->Unit(benchmark::kMicrosecond);
#if defined(__AVX512BF16__)
  if (__builtin_cpu_supports("avx512bf16"))
    benchmark::RegisterBenchmark("peak/bf16_dot", peak_bf16_dot)->Unit(benchmark::kMicrosecond);
#endif
}

/// Registers the stream benchmarks at each footprint (bytes per array) and the FMA peak.
inline void register_limits(const std::vector<std::int64_t>& bytes_per_array) {
  using function = void (*)(benchmark::State&);
  const std::pair<const char*, function> streams[] = {
      {"stream/read", stream_read}, {"stream/triad", stream_triad}, {"stream/copy", stream_copy}};
  for (const auto& [name, fn] : streams) {
    auto* b = benchmark::RegisterBenchmark(name, fn);
    for (auto bytes : bytes_per_array) b->Arg(bytes);
    b->Unit(benchmark::kMicrosecond);
  }
  register_fma_peak();
}

}  // namespace lmul_bench
