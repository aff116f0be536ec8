// lmul/kernels/exact_dot_vbmi.hpp -- lmul_dot_exact with AVX-512 BW + VBMI + VNNI intrinsics: the
// wide products as exact integers in int32 lanes, one set of lanes per exponent window, filled by
// vpdpbusd from bytes; the lanes go to int64 and then to the exact sum (exact_dot.hpp), rounded once.
//
// INTEGER FORM OF A PRODUCT. A finite nonzero pair of class s = u(x) + u(y) has the wide product
// +-V, V = sig * 2^shift units of 2^exact_lsb_exponent (exact_dot_windows.hpp: sig = 2^M + r,
// r < 2^M, 0 <= shift <= max_shift). With low_bits = wide_bias mod 2^M, q = s + low_bits is
// shift * 2^M + r. Split shift = m * t + rem (0 <= rem < m) and let
//   A = sig * 2^rem                                  an unsigned byte: (2^(M+1) - 1) 2^(m-1) <= 255,
//   B_j = +-2^(m * (t - 2j)) for t in {2j, 2j + 1}, else 0      a signed byte: 2^m <= 64,
// the sign that of x * y. Then A * B_j = +-V / 2^(2jm) for the window j that holds the product and
// 0 for every other window: window j's lanes count units of 2^(exact_lsb_exponent + 2jm).
//
// NO OVERFLOW. |A * B_j| <= 255 * 64. vpdpbusd adds four such products per int32 lane per block of
// 64 elements; after a group of at most 512 blocks (below) a lane is below 2^25, then the lanes are
// widened to int64 and cleared ("flush"). An int64 lane takes two int32 lanes, i.e. 8 products per
// block: over a chunk of 2^20 elements (2^14 blocks) below 2^31, and the sum of a window's 8 lanes
// below 2^34. That sum goes to the exact sum once per window and chunk.
//
// THE PLAN per format: the largest m within the byte limits above for which r(x) + r(y) (below) is
// a 7-bit index; windows = ceil((max_shift + 1) / 2m): e4m3fn m = 5, 4 windows; e5m2 6, 6;
// lmul<1,6> 6, 11; lmul<2,5> 6, 6; lmul<3,4> 5, 4; lmul<4,3> 4, 3; lmul<5,2> 2, 4.
//
// PER 64 ELEMENTS. With period = m 2^M, each operand's q part splits as q(x) = u(x) + low_bits =
// period t(x) + r(x) and q(y) = u(y) = period t(y) + r(y): four vpermi2b lookups by code. r(x) is
// stored plus 128 - period, so the byte sum r(x) + r(y) has bit 7 set exactly when the r parts
// carry into t: t = t(x) + t(y) + carry, and the 7 (period <= 32: 6) low bits of the sum give A by
// one more lookup (the carry and no-carry sums use disjoint entries). B_j is a vpermb of a 64-byte
// table by t + 32 * negative. Zero operands: A masked to 0, or, for lmul<1,6> (period 12), a zero
// code's r puts every pair with it on an A entry that is 0. Then per window one vpermb and one
// vpdpbusd. (The earlier 16-bit form, vpdpwssd with A, B_j words, had windows twice as wide but
// computed t and rem with four 16-bit multiplies per 32 elements and took twice the instructions
// per window: about 1.4x slower on e4m3fn, 1.3x on lmul<1,6>.)
//
// HARDWARE MULTIPLIER AS ADDER: vpdpbusd multiplies A by B_j, a power of two or 0 with a sign,
// i.e. it shifts and adds. No product of two data values is computed by a hardware multiplier.
//
// DATA-DRIVEN WINDOWS. A window's vpermb + vpdpbusd pair is most of the cost for wide formats,
// and real data seldom spans the format's whole range. Each group of blocks between flushes
// therefore runs with a span of windows and records bounds on t: the largest over every pair and
// the smallest over the pairs of nonzero operands (zero pairs add nothing, whatever their window).
// Every nonzero product of the group is in a window between those of the bounds (window t / 2). A
// group that needs a window outside the span is thrown away and redone with the span that holds
// both (so a product outside the span, which its B_j tables turn into 0, never reaches the sum); a
// call starts with every window and narrows once, to what its first group needs. Extra cost per 64
// elements: one masked vpminub (none when every window is in use for good).
//
// NaN and inf operands: their t tables hold special_t = 100 (above every finite t) on either side,
// so the running maximum of t tells whether a group had one. Then the result is NaN or +-inf
// whatever the finite terms add up to (8-bit wide products cannot sum to an fp32 overflow): the
// call drops its sums and, from that group on, only looks for blocks with NaN / inf operands, which
// go through the counting path (class_histogram) whose flags decide NaN / inf.
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
struct exact_byte_plan {
  static constexpr int M = F::mantissa_bits;
  static constexpr int max_shift = exact_window_plan<F>::max_shift;
  static constexpr int low_bits = byte_tables_v<F>.wide_bias % (1 << M);
  static constexpr int max_q = exact_window_plan<F>::max_class + low_bits;
  static constexpr int sig_max = (2 << M) - 1;

