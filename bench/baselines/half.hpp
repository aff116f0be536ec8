// Exact 16-bit baselines: what a user without L-Mul computes on bf16 (lmul<7,8>'s layout) and IEEE
// fp16 (lmul<10,5>'s layout) data, written the fastest way found for the instruction set.
//
// multiply (the fp32 product rounded to the format, nearest even; a bf16 or fp16 product has at most
//           16 or 22 significant bits, so the fp32 product is exact wherever it is an fp32 normal):
//   bf16: 16 codes as 8 dwords, even codes widened by vpslld 16 and odd ones by vpand, vmulps,
//         round to bf16 by integer arithmetic ((bits + 0x7FFF + lsb) >> 16, in place), vpor: no
//         pack or shuffle. The same rounding as PyTorch's and ml_dtypes' float -> bfloat16. (AVX-512 BF16's vcvtne2ps2bf16 is not used: it flushes
//         fp32 denormal inputs to zero, which differs from this rounding for bf16-subnormal products.)
//   fp16: F16C vcvtph2ps, vmulps, vcvtps2ph with round-to-nearest-even (exact: the fp32 product of
//         two fp16 values is always exact).
// dot (fp32 sum of the products, 8 independent FMA chains as bench/baselines/fp32.hpp):
//   bf16: 16 codes as 8 dwords; the even codes widened by vpslld 16, the odd ones by vpand
//         0xFFFF0000; two vfmadd per 16 products. (vdpbf16ps where AVX-512 BF16 exists is
//         faster: dot_bf16_dpbf16 below, where the CPU has it.)
//   fp16: vcvtph2ps of 8 codes, one vfmadd per 8 products.
// AVX-512 (where the build and the CPU have it): the same methods at 512 bits, and for the bf16 dot
// vdpbf16ps (AVX-512 BF16, 4 accumulators, software prefetch), and for the fp16 multiply vmulph (AVX512-FP16). These were compiled but never run where they were
// written (an AVX2-only Zen 3); the exactness check before timing is what vouches for them.
// Without AVX2 + F16C: scalar loops (the same results). The benchmark (bench/kernels/
// kernels_bench.cpp) checks every method against the library's float product and exactly rounded
// conversion before timing it: all 65536 codes against boundary and random partners.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__AVX2__) && defined(__F16C__) && defined(__FMA__)
#include <immintrin.h>
#define LMUL_BENCH_HALF_AVX2 1
#endif

namespace lmul_bench::half {

/// float -> bf16 bits, round to nearest even; NaN stays a (quiet) NaN. Scalar reference of the
/// vector rounding below.
inline std::uint16_t bf16_from_float(float x) {
  const std::uint32_t bits = std::bit_cast<std::uint32_t>(x);
  if ((bits & 0x7FFFFFFFu) > 0x7F800000u) return std::uint16_t((bits >> 16) | 0x0040u);
  return std::uint16_t((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
}
inline float float_from_bf16(std::uint16_t x) { return std::bit_cast<float>(std::uint32_t(x) << 16); }

#if defined(LMUL_BENCH_HALF_AVX2)

namespace detail {
/// fp32 product bits -> the same bits plus the round-to-nearest-even increment at bit 16: the bf16
/// result is then the high half. No NaN check is needed for products of bf16 values: every such NaN
/// (an operand's, quieted, or vmulps's default 0xFFC00000) has a zero low half, so the increment
/// (at most 0x8000) never carries out of it.
[[gnu::always_inline]] inline __m256i add_rounding(__m256i bits) {
  const __m256i lsb = _mm256_and_si256(_mm256_srli_epi32(bits, 16), _mm256_set1_epi32(1));
  return _mm256_add_epi32(_mm256_add_epi32(bits, _mm256_set1_epi32(0x7FFF)), lsb);
}
}  // namespace detail

/// 16 codes at a time, seen as 8 dwords: the even codes (low halves) widened by vpslld 16, the odd
/// ones (high halves) by vpand; each product rounded in place; the even results shifted back down
/// and ORed with the odd results' high halves. No pack or shuffle.
inline void multiply_bf16(const std::uint16_t* a, const std::uint16_t* b, std::uint16_t* out, std::size_t n) {
  const __m256i high = _mm256_set1_epi32(int(0xFFFF0000u));
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    #pragma GCC unroll 2
    for (std::size_t k = 0; k < 32; k += 16) {
      const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + i + k));
      const __m256i y = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + i + k));
      const __m256 even = _mm256_mul_ps(_mm256_castsi256_ps(_mm256_slli_epi32(x, 16)),
                                        _mm256_castsi256_ps(_mm256_slli_epi32(y, 16)));
      const __m256 odd = _mm256_mul_ps(_mm256_castsi256_ps(_mm256_and_si256(x, high)),
                                       _mm256_castsi256_ps(_mm256_and_si256(y, high)));
      const __m256i lo = _mm256_srli_epi32(detail::add_rounding(_mm256_castps_si256(even)), 16);
      const __m256i hi = _mm256_and_si256(detail::add_rounding(_mm256_castps_si256(odd)), high);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i + k), _mm256_or_si256(lo, hi));
    }
  }
  for (; i < n; ++i) out[i] = bf16_from_float(float_from_bf16(a[i]) * float_from_bf16(b[i]));
}

