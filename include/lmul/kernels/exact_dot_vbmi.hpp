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
// DATA-DRIVEN WINDOWS. A window's vpermw + vpdpwssd pair is most of the cost, and real data seldom
// spans the format's whole range (N(0, 1)-like e5m2 operands need 2 of the 3 windows, lmul<1,6>
// ones 2 or 3 of 6). Each group of blocks between flushes therefore runs with a span of windows and
// records bounds on its u bytes: the largest u of each operand and the smallest over the pairs of
// nonzero operands (zero pairs add nothing, whatever their window). Every nonzero product of the
// group has q within the sums of those bounds, hence a window the bounds name. A group that needs a
// window outside the span is thrown away and redone with the span that holds both (so a product
// outside the span, which its B_j tables turn into 0, never reaches the sum); a call starts with
// every window and narrows once, to what its first group needs. Extra cost per 64 elements: two
// masked vpminub (none when every window is in use for good).
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
#include <utility>

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

  /// Whether a call may use fewer windows than all (DATA-DRIVEN WINDOWS above).
  static constexpr bool tracks_windows = windows > 1;
  /// The windows of every product with q in [q_low, q_high]: t = q / (m 2^M) is in window t / 2.
  static constexpr window_span windows_of(int q_low, int q_high) {
    const int first = q_low / (m << M) / 2, last = q_high / (m << M) / 2;
    return {first, last - first + 1};
  }
  static_assert(windows_of(0, max_q).lo == 0 && windows_of(0, max_q).count <= windows,
                "every q has a window");

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

/// The constant registers of the VBMI exact dot (the B_j tables are loaded per window span).
template <class F>
struct exact_words_vbmi {
  using plan = exact_word_plan<F>;
  __m512i first_lo, first_hi, second_lo, second_hi;  // the u tables (vpermi2b halves)
  __m512i ones, minus_ones, div_mult, m, sig_low, sig_one, marker, magnitude;

