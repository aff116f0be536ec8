// fp32 baselines written for peak speed (xsimd, the widest vectors the compile flags allow).
//
// dot: an FMA has a latency of 4 cycles and two FMA ports (Intel since Haswell, AMD Zen 2-4 with
// 256-bit halves), so 8 independent accumulators are needed to keep both busy; `Chains` is a
// template parameter so that the benchmark can show 4 (latency-bound) against 8 and 12.
// multiply: four independent load-multiply-store steps per iteration.
#pragma once

#include <xsimd/xsimd.hpp>

#include <cstddef>

namespace lmul_bench::fp32 {

template <int Chains>
float dot(const float* a, const float* b, std::size_t n) {
  using batch = xsimd::batch<float>;
  constexpr std::size_t step = Chains * batch::size;
  batch acc[Chains];
  for (auto& x : acc) x = batch(0.0f);
  std::size_t i = 0;
  for (; i + step <= n; i += step) {
    #pragma GCC unroll 16  // unroll: at -O2 GCC 12 keeps the accumulators in memory otherwise
    for (int k = 0; k < Chains; ++k) {
      acc[k] = xsimd::fma(batch::load_unaligned(a + i + k * batch::size),
                          batch::load_unaligned(b + i + k * batch::size), acc[k]);
    }
  }
  for (; i + batch::size <= n; i += batch::size)
    acc[0] = xsimd::fma(batch::load_unaligned(a + i), batch::load_unaligned(b + i), acc[0]);
  for (int k = 1; k < Chains; ++k) acc[0] += acc[k];
  float sum = xsimd::hadd(acc[0]);
  for (; i < n; ++i) sum += a[i] * b[i];
  return sum;
}

inline void multiply(const float* a, const float* b, float* out, std::size_t n) {
  using batch = xsimd::batch<float>;
  constexpr std::size_t unroll = 4;
  std::size_t i = 0;
  for (; i + unroll * batch::size <= n; i += unroll * batch::size) {
    #pragma GCC unroll 16
    for (std::size_t k = 0; k < unroll; ++k) {
      const std::size_t j = i + k * batch::size;
      (batch::load_unaligned(a + j) * batch::load_unaligned(b + j)).store_unaligned(out + j);
    }
  }
  for (; i < n; ++i) out[i] = a[i] * b[i];
}

/// The plain loop, left to the compiler's vectoriser: the alternative `multiply` must beat.
inline void multiply_plain(const float* a, const float* b, float* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = a[i] * b[i];
}

}  // namespace lmul_bench::fp32