inline float dot_bf16(const std::uint16_t* a, const std::uint16_t* b, std::size_t n) {
  constexpr int chains = 4;  // x 2 (even and odd codes) = 8 FMA chains
  __m256 even[chains], odd[chains];
  for (int k = 0; k < chains; ++k) even[k] = odd[k] = _mm256_setzero_ps();
  const __m256i high = _mm256_set1_epi32(int(0xFFFF0000u));
  std::size_t i = 0;
  for (; i + 16 * chains <= n; i += 16 * chains) {
    #pragma GCC unroll 8
    for (int k = 0; k < chains; ++k) {
      const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + i + 16 * k));
      const __m256i y = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + i + 16 * k));
      even[k] = _mm256_fmadd_ps(_mm256_castsi256_ps(_mm256_slli_epi32(x, 16)),
                                _mm256_castsi256_ps(_mm256_slli_epi32(y, 16)), even[k]);
      odd[k] = _mm256_fmadd_ps(_mm256_castsi256_ps(_mm256_and_si256(x, high)),
                               _mm256_castsi256_ps(_mm256_and_si256(y, high)), odd[k]);
    }
  }
  for (int k = 1; k < chains; ++k) {
    even[0] = _mm256_add_ps(even[0], even[k]);
    odd[0] = _mm256_add_ps(odd[0], odd[k]);
  }
  const __m256 s = _mm256_add_ps(even[0], odd[0]);
  __m128 h = _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1));
  h = _mm_add_ps(h, _mm_movehl_ps(h, h));
  h = _mm_add_ss(h, _mm_movehdup_ps(h));
  float sum = _mm_cvtss_f32(h);
  for (; i < n; ++i) sum += float_from_bf16(a[i]) * float_from_bf16(b[i]);
  return sum;
}

inline void multiply_fp16(const std::uint16_t* a, const std::uint16_t* b, std::uint16_t* out, std::size_t n) {
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    #pragma GCC unroll 2
    for (std::size_t k = 0; k < 16; k += 8) {
      const __m256 x = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i + k)));
      const __m256 y = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b + i + k)));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i + k),
                       _mm256_cvtps_ph(_mm256_mul_ps(x, y), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
    }
  }
  for (; i < n; ++i) out[i] = _cvtss_sh(_cvtsh_ss(a[i]) * _cvtsh_ss(b[i]), _MM_FROUND_TO_NEAREST_INT);
}

inline float dot_fp16(const std::uint16_t* a, const std::uint16_t* b, std::size_t n) {
  constexpr int chains = 8;
  __m256 acc[chains];
  for (auto& x : acc) x = _mm256_setzero_ps();
  std::size_t i = 0;
  for (; i + 8 * chains <= n; i += 8 * chains) {
    #pragma GCC unroll 8
    for (int k = 0; k < chains; ++k) {
      const __m256 x = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i + 8 * k)));
      const __m256 y = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b + i + 8 * k)));
      acc[k] = _mm256_fmadd_ps(x, y, acc[k]);
    }
  }
  for (int k = 1; k < chains; ++k) acc[0] = _mm256_add_ps(acc[0], acc[k]);
  __m128 h = _mm_add_ps(_mm256_castps256_ps128(acc[0]), _mm256_extractf128_ps(acc[0], 1));
  h = _mm_add_ps(h, _mm_movehl_ps(h, h));
  h = _mm_add_ss(h, _mm_movehdup_ps(h));
  float sum = _mm_cvtss_f32(h);
  for (; i < n; ++i) sum += _cvtsh_ss(a[i]) * _cvtsh_ss(b[i]);
  return sum;
}