  /// The largest m with B_j = +-2^m a signed byte, A <= sig_max * 2^(m - 1) an unsigned byte and
  /// r(x) + r(y) <= 2 (m 2^M - 1) a 7-bit index.
  static constexpr int m = [] {
    int k = 6;
    while ((sig_max << (k - 1)) > 255 || 2 * ((k << M) - 1) > 127) --k;
    return k;
  }();
  static constexpr int period = m << M;  // q = period * t + r
  static constexpr int windows = (max_shift + 1 + 2 * m - 1) / (2 * m);
  static constexpr int max_t = max_q / period;
  /// t of a pair with a NaN or inf operand is at least this (t tables hold it for those codes).
  static constexpr int special_t = 100;
  /// Blocks per group (flush) while the windows may still change (DATA-DRIVEN WINDOWS), and once
  /// every window is in use for good: a group then only ends to flush (fewer flushes: about 3% of
  /// a uniform lmul<1,6> dot at 65536). vpdpbusd adds four products |A * B_j| <= 255 * 64 per
  /// int32 lane and block (the bound below).
  static constexpr std::size_t flush_blocks = 64, settled_flush_blocks = 512;
  static constexpr std::size_t chunk_elements = std::size_t{1} << 20;

  static_assert(m >= 1 && (sig_max << (m - 1)) <= 255 && (1 << m) <= 64 && 2 * (period - 1) <= 127);
  static_assert(2 * windows * m > max_shift && (max_t / 2) < windows,
                "the windows must cover every shift");
  static_assert(max_t + 1 < 32, "t and the sign share the 6-bit vpermb index");
  static_assert(2 * special_t + 1 <= 255 && special_t > max_t + 1, "t of a special pair: a byte");
  static_assert(flush_blocks <= settled_flush_blocks &&
                    settled_flush_blocks * 4 * 255 * 64 < (std::size_t{1} << 31) &&
                    chunk_elements / 64 * 8 * 255 * 64 < (std::uint64_t{1} << 31),
                "int32 lanes must hold every partial sum of a group, int64 lanes of a chunk");

  /// Whether a call may use fewer windows than all (DATA-DRIVEN WINDOWS above).
  static constexpr bool tracks_windows = windows > 1;
  /// The windows of every nonzero product with t in [t_low, t_high]: window t / 2.
  static constexpr window_span windows_of(int t_low, int t_high) {
    return {t_low / 2, t_high / 2 - t_low / 2 + 1};
  }

  /// Per operand: t and r of q(x) = u(x) + low_bits and q(y) = u(y) (period * t + r), the NaN /
  /// inf codes with t = special_t. r(x) is stored plus 128 - period, so that the byte sum
  /// r(x) + r(y) + 128 - period has bit 7 set exactly when r(x) + r(y) >= period (the carry into t).
  static constexpr int carry_bias = 128 - period;
  using code_table = std::array<std::uint8_t, 128>;
  /// value(u(c), special) for every magnitude code c.
  template <class Value>
  static constexpr code_table by_code(Value value) {
    code_table out{};
    for (std::size_t c = 0; c < 128; ++c) {
      const int u = byte_tables_v<F>.index[c];
      out[c] = std::uint8_t(value(u, u == byte_tables<F>::special_index));
    }
    return out;
  }
  static constexpr code_table t_part(int offset) {
    return by_code([offset](int u, bool special) { return special ? special_t : (u + offset) / period; });
  }
  static constexpr code_table t_of_x = t_part(low_bits);
  static constexpr code_table t_of_y = t_part(0);

