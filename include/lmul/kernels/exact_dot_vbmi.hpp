// lmul/kernels/exact_dot_vbmi.hpp -- lmul_dot_exact with AVX-512 BW + VBMI + BF16 + BMI2
// intrinsics: the wide products summed per exponent window in fp32 lanes that provably never round
// (exact_dot_windows.hpp), then converted to integers and added exactly.
//
// Per 64 elements the bf16 wide products are built as in the fast dot (avx512_vbmi.hpp: vpermi2b
// for u, vpmaddubsw for the class, a masked vpaddw of the bias, the sign by vpternlogd). Window j
// of a product is read off its bf16 magnitude word with unsigned compares against the window
// floors; vdpbf16ps adds the words times a second operand of 1.0 in the product's window and 0.0
// elsewhere into that window's accumulators.
//
// HARDWARE MULTIPLIER AS ADDER (as in the fast dot): the second operand of vdpbf16ps is the
// constant 1.0 or 0.0; no product of two data values is computed by a hardware multiplier.
//
// Registers with a NaN or inf operand go through the counting path (class_histogram), whose flags
// decide NaN / inf as before; its finite terms join the same exact sum.
#pragma once

#include "../detail/isa_namespace.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include <immintrin.h>

#include "avx512_vbmi.hpp"  // LMUL_VBMI_TARGET
#include "exact_dot.hpp"
#include "exact_dot_windows.hpp"