/// n fp16 codes -> floats (the timed decode of the exact fp16 GEMM baseline).
inline void widen_fp16(const std::uint16_t* x, float* out, std::size_t n) {
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps(out + i, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x + i))));
  for (; i < n; ++i) out[i] = _cvtsh_ss(x[i]);
}

inline constexpr bool have_fp16 = true;

#else  // no AVX2 + F16C + FMA: bf16 by scalar loops; no fp16 baseline

inline void multiply_bf16(const std::uint16_t* a, const std::uint16_t* b, std::uint16_t* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = bf16_from_float(float_from_bf16(a[i]) * float_from_bf16(b[i]));
}
inline float dot_bf16(const std::uint16_t* a, const std::uint16_t* b, std::size_t n) {
  float sum = 0.0f;
  for (std::size_t i = 0; i < n; ++i) sum += float_from_bf16(a[i]) * float_from_bf16(b[i]);
  return sum;
}
inline constexpr bool have_fp16 = false;

#endif

#if defined(LMUL_BENCH_HALF_AVX2) && defined(__AVX512F__) && defined(__AVX512BW__)
#define LMUL_BENCH_HALF_AVX512 1
// GCC 12's AVX-512 intrinsic headers trip its own -Wmaybe-uninitialized (fixed in GCC 13).
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#define LMUL_BENCH_HALF_POP_DIAGNOSTICS 1
#endif
// AVX-512 versions (compiled only where -march=native allows them; NOT RUN on the machine these were
// written on, an AVX2 Zen 3: the benchmark's exactness check is what vouches for them).

/// The AVX2 method at 512 bits: 32 codes as 16 dwords per step.
inline void multiply_bf16_avx512(const std::uint16_t* a, const std::uint16_t* b, std::uint16_t* out,
                                 std::size_t n) {
  const __m512i high = _mm512_set1_epi32(int(0xFFFF0000u)), one = _mm512_set1_epi32(1),
                half_minus = _mm512_set1_epi32(0x7FFF);
  const auto round = [&](__m512i bits) {
    return _mm512_add_epi32(_mm512_add_epi32(bits, half_minus), _mm512_and_si512(_mm512_srli_epi32(bits, 16), one));
  };
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m512i x = _mm512_loadu_si512(a + i), y = _mm512_loadu_si512(b + i);
    const __m512 even = _mm512_mul_ps(_mm512_castsi512_ps(_mm512_slli_epi32(x, 16)),
                                      _mm512_castsi512_ps(_mm512_slli_epi32(y, 16)));
    const __m512 odd = _mm512_mul_ps(_mm512_castsi512_ps(_mm512_and_si512(x, high)),
                                     _mm512_castsi512_ps(_mm512_and_si512(y, high)));
    const __m512i lo = _mm512_srli_epi32(round(_mm512_castps_si512(even)), 16);
    const __m512i hi = _mm512_and_si512(round(_mm512_castps_si512(odd)), high);
    _mm512_storeu_si512(out + i, _mm512_or_si512(lo, hi));
  }
  multiply_bf16(a + i, b + i, out + i, n - i);
}

/// fp16: vcvtph2ps at 512 bits (16 codes), 8 FMA chains.
inline float dot_fp16_avx512(const std::uint16_t* a, const std::uint16_t* b, std::size_t n) {
  constexpr int chains = 8;
  __m512 acc[chains];
  for (auto& x : acc) x = _mm512_setzero_ps();
  std::size_t i = 0;
  for (; i + 16 * chains <= n; i += 16 * chains) {
    #pragma GCC unroll 8
    for (int k = 0; k < chains; ++k) {
      const __m512 x = _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + i + 16 * k)));
      const __m512 y = _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + i + 16 * k)));
      acc[k] = _mm512_fmadd_ps(x, y, acc[k]);
    }
  }
  for (int k = 1; k < chains; ++k) acc[0] = _mm512_add_ps(acc[0], acc[k]);
  return _mm512_reduce_add_ps(acc[0]) + dot_fp16(a + i, b + i, n - i);
}

