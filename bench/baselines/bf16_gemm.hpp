// An exact fp8 GEMM on AVX-512 BF16: the fp8 operands are packed as bfloat16 (every e4m3fn / e5m2
// value is exactly a bf16), and `vdpbf16ps` multiplies pairs of them exactly in fp32 and adds
// them into fp32 accumulators: 32 products per instruction, twice an fp32 FMA's 16. Debian's
// OpenBLAS 0.3.21 is built without its bf16 GEMM (sbgemm), so this baseline is written here.
//
// Goto/BLIS blocking, kept minimal: KC = 256 (128 k-pairs), MC = 128 rows of A, one B block of
// KC x n (the benchmark's n <= 1024: at most 512 KiB of bf16, L2-resident on the machines this
// runs on), micro-kernel MR x NR = 8 x 32 (16 zmm accumulators, enough to cover vdpbf16ps's
// latency). Sizes must be multiples of MR, NR and 2 (the benchmark's are); the function throws
// otherwise rather than handle edges it is not measured on. gemm_bf16_words: the same GEMM on bf16
// operands (lmul<7,8>'s layout), the exact bf16 GEMM baseline of the 16-bit rows.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "baselines/fp8.hpp"

#if defined(__AVX512BW__) && defined(__AVX512BF16__)
#include <immintrin.h>

