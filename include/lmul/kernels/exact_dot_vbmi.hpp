// lmul/kernels/exact_dot_vbmi.hpp -- lmul_dot_exact with AVX-512 BW + VBMI + VNNI intrinsics: the
// wide products as exact integers in int32 lanes, one set of lanes per exponent window, filled by
// vpdpwssd; the lanes go to int64 and then to the exact sum (exact_dot.hpp), rounded once.
//
// INTEGER FORM OF A PRODUCT. A finite nonzero pair of class s = u(x) + u(y) has the wide product
// +-V, V = sig * 2^shift units of 2^exact_lsb_exponent (exact_dot_windows.hpp: sig = 2^M + r,
// r < 2^M, 0 <= shift <= max_shift). With low_bits = wide_bias mod 2^M, q = s + low_bits is
// shift * 2^M + r. Split shift = m * t + rem (0 <= rem < m) and let
//   A = +-sig * 2^rem                       |A| < 2^(M + 1) * 2^(m - 1) = 2^(M + m) <= 2^15,
//   B_j = 2^(m * (t - 2j)) for t in {2j, 2j + 1}, else 0          B_j <= 2^m <= 2^14,
// two signed 16-bit words. Then A * B_j = +-V / 2^(2jm) for the window j that holds the product and
// 0 for every other window: window j's lanes count units of 2^(exact_lsb_exponent + 2jm).
//
// NO OVERFLOW. |A * B_j| < 2^(M + 2m). vpdpwssd adds two such products per int32 lane per step, so
// after 2^steps_log2 steps a lane is below 2^(M + 2m + 1 + steps_log2) <= 2^31; then the lanes are
// widened to int64 and cleared ("flush"). An int64 lane takes two int32 lanes per flush and goes to
// the exact sum every 2^20 elements: below 2^14 * 2^32, far from 2^63.
//
// THE PLAN per format: the fewest windows ceil((max_shift + 1) / 2m) over m <= min(14, 15 - M) with
// at least 16 steps between flushes, then the smallest m with that many windows (the most steps):
// e4m3fn 2 windows, e5m2 3, lmul<1,6> 6, lmul<2,5> 3, lmul<3,4> 2, lmul<4,3> 1, lmul<5,2> 1.
//
// PER 64 ELEMENTS: u(x) by vpermi2b (the first operand's table holds u + low_bits, so that
// vpmaddubsw of the pair (u(x), u(y)) is q); t = mulhi(q, div_mult) and
// rem = mulhi(mullo(q, div_mult), m) (division by the constant m * 2^M, checked for every q by
// static_assert); sig = (q mod 2^M) | 2^M; A = (sig * w) << rem, with w = +1, -1 or 0 (a zero
// operand) per element; B_j by vpermw from a 32-word table indexed by t.
//
// HARDWARE MULTIPLIER AS ADDER: vpdpwssd multiplies A by B_j, a power of two or 0, i.e. it shifts
// and adds; the other multiplies are by +-1 / 0 and by constants. No product of two data values is
// computed by a hardware multiplier.
//
// NaN and inf operands: u = 255 (the special marker) on either side. Each group of blocks between
// flushes runs unchecked while a running maximum of the u bytes records whether 255 occurred; if it
// did, the group is cleared and redone block by block, up to the first block with a NaN or inf,
// which goes through the counting path (class_histogram) whose flags decide NaN / inf.
#pragma once

#include "../detail/isa_namespace.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include <immintrin.h>

#include "avx512_vbmi.hpp"  // LMUL_VBMI_TARGET
#include "exact_dot.hpp"
#include "exact_dot_windows.hpp"