  /// A by the 7 low bits of the biased sum s = r(x) + r(y) + carry_bias: r(x) + r(y) = period * c
  /// + r' with c = bit 7 of s, and A = sig * 2^rem with r' = 2^M rem + (r' mod 2^M), sig =
  /// 2^M + (r' mod 2^M). (No carry: s = r' + carry_bias; carry: s - 128 = r'; disjoint.)
  /// With period <= 32 the two ranges stay disjoint modulo 64 too: one vpermb (6-bit index)
  /// instead of a vpermi2b, which takes twice as long on the Xeon this was measured on.
  static constexpr bool a_by_vpermb = period <= 32;
  static constexpr int a_entries = a_by_vpermb ? 64 : 128;
  static constexpr code_table a_table() {
    code_table out{};
    for (int r = 0; r <= 2 * (period - 1); ++r) {
      const int low = r % period;
      out[std::size_t((r + carry_bias) % a_entries)] =
          std::uint8_t(((1 << M) | (low & ((1 << M) - 1))) << (low >> M));
    }
    return out;
  }
  static constexpr code_table a_table_v = a_table();
  static_assert(period - 2 < a_entries - period, "the carry and no-carry indices must not meet");

  /// Zero operands by table (period <= 16): the A table has no entry at indices
  /// [period - 1, a_entries - period - 1]; r(0) = period - 1 for x and 2 period - 1 for y put every
  /// pair with a zero operand there (x zero: period - 1 + r(y); y zero: r(x) + carry_bias +
  /// 2 period - 1 = r(x) + period - 1 mod 64; both: 3 period - 2), so A = 0 without a zero mask.
  static constexpr bool zero_by_table = a_by_vpermb && period <= 16;
  static constexpr int zero_r_x = period - 1, zero_r_y = 2 * period - 1;
  static constexpr code_table r_part(int offset, int bias, int zero) {
    code_table out = by_code(
        [offset, bias](int u, bool special) { return special ? bias : (u + offset) % period + bias; });
    if (zero_by_table) out[0] = std::uint8_t(zero);
    return out;
  }
  static constexpr code_table r_of_x = r_part(low_bits, carry_bias, zero_r_x);
  static constexpr code_table r_of_y = r_part(0, 0, zero_r_y);
  static constexpr bool zero_pairs_give_zero() {
    for (int other = 0; other < 128; ++other) {  // every r byte the other operand may have
      if (a_table_v[std::size_t((r_of_x[0] + r_of_y[std::size_t(other)]) % a_entries)] != 0 ||
          a_table_v[std::size_t((r_of_x[std::size_t(other)] + r_of_y[0]) % a_entries)] != 0) {
        return false;
      }
    }
    return true;
  }
  static_assert(!zero_by_table || zero_pairs_give_zero());

  /// B_j by t + 32 * negative: +-1 at t = 2j, +-2^m at t = 2j + 1, else 0.
  using b_table = std::array<std::int8_t, 64>;
  static constexpr std::array<b_table, std::size_t(windows)> b_tables() {
    std::array<b_table, std::size_t(windows)> b{};
    for (std::size_t j = 0; j < std::size_t(windows); ++j) {
      for (std::size_t t = 2 * j; t < 2 * j + 2 && t < 32; ++t) {
        const int v = t == 2 * j ? 1 : 1 << m;
        b[j][t] = std::int8_t(v);
        b[j][32 + t] = std::int8_t(-v);
      }
    }
    return b;
  }
  static constexpr auto b_tables_v = b_tables();
};

/// The constant registers of the VBMI exact dot (the B_j tables are loaded per window span).
template <class F>
struct exact_bytes_vbmi {
  using plan = exact_byte_plan<F>;
  __m512i tx[2], rx[2], ty[2], ry[2], a_table[2];  // 128-byte tables (vpermi2b halves)
  __m512i one, thirty_two, magnitude;

  LMUL_VBMI_TARGET void load() {
    const auto halves = [](__m512i (&out)[2], const std::uint8_t* table) {
      out[0] = _mm512_loadu_si512(table);
      out[1] = _mm512_loadu_si512(table + 64);
    };
    halves(tx, plan::t_of_x.data());
    halves(rx, plan::r_of_x.data());
    halves(ty, plan::t_of_y.data());
    halves(ry, plan::r_of_y.data());
    halves(a_table, plan::a_table_v.data());
    one = _mm512_set1_epi8(1);
    thirty_two = _mm512_set1_epi8(32);
    magnitude = _mm512_set1_epi8(0x7F);
    // Opaque to the compiler, so that the constants stay in registers (GCC otherwise
    // rematerialises some inside the loop as broadcasts: shuffle-port uops).
    asm("" : "+v"(one), "+v"(thirty_two), "+v"(magnitude));
  }
};

/// Running bounds on t over a group of blocks: the largest over every pair (special_t or more
/// when a NaN or inf occurred), the smallest over the pairs of nonzero operands.
struct t_bounds {
  __m512i low, high;