  LMUL_VBMI_TARGET void load() {
    constexpr auto& t = byte_tables_v<F>;
    first_lo = _mm512_loadu_si512(plan::first_index_v.data());
    first_hi = _mm512_loadu_si512(plan::first_index_v.data() + 64);
    second_lo = _mm512_loadu_si512(t.index.data());
    second_hi = _mm512_loadu_si512(t.index.data() + 64);
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

/// Running bounds on the u bytes of a group of blocks: the largest of each operand over every
/// element (the NaN / inf marker 255 included), the smallest over the pairs of nonzero operands.
/// u(x) + u(y) of every nonzero pair, i.e. its q, then lies in [low_a + low_b, high_a + high_b].
struct u_bounds {
  __m512i low_a, low_b, high_a, high_b;

  LMUL_VBMI_TARGET void reset() {
    low_a = low_b = _mm512_set1_epi8(-1);
    high_a = high_b = _mm512_setzero_si512();
  }
};

/// The largest byte of v (Largest) or the smallest.
template <bool Largest>
LMUL_VBMI_TARGET inline int reduce_epu8(__m512i v) {
  const auto pick = [](__m128i x, __m128i y) {
    return Largest ? _mm_max_epu8(x, y) : _mm_min_epu8(x, y);
  };
  const __m256i lo = _mm512_castsi512_si256(v), hi = _mm512_extracti64x4_epi64(v, 1);
  const __m256i h = Largest ? _mm256_max_epu8(lo, hi) : _mm256_min_epu8(lo, hi);
  __m128i x = pick(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
  x = pick(x, _mm_srli_si128(x, 8));
  x = pick(x, _mm_srli_si128(x, 4));
  x = pick(x, _mm_srli_si128(x, 2));
  x = pick(x, _mm_srli_si128(x, 1));
  return _mm_cvtsi128_si32(x) & 0xFF;
}

/// What a group's bounds say: a NaN / inf operand occurred, or the windows its nonzero products
/// need (empty when it has no nonzero pair).
struct group_summary {
  bool special = false;
  window_span need;
};

template <class F>
LMUL_VBMI_TARGET inline group_summary summarize(const u_bounds& b) {
  using plan = exact_word_plan<F>;
  group_summary s;
  const int high_a = reduce_epu8<true>(b.high_a), high_b = reduce_epu8<true>(b.high_b);
  s.special = high_a == byte_tables<F>::special_index || high_b == byte_tables<F>::special_index;
  if (s.special || !plan::tracks_windows) return s;
  const int low_a = reduce_epu8<false>(b.low_a), low_b = reduce_epu8<false>(b.low_b);
  // The reset value 255 stays only where no pair was nonzero (no u reaches it: plan).
  if (low_a != 255) s.need = plan::windows_of(low_a + low_b, high_a + high_b);
  return s;
}

/// 64 elements into the lanes of the Active windows whose B_j tables are `b_tables`. Checked: false
/// (and nothing added) when a NaN or inf operand is among them. Unchecked: adds whatever the codes
/// give (products outside the Active windows add 0: the group's bounds then reject it) and
/// updates `bounds` (without Track only the largest u bytes: enough to find a NaN or inf).
template <class F, int Active, bool Checked, bool Track = true>
[[gnu::always_inline]] LMUL_VBMI_TARGET inline bool exact_block_vbmi(
    const std::uint8_t* pa, const std::uint8_t* pb, const exact_words_vbmi<F>& c,
    const __m512i (&b_tables)[std::size_t(Active)], __m512i (&lanes)[std::size_t(Active)],
    u_bounds& bounds) {
  const __m512i a = _mm512_loadu_si512(pa), b = _mm512_loadu_si512(pb);
  const __m512i ua = _mm512_permutex2var_epi8(c.first_lo, a, c.first_hi);
  const __m512i ub = _mm512_permutex2var_epi8(c.second_lo, b, c.second_hi);
  if constexpr (Checked) {
    if (_mm512_cmpeq_epi8_mask(_mm512_max_epu8(ua, ub), c.marker) != 0) return false;
  }
  const __mmask64 nonzero =
      _mm512_mask_test_epi8_mask(_mm512_test_epi8_mask(a, c.magnitude), b, c.magnitude);
  if constexpr (!Checked) {
    bounds.high_a = _mm512_max_epu8(bounds.high_a, ua);
    bounds.high_b = _mm512_max_epu8(bounds.high_b, ub);
    if constexpr (Track && exact_word_plan<F>::tracks_windows) {
      bounds.low_a = _mm512_mask_min_epu8(bounds.low_a, nonzero, bounds.low_a, ua);
      bounds.low_b = _mm512_mask_min_epu8(bounds.low_b, nonzero, bounds.low_b, ub);
    }
  }
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
    for (int j = 0; j < Active; ++j) {
      lanes[j] = _mm512_dpwssd_epi32(lanes[j], A, _mm512_permutexvar_epi16(t, b_tables[j]));
    }
  }
  return true;
}

/// Groups of plan::flush_blocks blocks of 64 from `begin` up to `end`, each summed in the int32
/// lanes of the Active windows from `lo` on, then widened into `wide` (int64 lanes per window).
/// `Active` = choice.active.count windows from lo = choice.active.lo on. A group whose bounds need
/// a window outside them is dropped and returned with the span that holds both (`rewindow`, to redo
/// it). While choice.narrowing (`Active` is then every window) the first group with a nonzero pair
/// is kept and returned with the windows it needs (`rewindow`, to go on with them). A function
/// without calls, so that the lanes and tables stay in registers.
template <class F, int Active>
[[gnu::noinline]] LMUL_VBMI_TARGET exact_progress exact_blocks_vbmi(
    const std::uint8_t* a, const std::uint8_t* b, std::size_t begin, std::size_t end,
    window_choice choice, __m512i (&wide)[exact_word_plan<F>::windows]) {
  using plan = exact_word_plan<F>;
  const window_span active = choice.active;
  const int lo = active.lo;
  const bool track = choice.tracks(plan::windows);  // else only the largest u bytes (NaN / inf)
  exact_words_vbmi<F> c;
  c.load();
  __m512i b_tables[std::size_t(Active)];
  for (int j = 0; j < Active; ++j) {
    b_tables[j] = _mm512_loadu_si512(plan::b_tables_v[std::size_t(lo + j)].data());
  }
  __m512i lanes[std::size_t(Active)];
  u_bounds bounds;
  std::size_t i = begin;
  while (i < end) {
    for (auto& l : lanes) l = _mm512_setzero_si512();
    bounds.reset();
    const std::size_t group_begin = i;
    const std::size_t group_end = i + std::min(end - i, 64 * plan::flush_blocks);
    if (track) {
      for (; i < group_end; i += 64) {
        exact_block_vbmi<F, Active, false, true>(a + i, b + i, c, b_tables, lanes, bounds);
      }
    } else {
      for (; i < group_end; i += 64) {
        exact_block_vbmi<F, Active, false, false>(a + i, b + i, c, b_tables, lanes, bounds);
      }
    }
    const group_summary seen = summarize<F>(bounds);
    bool special = false;
    if (seen.special) {
      // Redo block by block up to the one with a NaN or inf. The span is not checked: the result
      // is then NaN or +-inf whatever the finite terms add up to (8-bit wide products cannot sum
      // to an fp32 overflow), so products outside the span may go uncounted.
      for (auto& l : lanes) l = _mm512_setzero_si512();
      for (i = group_begin; i < group_end; i += 64) {
        if (!exact_block_vbmi<F, Active, true>(a + i, b + i, c, b_tables, lanes, bounds)) {
          special = true;
          break;
        }
      }
    } else if (!active.holds(seen.need)) {
      return {group_begin, exact_stop::rewindow, active.joined(seen.need)};
    }
    for (int j = 0; j < Active; ++j) {
      wide[lo + j] = _mm512_add_epi64(
          wide[lo + j], _mm512_add_epi64(_mm512_cvtepi32_epi64(_mm512_castsi512_si256(lanes[j])),
                                         _mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64(lanes[j], 1))));
    }
    if (special) return {i, exact_stop::special, {}};
    if (choice.narrowing && !seen.need.empty()) return {i, exact_stop::rewindow, seen.need};
  }
  return {i, exact_stop::end, {}};
}

/// exact_blocks_vbmi for 1, 2, .. plan::windows windows, indexed by count - 1.
template <class F, std::size_t... Count>
constexpr auto exact_blocks_by_count(std::index_sequence<Count...>) {
  return std::array{&exact_blocks_vbmi<F, int(Count) + 1>...};
}

/// The exact dot of n 8-bit codes: the same bits as dot_exact_codes (the counting path).
/// Data-driven windows: the first group runs with every window; the calls go on with the windows
/// its products need and widen (redoing the group) when a group needs more. So normal-like data
/// pays for the 2 or 3 windows its exponents span, not for the 3 to 6 of the format's full range.
template <class F>
LMUL_VBMI_TARGET float dot_exact_codes_vbmi(const std::uint8_t* a, const std::uint8_t* b,
                                            std::size_t n) {
  using plan = exact_word_plan<F>;
  static constexpr auto run = exact_blocks_by_count<F>(std::make_index_sequence<plan::windows>());
  exact_sum<F> sum;
  // blocks with NaN / inf operands: built on demand (4 KB of counters that most calls never use)
  std::optional<class_histogram<F>> rare;
  __m512i wide[plan::windows];
  window_choice choice(plan::windows);
  const auto blocks = [&](const std::uint8_t* pa, const std::uint8_t* pb, std::size_t count) {
    std::size_t i = 0;
    while (i < count) {
      const std::size_t chunk_end = i + std::min(count - i, plan::chunk_elements);
      for (auto& w : wide) w = _mm512_setzero_si512();
      while (i < chunk_end) {
        const exact_progress p =
            run[std::size_t(choice.active.count - 1)](pa, pb, i, chunk_end, choice, wide);
        i = p.next;
        if (p.stop == exact_stop::special) {  // the counting path for these 64
          if (!rare) rare.emplace();
          for (std::size_t j = i; j < i + 64; ++j) rare->add(pa[j], pb[j]);
          i += 64;
        } else if (p.stop == exact_stop::rewindow) {
          choice.follow(p.need);
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