namespace lmul {
namespace detail {
inline namespace LMUL_ISA {

/// The exponent windows of the VBMI exact dot (derivation above).
template <class F>
struct exact_word_plan {
  static constexpr int M = F::mantissa_bits;
  static constexpr int max_shift = exact_window_plan<F>::max_shift;
  static constexpr int largest_index = exact_window_plan<F>::largest_index();
  static constexpr int low_bits = byte_tables_v<F>.wide_bias % (1 << M);
  static constexpr int max_q = 2 * largest_index + low_bits;

  static constexpr int min_steps_log2 = 4;
  static constexpr int m_max = std::min({14, 15 - M, (31 - 1 - min_steps_log2 - M) / 2});
  static constexpr int windows = (max_shift + 1 + 2 * m_max - 1) / (2 * m_max);
  static constexpr int m = (max_shift + 1 + 2 * windows - 1) / (2 * windows);
  static constexpr int steps_log2 = std::min(10, 31 - 1 - M - 2 * m);
  static constexpr std::size_t flush_blocks = std::size_t{1} << (steps_log2 - 1);  // 2 steps each
  static constexpr std::size_t chunk_elements = std::size_t{1} << 20;

  static_assert(M + m <= 15 && m <= 14, "A and B must be signed 16-bit words");
  static_assert(2 * windows * m > max_shift, "the windows must cover every shift");
  static_assert(steps_log2 >= min_steps_log2 &&
                    (std::int64_t{2} << (M + 2 * m + steps_log2)) <= (std::int64_t{1} << 31),
                "an int32 lane must hold every partial sum");
  static_assert(largest_index + low_bits < byte_tables<F>::special_index,
                "u + low_bits must stay below the NaN / inf marker");

  /// t = floor(q / (m 2^M)) = mulhi(q, div_mult), rem = mulhi(mullo(q, div_mult), m).
  static constexpr int div_mult = (65536 + (m << M) - 1) / (m << M);
  static constexpr bool division_is_exact() {
    for (int q = 0; q <= max_q; ++q) {
      const int t = (q * div_mult) >> 16, rem = (((q * div_mult) & 0xFFFF) * m) >> 16;
      if (t != q / (m << M) || rem != (q % (m << M)) >> M) return false;
    }
    return true;
  }
  static_assert(division_is_exact());
  static_assert(max_q / (m << M) < 32, "t indexes a 32-word table");

  /// B_j by t: 1 at t = 2j, 2^m at t = 2j + 1, else 0.
  using b_table = std::array<std::int16_t, 32>;
  static constexpr std::array<b_table, std::size_t(windows)> b_tables() {
    std::array<b_table, std::size_t(windows)> b{};
    for (std::size_t j = 0; j < std::size_t(windows); ++j) {
      b[j][2 * j] = 1;
      if (2 * j + 1 < 32) b[j][2 * j + 1] = std::int16_t(1 << m);
    }
    return b;
  }
  static constexpr auto b_tables_v = b_tables();

  /// u(c) + low_bits for the first operand; the NaN / inf marker unchanged.
  static constexpr std::array<std::uint8_t, 128> first_index() {
    std::array<std::uint8_t, 128> t{};
    for (int c = 0; c < 128; ++c) {
      const int u = byte_tables_v<F>.index[std::size_t(c)];
      t[std::size_t(c)] =
          std::uint8_t(u == byte_tables<F>::special_index ? u : u + low_bits);
    }
    return t;
  }
  static constexpr auto first_index_v = first_index();
};

/// The constant registers of the VBMI exact dot.
template <class F>
struct exact_words_vbmi {
  using plan = exact_word_plan<F>;
  __m512i first_lo, first_hi, second_lo, second_hi;  // the u tables (vpermi2b halves)
  __m512i b[plan::windows];                          // the B_j tables (vpermw)
  __m512i ones, minus_ones, div_mult, m, sig_low, sig_one, marker, magnitude;

  LMUL_VBMI_TARGET void load() {
    constexpr auto& t = byte_tables_v<F>;
    first_lo = _mm512_loadu_si512(plan::first_index_v.data());
    first_hi = _mm512_loadu_si512(plan::first_index_v.data() + 64);
    second_lo = _mm512_loadu_si512(t.index.data());
    second_hi = _mm512_loadu_si512(t.index.data() + 64);
    for (int j = 0; j < plan::windows; ++j) b[j] = _mm512_loadu_si512(plan::b_tables_v[std::size_t(j)].data());
    ones = _mm512_set1_epi8(1);
    minus_ones = _mm512_set1_epi8(-1);
    div_mult = _mm512_set1_epi16(short(plan::div_mult));
    m = _mm512_set1_epi16(short(plan::m));
    sig_low = _mm512_set1_epi16(short((1 << plan::M) - 1));
    sig_one = _mm512_set1_epi16(short(1 << plan::M));
    marker = _mm512_set1_epi8(char(byte_tables<F>::special_index));
    magnitude = _mm512_set1_epi8(0x7F);
    // Opaque to the compiler, so that the constants stay in registers (GCC otherwise
    // rematerialises some inside the loop as broadcasts: shuffle-port uops).
    asm("" : "+v"(ones), "+v"(minus_ones), "+v"(div_mult), "+v"(m), "+v"(sig_low), "+v"(sig_one),
        "+v"(marker), "+v"(magnitude));
  }
};

/// 64 elements into the window lanes. Checked: false (and nothing added) when a NaN or inf operand
/// is among them. Unchecked: adds whatever the codes give and records max(u) in `largest`.
template <class F, bool Checked>
[[gnu::always_inline]] LMUL_VBMI_TARGET inline bool exact_block_vbmi(
    const std::uint8_t* pa, const std::uint8_t* pb, const exact_words_vbmi<F>& c,
    __m512i (&lanes)[exact_word_plan<F>::windows], __m512i& largest) {
  using plan = exact_word_plan<F>;
  const __m512i a = _mm512_loadu_si512(pa), b = _mm512_loadu_si512(pb);
  const __m512i ua = _mm512_permutex2var_epi8(c.first_lo, a, c.first_hi);
  const __m512i ub = _mm512_permutex2var_epi8(c.second_lo, b, c.second_hi);
  if constexpr (Checked) {
    if (_mm512_cmpeq_epi8_mask(_mm512_max_epu8(ua, ub), c.marker) != 0) return false;
  } else {
    largest = _mm512_max_epu8(largest, _mm512_max_epu8(ua, ub));
  }
  const __mmask64 nonzero =
      _mm512_mask_test_epi8_mask(_mm512_test_epi8_mask(a, c.magnitude), b, c.magnitude);
  const __mmask64 negative =
      _mm512_mask_cmplt_epi8_mask(nonzero, _mm512_xor_si512(a, b), _mm512_setzero_si512());
  // w = +1, -1 or 0 per element, and its sign-extension byte.
  const __m512i w = _mm512_maskz_mov_epi8(nonzero, _mm512_mask_mov_epi8(c.ones, negative, c.minus_ones));
  const __m512i w_high = _mm512_maskz_mov_epi8(negative, c.minus_ones);
  // unpacklo/hi_epi8 take bytes 0-7 / 8-15 of each 128-bit lane: the pairs and their signs alike.
  const __m512i pairs[2] = {_mm512_unpacklo_epi8(ua, ub), _mm512_unpackhi_epi8(ua, ub)};
  const __m512i signs[2] = {_mm512_unpacklo_epi8(w, w_high), _mm512_unpackhi_epi8(w, w_high)};
#pragma GCC unroll 2
  for (int half = 0; half < 2; ++half) {
    const __m512i q = _mm512_maddubs_epi16(pairs[half], c.ones);  // u(x) + u(y) + low_bits
    const __m512i t = _mm512_mulhi_epu16(q, c.div_mult);
    const __m512i rem = _mm512_mulhi_epu16(_mm512_mullo_epi16(q, c.div_mult), c.m);
    // sig = (q & (2^M - 1)) | 2^M: ternary-logic truth table A & B | C = 0xEA.
    const __m512i sig = _mm512_ternarylogic_epi32(q, c.sig_low, c.sig_one, 0xEA);
    const __m512i A = _mm512_sllv_epi16(_mm512_mullo_epi16(sig, signs[half]), rem);
#pragma GCC unroll 8
    for (int j = 0; j < plan::windows; ++j) {
      lanes[j] = _mm512_dpwssd_epi32(lanes[j], A, _mm512_permutexvar_epi16(t, c.b[j]));
    }
  }
  return true;
}

/// Blocks of 64 from `begin` up to `end` while none holds a NaN or inf operand; returns where it
/// stopped. The int32 lanes flush into `wide` (int64 lanes per window) every plan::flush_blocks.
/// A function without calls, so that the lanes and tables stay in registers.
template <class F>
[[gnu::noinline]] LMUL_VBMI_TARGET std::size_t exact_blocks_vbmi(
    const std::uint8_t* a, const std::uint8_t* b, std::size_t begin, std::size_t end,
    __m512i (&wide)[exact_word_plan<F>::windows]) {
  using plan = exact_word_plan<F>;
  exact_words_vbmi<F> c;
  c.load();
  __m512i lanes[plan::windows];
  std::size_t i = begin;
  bool special = false;
  while (i < end && !special) {
    for (auto& l : lanes) l = _mm512_setzero_si512();
    const std::size_t group_begin = i;
    const std::size_t group_end = i + std::min(end - i, 64 * plan::flush_blocks);
    __m512i largest = _mm512_setzero_si512();
    for (; i < group_end; i += 64) exact_block_vbmi<F, false>(a + i, b + i, c, lanes, largest);
    if (_mm512_cmpeq_epi8_mask(largest, c.marker) != 0) {  // a NaN or inf: redo, block by block
      for (auto& l : lanes) l = _mm512_setzero_si512();
      for (i = group_begin; i < group_end; i += 64) {
        if (!exact_block_vbmi<F, true>(a + i, b + i, c, lanes, largest)) {
          special = true;
          break;
        }
      }
    }
    for (int j = 0; j < plan::windows; ++j) {
      wide[j] = _mm512_add_epi64(
          wide[j], _mm512_add_epi64(_mm512_cvtepi32_epi64(_mm512_castsi512_si256(lanes[j])),
                                    _mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64(lanes[j], 1))));
    }
  }
  return i;
}

/// The exact dot of n 8-bit codes: the same bits as dot_exact_codes (the counting path).
template <class F>
LMUL_VBMI_TARGET float dot_exact_codes_vbmi(const std::uint8_t* a, const std::uint8_t* b,
                                            std::size_t n) {
  using plan = exact_word_plan<F>;
  exact_sum<F> sum;
  // blocks with NaN / inf operands: built on demand (4 KB of counters that most calls never use)
  std::optional<class_histogram<F>> rare;
  __m512i wide[plan::windows];
  const auto blocks = [&](const std::uint8_t* pa, const std::uint8_t* pb, std::size_t count) {
    std::size_t i = 0;
    while (i < count) {
      const std::size_t chunk_end = i + std::min(count - i, plan::chunk_elements);
      for (auto& w : wide) w = _mm512_setzero_si512();
      while (i < chunk_end) {
        i = exact_blocks_vbmi<F>(pa, pb, i, chunk_end, wide);
        if (i < chunk_end) {  // a NaN or inf operand: the counting path for these 64
          if (!rare) rare.emplace();
          for (std::size_t j = i; j < i + 64; ++j) rare->add(pa[j], pb[j]);
          i += 64;
        }
      }
      for (int j = 0; j < plan::windows; ++j) {
        alignas(64) std::int64_t lanes[8];
        _mm512_store_si512(lanes, wide[j]);
        add_lanes_shifted<F>(sum, lanes, 8, 2 * j * plan::m);
      }
    }
  };
  exact_blocks_and_tail<64>(a, b, n, blocks);
  return finish_exact_sum(sum, rare);
}

}  // inline namespace LMUL_ISA
}  // namespace detail
}  // namespace lmul
