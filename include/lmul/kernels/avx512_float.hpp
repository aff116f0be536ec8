// lmul/kernels/avx512_float.hpp -- the float lmul_dot on AVX-512 (F + DQ), for avx512bw and up.
//
// For normal operands and a normal result, the signed L-Mul product of fp32 is one addition of the
// raw bit patterns: bits(x) + bits(y) - 0x3F780000 (mod 2^32). The sign bits add to their XOR
// because the magnitude part, |x| + |y| - 0x3F780000, stays below 2^31 exactly when the result is
// normal. A lane is on that fast path iff x, y and the sum are normal (vfpclassps: one instruction
// each) and the sum's sign equals sign(x) XOR sign(y) (a wrapped magnitude flips it). Blocks of 64
// with any other lane are summed by the portable kernel.
#pragma once

#include "../detail/isa_namespace.hpp"

#include <cstddef>
#include <cstdint>

#include <immintrin.h>

#include "dot.hpp"

#define LMUL_AVX512DQ_TARGET __attribute__((target("avx512f,avx512dq")))

namespace lmul {
namespace detail {
inline namespace LMUL_ISA {

/// A is the xsimd AVX-512 arch of the caller (a template, so that translation units built
/// without AVX-512 never instantiate it); it serves the rare off-path blocks and the tail.
template <class A>
LMUL_AVX512DQ_TARGET float dot_float_avx512(const std::uint32_t* a, const std::uint32_t* b,
                                            std::size_t n) {
  // vfpclassps categories that are not "normal": QNaN, +-0, +-inf, denormal, SNaN.
  constexpr int not_normal = 0x01 | 0x02 | 0x04 | 0x08 | 0x10 | 0x20 | 0x80;
  const __m512i paper_constant = _mm512_set1_epi32(0x3F780000);  // spec section 3
  constexpr std::size_t prefetch_distance = 512;  // elements (2 KiB)
  __m512 acc[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(),
                   _mm512_setzero_ps()};
  float patched = 0.f;
  std::size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    // Streams from DRAM: ask for the lines 2 KiB ahead (the hardware prefetcher alone leaves this
    // loop at a third of cblas_sdot's bandwidth for 2^25 elements).
    _mm_prefetch(reinterpret_cast<const char*>(a + i + prefetch_distance), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(a + i + prefetch_distance + 16), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(a + i + prefetch_distance + 32), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(a + i + prefetch_distance + 48), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(b + i + prefetch_distance), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(b + i + prefetch_distance + 16), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(b + i + prefetch_distance + 32), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(b + i + prefetch_distance + 48), _MM_HINT_T0);
    __m512i product[4];
    __mmask16 off_path = 0;
    for (int k = 0; k < 4; ++k) {
      const __m512i x = _mm512_loadu_si512(a + i + 16 * k);
      const __m512i y = _mm512_loadu_si512(b + i + 16 * k);
      product[k] = _mm512_sub_epi32(_mm512_add_epi32(x, y), paper_constant);
      // Sign check: bit 31 of x ^ y ^ product is set where the sign came out wrong (0x96 = XOR3).
      const __m512i sign_error = _mm512_ternarylogic_epi32(x, y, product[k], 0x96);
      // The masks are 16 bits; | promotes them to int and the result fits back.
      off_path = __mmask16(off_path |
                           _mm512_fpclass_ps_mask(_mm512_castsi512_ps(x), not_normal) |
                           _mm512_fpclass_ps_mask(_mm512_castsi512_ps(y), not_normal) |
                           _mm512_fpclass_ps_mask(_mm512_castsi512_ps(product[k]), not_normal) |
                           _mm512_movepi32_mask(sign_error));
    }
    if (off_path != 0) {
      patched += dot_codes<float32_traits, A>(a + i, b + i, 64);
      continue;
    }
    for (int k = 0; k < 4; ++k) acc[k] = _mm512_add_ps(acc[k], _mm512_castsi512_ps(product[k]));
  }
  const __m512 sum = _mm512_add_ps(_mm512_add_ps(acc[0], acc[1]), _mm512_add_ps(acc[2], acc[3]));
  return _mm512_reduce_add_ps(sum) + patched +
         dot_codes<float32_traits, A>(a + i, b + i, n - i);
}

}  // inline namespace LMUL_ISA
}  // namespace detail
}  // namespace lmul