namespace lmul {
namespace detail {
inline namespace LMUL_ISA {

/// The accumulators of the VBMI exact dot: per window two fp32 registers (one per half of a
/// 64-element block) and one int64 register that collects them at each flush.
template <class F>
struct exact_windows_vbmi {
  using plan = exact_window_plan<F>;
  static constexpr int windows = plan::windows;
  __m512 fp32[std::size_t(windows)][2];
  __m512i int64[std::size_t(windows)];

  LMUL_VBMI_TARGET void clear() {
    for (int j = 0; j < windows; ++j) {
      fp32[j][0] = fp32[j][1] = _mm512_setzero_ps();
      int64[j] = _mm512_setzero_si512();
    }
  }

  /// fp32 lanes (exact integers of their window's unit, |x| <= 2^24) -> int64 lanes; clears them.
  LMUL_VBMI_TARGET void flush_fp32() {
    for (int j = 0; j < windows; ++j) {
      const __m512 scale = _mm512_set1_ps(plan::unit_scale(j));
      // Both |x| <= 2^24, so their int32 sum fits.
      const __m512i units =
          _mm512_add_epi32(_mm512_cvtps_epi32(_mm512_mul_ps(fp32[j][0], scale)),
                           _mm512_cvtps_epi32(_mm512_mul_ps(fp32[j][1], scale)));
      int64[j] = _mm512_add_epi64(
          int64[j], _mm512_add_epi64(_mm512_cvtepi32_epi64(_mm512_castsi512_si256(units)),
                                     _mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64(units, 1))));
      fp32[j][0] = fp32[j][1] = _mm512_setzero_ps();
    }
  }

  /// int64 lanes -> the exact sum; clears them.
  LMUL_VBMI_TARGET void flush_int64(exact_sum<F>& sum) {
    for (int j = 0; j < windows; ++j) {
      alignas(64) std::int64_t lanes[8];
      _mm512_store_si512(lanes, int64[j]);
      add_window_lanes<F>(sum, lanes, 8, j);
      int64[j] = _mm512_setzero_si512();
    }
  }
};

/// 64 elements into the window accumulators `fp32`; false (and nothing added) when a NaN or inf
/// operand is among them.
template <class F>
[[gnu::always_inline]] LMUL_VBMI_TARGET inline bool exact_block_vbmi(
    const std::uint8_t* pa, const std::uint8_t* pb, __m512i index_lo, __m512i index_hi,
    __m512i one_words, __m512 (&fp32)[exact_window_plan<F>::windows][2]) {
  using plan = exact_window_plan<F>;
  constexpr auto& t = byte_tables_v<F>;
  constexpr int shift = 7 - F::mantissa_bits;  // index sum -> bf16 word
  static_assert(t.wide_by_index);
  static_assert(2 * 254 << shift < 32768, "vpmaddubsw must not saturate");
  const __m512i a = _mm512_loadu_si512(pa), b = _mm512_loadu_si512(pb);
  const __m512i ua = _mm512_permutex2var_epi8(index_lo, a, index_hi);
  const __m512i ub = _mm512_permutex2var_epi8(index_lo, b, index_hi);
  // The marker 255 is larger than every u: max(u(x), u(y)) == 255 iff a NaN or inf operand.
  const __m512i marker = _mm512_set1_epi8(char(byte_tables<F>::special_index));
  if (_mm512_cmpeq_epi8_mask(_mm512_max_epu8(ua, ub), marker) != 0) return false;
  const __m512i magnitude = _mm512_set1_epi8(0x7F);
  const std::uint64_t nonzero =
      _mm512_test_epi8_mask(a, magnitude) & _mm512_test_epi8_mask(b, magnitude);
  const __m512i signs = _mm512_xor_si512(a, b);
  // unpacklo/hi_epi8 take bytes 0-7 / 8-15 of each 128-bit lane: which elements a word holds.
  constexpr std::uint64_t low_bytes = 0x00FF00FF00FF00FFull, high_bytes = ~low_bytes;
  const __m512i pairs[2] = {_mm512_unpacklo_epi8(ua, ub), _mm512_unpackhi_epi8(ua, ub)};
  const __m512i sign_pairs[2] = {_mm512_unpacklo_epi8(signs, signs),
                                 _mm512_unpackhi_epi8(signs, signs)};
  const std::uint64_t lanes_of[2] = {low_bytes, high_bytes};
#pragma GCC unroll 2
  for (int half = 0; half < 2; ++half) {
    const __mmask32 keep = __mmask32(_pext_u64(nonzero, lanes_of[half]));
    // vpmaddubsw with 2^shift gives (u(x) + u(y)) << shift from the pair (u(x), u(y)); zero pairs
    // get the word 0 (+0.0: adds nothing, and lies in window 0).
    const __m512i word_magnitude = _mm512_maskz_add_epi16(
        keep, _mm512_maddubs_epi16(pairs[half], _mm512_set1_epi8(char(1 << shift))),
        _mm512_set1_epi16(short(t.wide_bias << shift)));
    // word | (sign & 0x8000): ternary-logic truth table A | (B & C) = 0xF8.
    const __m512bh word = (__m512bh)_mm512_ternarylogic_epi32(
        word_magnitude, sign_pairs[half], _mm512_set1_epi16(short(0x8000)), 0xF8);
    if constexpr (plan::windows == 1) {
      fp32[0][half] = _mm512_dpbf16_ps(fp32[0][half], word, (__m512bh)one_words);
    } else {
      // below[j]: the words of the windows below j (j = 1 .. windows - 1).
      __mmask32 below[plan::windows];
#pragma GCC unroll 8
      for (int j = 1; j < plan::windows; ++j) {
        below[j] = _mm512_cmplt_epu16_mask(word_magnitude,
                                           _mm512_set1_epi16(short(plan::window_floor(j))));
      }
#pragma GCC unroll 8
      for (int j = 0; j < plan::windows; ++j) {
        __m512i select;  // bf16 1.0 for the words of window j, else 0
        if (j == 0) {
          select = _mm512_maskz_mov_epi16(below[1], one_words);
        } else if (j + 1 == plan::windows) {
          select = _mm512_mask_mov_epi16(one_words, below[j], _mm512_setzero_si512());
        } else {
          select = _mm512_maskz_mov_epi16(__mmask32(below[j + 1] & ~below[j]), one_words);
        }
        fp32[j][half] = _mm512_dpbf16_ps(fp32[j][half], word, (__m512bh)select);
      }
    }
  }
  return true;
}

/// Blocks of 64 from `begin` while none holds a NaN or inf operand, up to `end`; returns where it
/// stopped. A function without calls, so that the accumulators stay in registers.
template <class F>
[[gnu::noinline]] LMUL_VBMI_TARGET std::size_t exact_blocks_vbmi(const std::uint8_t* a,
                                                                const std::uint8_t* b,
                                                                std::size_t begin, std::size_t end,
                                                                exact_windows_vbmi<F>& acc) {
  constexpr auto& t = byte_tables_v<F>;
  const __m512i index_lo = _mm512_loadu_si512(t.index.data());
  const __m512i index_hi = _mm512_loadu_si512(t.index.data() + 64);
  __m512i one_words = _mm512_set1_epi16(0x3F80);  // bf16 1.0
  // Opaque to the compiler, so that the masked copies of it stay register moves (GCC otherwise
  // rematerialises each as a broadcast from a general register: a shuffle-port uop).
  asm("" : "+v"(one_words));
  __m512 fp32[exact_window_plan<F>::windows][2];
  std::memcpy(fp32, acc.fp32, sizeof fp32);
  std::size_t i = begin;
  while (i < end && exact_block_vbmi<F>(a + i, b + i, index_lo, index_hi, one_words, fp32)) {
    i += 64;
  }
  std::memcpy(acc.fp32, fp32, sizeof fp32);
  return i;
}

/// The exact dot of n 8-bit codes: the same bits as dot_exact_codes (the counting path).
template <class F>
LMUL_VBMI_TARGET float dot_exact_codes_vbmi(const std::uint8_t* a, const std::uint8_t* b,
                                            std::size_t n) {
  using plan = exact_window_plan<F>;
  exact_sum<F> sum;
  class_histogram<F> rare;  // blocks with NaN / inf operands
  exact_windows_vbmi<F> acc;
  acc.clear();
  // Up to chunk_elements elements per int64 stage, up to flush_steps blocks per fp32 stage (a
  // block with a NaN or inf operand adds nothing to the lanes but still counts: conservative).
  const auto blocks = [&](const std::uint8_t* pa, const std::uint8_t* pb, std::size_t count) {
    std::size_t i = 0;
    while (i < count) {
      const std::size_t chunk_end = i + std::min(count - i, plan::chunk_elements);
      while (i < chunk_end) {
        const std::size_t flush_end = i + std::min(chunk_end - i, 64 * plan::flush_steps);
        while (i < flush_end) {
          i = exact_blocks_vbmi<F>(pa, pb, i, flush_end, acc);
          if (i < flush_end) {  // a NaN or inf operand: the counting path for these 64
            for (std::size_t j = i; j < i + 64; ++j) rare.add(pa[j], pb[j]);
            i += 64;
          }
        }
        acc.flush_fp32();
      }
      acc.flush_int64(sum);
    }
  };
  const std::size_t whole = n / 64 * 64;
  blocks(a, b, whole);
  if (whole < n) {  // the tail, zero-padded: zero pairs add nothing
    alignas(64) std::uint8_t ta[64] = {}, tb[64] = {};
    std::memcpy(ta, a + whole, n - whole);
    std::memcpy(tb, b + whole, n - whole);
    blocks(ta, tb, 64);
  }
  rare.add_to(sum);
  return rare.finish(sum);
}

}  // inline namespace LMUL_ISA
}  // namespace detail
}  // namespace lmul