  LMUL_VBMI_TARGET void reset() {
    low = _mm512_set1_epi8(-1);
    high = _mm512_setzero_si512();
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
LMUL_VBMI_TARGET inline group_summary summarize(const t_bounds& b) {
  using plan = exact_byte_plan<F>;
  group_summary s;
  const int high = reduce_epu8<true>(b.high);
  s.special = high >= plan::special_t;
  if (s.special || !plan::tracks_windows) return s;
  const int low = reduce_epu8<false>(b.low);
  // The reset value 255 stays only where no pair was nonzero.
  if (low != 255) s.need = plan::windows_of(low, high);
  return s;
}

/// 64 elements into the lanes of the Active windows whose B_j tables are `b_tables`: adds whatever
/// the codes give (products outside the Active windows add 0: the group's bounds then reject it;
/// NaN / inf operands add garbage: their group is dropped) and updates `bounds` (without Track only
/// the largest t: enough to find a NaN or inf).
template <class F, int Active, bool Track>
[[gnu::always_inline]] LMUL_VBMI_TARGET inline void exact_block_vbmi(
    const std::uint8_t* pa, const std::uint8_t* pb, const exact_bytes_vbmi<F>& c,
    const __m512i (&b_tables)[std::size_t(Active)], __m512i (&lanes)[std::size_t(Active)],
    t_bounds& bounds) {
  using plan = exact_byte_plan<F>;
  const __m512i a = _mm512_loadu_si512(pa), b = _mm512_loadu_si512(pb);
  const __m512i r = _mm512_add_epi8(_mm512_permutex2var_epi8(c.rx[0], a, c.rx[1]),
                                    _mm512_permutex2var_epi8(c.ry[0], b, c.ry[1]));
  __m512i t = _mm512_add_epi8(_mm512_permutex2var_epi8(c.tx[0], a, c.tx[1]),
                              _mm512_permutex2var_epi8(c.ty[0], b, c.ty[1]));
  t = _mm512_mask_add_epi8(t, _mm512_movepi8_mask(r), t, c.one);  // the carry of r (bit 7)
  constexpr bool needs_nonzero = !plan::zero_by_table || (Track && plan::tracks_windows);
  __mmask64 nonzero = ~__mmask64{0};
  if constexpr (needs_nonzero) {
    nonzero = _mm512_mask_test_epi8_mask(_mm512_test_epi8_mask(a, c.magnitude), b, c.magnitude);
  }
  bounds.high = _mm512_max_epu8(bounds.high, t);
  if constexpr (Track && plan::tracks_windows) {
    bounds.low = _mm512_mask_min_epu8(bounds.low, nonzero, bounds.low, t);
  }
  __m512i A;
  if constexpr (plan::zero_by_table) {
    A = _mm512_permutexvar_epi8(r, c.a_table[0]);
  } else if constexpr (plan::a_by_vpermb) {
    A = _mm512_maskz_permutexvar_epi8(nonzero, r, c.a_table[0]);
  } else {
    A = _mm512_maskz_permutex2var_epi8(nonzero, c.a_table[0], r, c.a_table[1]);
  }
  const __mmask64 negative = _mm512_movepi8_mask(_mm512_xor_si512(a, b));
  const __m512i index = _mm512_mask_add_epi8(t, negative, t, c.thirty_two);
#pragma GCC unroll 16
  for (int j = 0; j < Active; ++j) {
    lanes[j] = _mm512_dpbusd_epi32(lanes[j], A, _mm512_permutexvar_epi8(index, b_tables[j]));
  }
}

/// Groups of plan::flush_blocks blocks of 64 (plan::settled_flush_blocks once every window is in
/// use for good) from `begin` up to `end`, each summed in the int32 lanes of the Active windows from
/// `lo` on, then widened into `wide` (int64 lanes per window).
/// `Active` = choice.active.count windows from lo = choice.active.lo on. A group whose bounds need
/// a window outside them is dropped and returned with the span that holds both (`rewindow`, to redo
/// it). While choice.narrowing (`Active` is then every window) the first group with a nonzero pair
/// is kept and returned with the windows it needs (`rewindow`, to go on with them). A group with a
/// NaN or inf operand is dropped and returned (`special`). A function without calls, so that the
/// lanes and tables stay in registers.
template <class F, int Active>
[[gnu::noinline]] LMUL_VBMI_TARGET exact_progress exact_blocks_vbmi(
    const std::uint8_t* a, const std::uint8_t* b, std::size_t begin, std::size_t end,
    window_choice choice, __m512i (&wide)[exact_byte_plan<F>::windows]) {
  using plan = exact_byte_plan<F>;
  const window_span active = choice.active;
  const int lo = active.lo;
  const bool track = choice.tracks(plan::windows);  // else only the largest t (NaN / inf)
  exact_bytes_vbmi<F> c;
  c.load();
  __m512i b_tables[std::size_t(Active)];
  for (int j = 0; j < Active; ++j) {
    b_tables[j] = _mm512_loadu_si512(plan::b_tables_v[std::size_t(lo + j)].data());
  }
  __m512i lanes[std::size_t(Active)];
  t_bounds bounds;
  std::size_t i = begin;
  while (i < end) {
    for (auto& l : lanes) l = _mm512_setzero_si512();
    bounds.reset();
    const std::size_t group_begin = i;
    const std::size_t group_end =
        i + std::min(end - i, 64 * (track ? plan::flush_blocks : plan::settled_flush_blocks));
    if (track) {
      for (; i < group_end; i += 64) {
        exact_block_vbmi<F, Active, true>(a + i, b + i, c, b_tables, lanes, bounds);
      }
    } else {
      for (; i < group_end; i += 64) {
        exact_block_vbmi<F, Active, false>(a + i, b + i, c, b_tables, lanes, bounds);
      }
    }
    const group_summary seen = summarize<F>(bounds);
    if (seen.special) return {group_begin, exact_stop::special, {}};
    if (!active.holds(seen.need)) {
      return {group_begin, exact_stop::rewindow, active.joined(seen.need)};
    }
    for (int j = 0; j < Active; ++j) {
      wide[lo + j] = _mm512_add_epi64(
          wide[lo + j], _mm512_add_epi64(_mm512_cvtepi32_epi64(_mm512_castsi512_si256(lanes[j])),
                                         _mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64(lanes[j], 1))));
    }
    if (choice.narrowing && !seen.need.empty()) return {i, exact_stop::rewindow, seen.need};
  }
  return {i, exact_stop::end, {}};
}

/// After a NaN or inf operand the result is NaN or +-inf whatever the finite terms add up to
/// (finish_exact_sum), so the rest of a call only looks for more NaN / inf operands: blocks of 64
/// from `begin` to `end` with one go to the counting path, the others are skipped (a fraction of
/// the cost of summing them; before, each such block redid its group block by block).
template <class F>
LMUL_VBMI_TARGET void count_special_blocks_vbmi(const std::uint8_t* a, const std::uint8_t* b,
                                                std::size_t begin, std::size_t end,
                                                class_histogram<F>& rare) {
  for (std::size_t i = begin; i < end; i += 64) {
    if (rare.result_is_nan()) return;  // whatever comes
    const __m512i va = _mm512_loadu_si512(a + i), vb = _mm512_loadu_si512(b + i);
    if (special_lanes_vbmi<F>(va, vb) == 0) continue;
    for (std::size_t j = i; j < i + 64; ++j) rare.add(a[j], b[j]);
  }
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
  using plan = exact_byte_plan<F>;
  static constexpr auto run = exact_blocks_by_count<F>(std::make_index_sequence<plan::windows>());
  exact_sum<F> sum;
  // blocks with NaN / inf operands: built on demand (4 KB of counters that most calls never use)
  std::optional<class_histogram<F>> rare;
  __m512i wide[plan::windows];
  window_choice choice(plan::windows);
  const auto blocks = [&](const std::uint8_t* pa, const std::uint8_t* pb, std::size_t count) {
    if (rare) {  // the tail, after a NaN or inf among the whole blocks
      count_special_blocks_vbmi<F>(pa, pb, 0, count, *rare);
      return;
    }
    std::size_t i = 0;
    while (i < count) {
      const std::size_t chunk_end = i + std::min(count - i, plan::chunk_elements);
      for (auto& w : wide) w = _mm512_setzero_si512();
      while (i < chunk_end) {
        const exact_progress p =
            run[std::size_t(choice.active.count - 1)](pa, pb, i, chunk_end, choice, wide);
        i = p.next;
        if (p.stop == exact_stop::special) {  // the group from i on has a NaN or inf operand
          rare.emplace();
          count_special_blocks_vbmi<F>(pa, pb, i, count, *rare);
          return;
        }
        if (p.stop == exact_stop::rewindow) {
          choice.follow(p.need);
        }
      }
      // One value per window (NO OVERFLOW): 8x fewer multiword additions, which took about 7% of
      // a 65536-element lmul<1,6> call.
      for (int j = 0; j < plan::windows; ++j) {
        add_window<F>(sum, _mm512_reduce_add_epi64(wide[j]), 2 * j * plan::m);
      }
    }
  };
  exact_blocks_and_tail<64>(a, b, n, blocks);
  return finish_exact_sum(sum, rare);
}

}  // inline namespace LMUL_ISA
}  // namespace detail
}  // namespace lmul