inline void multiply_fp16_avx512(const std::uint16_t* a, const std::uint16_t* b, std::uint16_t* out,
                                 std::size_t n) {
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512 x = _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + i)));
    const __m512 y = _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + i)));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i),
                        _mm512_cvtps_ph(_mm512_mul_ps(x, y), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
  }
  multiply_fp16(a + i, b + i, out + i, n - i);
}
#endif

#if defined(LMUL_BENCH_HALF_AVX512) && defined(__AVX512BF16__)
#define LMUL_BENCH_HALF_DPBF16 1
/// AVX-512 BF16: vdpbf16ps multiplies 32 bf16 pairs exactly and adds them into 16 fp32 lanes; 4
/// accumulators cover its latency; with `Prefetch`, software prefetch 4 KiB ahead, once per 64-byte
/// line (faster beyond L2 on the Intel Xeon measured: the library's bf16 dot does the same).
/// It flushes fp32-subnormal products and sums to zero (DAZ/FTZ by definition), so its exactness
/// check accepts a zero where the fp32 product is below 2^-126.
template <bool Prefetch>
float dot_bf16_dpbf16_loop(const std::uint16_t* a, const std::uint16_t* b, std::size_t n) {
  constexpr int chains = 4;
  __m512 acc[chains];
  for (auto& x : acc) x = _mm512_setzero_ps();
  std::size_t i = 0;
  for (; i + 32 * chains <= n; i += 32 * chains) {
    #pragma GCC unroll 4
    for (int k = 0; k < chains; ++k) {
      if constexpr (Prefetch) {
        __builtin_prefetch(a + i + 32 * k + 2048);
        __builtin_prefetch(b + i + 32 * k + 2048);
      }
      acc[k] = _mm512_dpbf16_ps(acc[k], (__m512bh)_mm512_loadu_si512(a + i + 32 * k),
                                (__m512bh)_mm512_loadu_si512(b + i + 32 * k));
    }
  }
  for (int k = 1; k < chains; ++k) acc[0] = _mm512_add_ps(acc[0], acc[k]);
  return _mm512_reduce_add_ps(acc[0]) + dot_bf16(a + i, b + i, n - i);
}

/// The bf16 dot baseline: with prefetch.
inline float dot_bf16_dpbf16(const std::uint16_t* a, const std::uint16_t* b, std::size_t n) {
  return dot_bf16_dpbf16_loop<true>(a, b, n);
}

/// Without software prefetch: an extra row, for the choice above (Intel Xeon, two runs: 2-10%
/// faster at 4096, 2-4% slower at 65536, 1.2-1.36x slower from L3 at 2^25).
inline float dot_bf16_dpbf16_no_prefetch(const std::uint16_t* a, const std::uint16_t* b, std::size_t n) {
  return dot_bf16_dpbf16_loop<false>(a, b, n);
}
#endif

#if defined(LMUL_BENCH_HALF_AVX512) && defined(__AVX512FP16__)
#define LMUL_BENCH_HALF_AVX512FP16 1
/// AVX512-FP16: vmulph, 32 products per instruction, rounded once to fp16 (nearest even; FP16
/// instructions ignore MXCSR's DAZ / FTZ, so subnormals are exact). The same results as the fp32
/// product rounded to fp16, which is exact in fp32.
inline void multiply_fp16_vmulph(const std::uint16_t* a, const std::uint16_t* b, std::uint16_t* out,
                                 std::size_t n) {
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m512h x = _mm512_castsi512_ph(_mm512_loadu_si512(a + i));
    const __m512h y = _mm512_castsi512_ph(_mm512_loadu_si512(b + i));
    _mm512_storeu_si512(out + i, _mm512_castph_si512(_mm512_mul_ph(x, y)));
  }
  multiply_fp16(a + i, b + i, out + i, n - i);
}
#endif

#if defined(LMUL_BENCH_HALF_POP_DIAGNOSTICS)
#pragma GCC diagnostic pop
#endif

/// n bf16 codes -> floats (the timed decode of the exact bf16 GEMM baseline; the compiler vectorises it).
inline void widen_bf16(const std::uint16_t* x, float* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = std::bit_cast<float>(std::uint32_t(x[i]) << 16);
}

}  // namespace lmul_bench::half