namespace lmul_bench::fp8 {

namespace bf16_gemm_detail {
inline constexpr std::size_t mr = 8, nr = 32, kc = 256, mc = 128;

/// B[p0 .. p0+kc) x all n columns -> panels of nr columns; per k-pair q, nr dwords holding
/// (bf16 of row 2q) | (bf16 of row 2q+1) << 16, the operand layout of vdpbf16ps.
/// Element -> its bf16 word: fp8 codes through the exact table, bf16 words as they are.
template <class T>
struct bf16_word_of {
  const std::array<std::uint16_t, 256>& table = get_tables<T>().bf16;
  std::uint32_t operator()(std::uint8_t code) const { return table[code]; }
};
struct bf16_word_identity {
  std::uint32_t operator()(std::uint16_t word) const { return word; }
};

template <class Word, class E>
void pack_b_words(const E* b, std::size_t n, std::size_t p0, std::size_t kb, std::uint32_t* out, Word bf16) {
  for (std::size_t j0 = 0; j0 < n; j0 += nr) {
    std::uint32_t* panel = out + j0 * kb / 2;  // kb / 2 pairs x nr dwords
    for (std::size_t q = 0; q < kb / 2; ++q) {
      const E* row0 = b + (p0 + 2 * q) * n + j0;
      const E* row1 = row0 + n;
      for (std::size_t j = 0; j < nr; ++j)
        panel[q * nr + j] = bf16(row0[j]) | (bf16(row1[j]) << 16);
    }
  }
}

/// A[i0 .. i0+mb) x [p0 .. p0+kb) -> micro-panels of mr rows; per k-pair q, mr dwords.
template <class Word, class E>
void pack_a_words(const E* a, std::size_t k, std::size_t i0, std::size_t mb, std::size_t p0, std::size_t kb,
                  std::uint32_t* out, Word bf16) {
  for (std::size_t r0 = 0; r0 < mb; r0 += mr) {
    std::uint32_t* panel = out + r0 * kb / 2;
    for (std::size_t r = 0; r < mr; ++r) {
      const E* row = a + (i0 + r0 + r) * k + p0;
      for (std::size_t q = 0; q < kb / 2; ++q) panel[q * mr + r] = bf16(row[2 * q]) | (bf16(row[2 * q + 1]) << 16);
    }
  }
}

/// C[mr x nr] (+)= A micro-panel x B micro-panel over kb / 2 k-pairs.
inline void micro_kernel(const std::uint32_t* a, const std::uint32_t* b, std::size_t pairs, float* c,
                         std::size_t ldc, bool accumulate) {
  __m512 acc[mr][2];
  #pragma GCC unroll 16  // unroll: keeps the 16 accumulators in registers at -O2
  for (std::size_t r = 0; r < mr; ++r) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
  for (std::size_t q = 0; q < pairs; ++q) {
    const __m512bh b0 = (__m512bh)_mm512_loadu_si512(b + q * nr);
    const __m512bh b1 = (__m512bh)_mm512_loadu_si512(b + q * nr + 16);
    #pragma GCC unroll 16
    for (std::size_t r = 0; r < mr; ++r) {
      const __m512bh x = (__m512bh)_mm512_set1_epi32(int(a[q * mr + r]));
      acc[r][0] = _mm512_dpbf16_ps(acc[r][0], x, b0);
      acc[r][1] = _mm512_dpbf16_ps(acc[r][1], x, b1);
    }
  }
  #pragma GCC unroll 16
  for (std::size_t r = 0; r < mr; ++r) {
    float* row = c + r * ldc;
    if (accumulate) {
      acc[r][0] = _mm512_add_ps(acc[r][0], _mm512_loadu_ps(row));
      acc[r][1] = _mm512_add_ps(acc[r][1], _mm512_loadu_ps(row + 16));
    }
    _mm512_storeu_ps(row, acc[r][0]);
    _mm512_storeu_ps(row + 16, acc[r][1]);
  }
}

/// The blocked loops of both GEMMs below, on elements E read as bf16 words by `word`.
template <class E, class Word>
void gemm_bf16_blocked(std::size_t m, std::size_t n, std::size_t k, const E* a, const E* b, float* c, Word word) {
  if (m % mr || n % nr || k % 2 || m == 0 || n == 0 || k == 0)
    throw std::invalid_argument("gemm_bf16: sizes must be multiples of 8 (m), 32 (n), 2 (k)");
  std::vector<std::uint32_t> packed_b(kc / 2 * n), packed_a(kc / 2 * mc);
  for (std::size_t p0 = 0; p0 < k; p0 += kc) {
    const std::size_t kb = std::min(kc, k - p0);
    pack_b_words(b, n, p0, kb, packed_b.data(), word);
    for (std::size_t i0 = 0; i0 < m; i0 += mc) {
      const std::size_t mb = std::min(mc, m - i0);
      pack_a_words(a, k, i0, mb, p0, kb, packed_a.data(), word);
      for (std::size_t j0 = 0; j0 < n; j0 += nr) {
        for (std::size_t r0 = 0; r0 < mb; r0 += mr) {
          micro_kernel(packed_a.data() + r0 * kb / 2, packed_b.data() + j0 * kb / 2, kb / 2,
                       c + (i0 + r0) * n + j0, n, p0 > 0);
        }
      }
    }
  }
}
}  // namespace bf16_gemm_detail

/// C (m x n fp32, row-major, ldc = n) = A (m x k fp8 codes) B (k x n fp8 codes), one thread.
template <class T>
void gemm_bf16(std::size_t m, std::size_t n, std::size_t k, const std::uint8_t* a, const std::uint8_t* b,
               float* c) {
  bf16_gemm_detail::gemm_bf16_blocked(m, n, k, a, b, c, bf16_gemm_detail::bf16_word_of<T>{});
}

/// The same on bf16 data (lmul<7,8>'s layout): the exact bf16 GEMM, every product exact in fp32.
/// vdpbf16ps flushes fp32-subnormal products to zero; none occurs in the benchmark's N(0, 1)-like data.
inline void gemm_bf16_words(std::size_t m, std::size_t n, std::size_t k, const std::uint16_t* a,
                            const std::uint16_t* b, float* c) {
  bf16_gemm_detail::gemm_bf16_blocked(m, n, k, a, b, c, bf16_gemm_detail::bf16_word_identity{});
}

}  // namespace lmul_bench::fp8

#endif  // __AVX512BW__ && __AVX512BF16__
