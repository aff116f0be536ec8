// lmul/kernels/exact_dot_xsimd.hpp -- lmul_dot_exact for the xsimd archs (SSE4.2, AVX2, AVX-512 BW,
// NEON): the wide products summed per exponent window in fp32 lanes that provably never round
// (exact_dot_windows.hpp), then converted to integers and added exactly.
//
// The bf16 wide products are built as in the fast dot (dot.hpp, dot_bytes: u by table lookup,
// 16-bit adds and shifts, zero pairs masked to +0); a word goes to the window its magnitude falls
// in (unsigned compares with the window floors), is widened to fp32 by a shift and added. Each
// fp32 lane receives one product per register (the windows plan allows two), so the flush bound
// of exact_dot_windows.hpp holds. Registers with a NaN or inf operand go through the counting
// path (class_histogram).
//
// Only the windows the data needs, as in the VBMI kernel (exact_dot_vbmi.hpp, DATA-DRIVEN
// WINDOWS): each window costs about 14 instructions per register, tracking a flush group's
// smallest and largest product magnitude 6 (unsigned 16-bit min / max; a zero pair's word is 0,
// and 0 - 1 wraps to 0xFFFF, which never wins the min).
#pragma once

#include "../detail/isa_namespace.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <utility>

#include <xsimd/xsimd.hpp>

#include "../product.hpp"
#include "dot.hpp"
#include "exact_dot.hpp"
#include "exact_dot_windows.hpp"
#include "multiply.hpp"

namespace lmul {
namespace detail {
inline namespace LMUL_ISA {

/// The fp32 lanes of `Count` windows from `lo` on (every window: Count == plan::windows, lo == 0)
/// and, when tracked, bounds on the magnitude words that went into them.
template <class F, class A, int Count>
struct exact_span_xsimd {
  using plan = exact_window_plan<F>;
  using floats = xsimd::batch<float, A>;
  using bytes = xsimd::batch<std::uint8_t, A>;
  using words = xsimd::batch<std::uint16_t, A>;
  using swords = xsimd::batch<std::int16_t, A>;
  using dwords = xsimd::batch<std::uint32_t, A>;
  static constexpr bool every_window = Count == plan::windows;

  /// Per window two fp32 registers (even / odd words), each receiving two products per lane and
  /// step (the low and high halves of each 32-bit pair): the plan's bound.
  floats fp32[std::size_t(Count)][2];
  /// window_floor(lo + k + 1) - 1, the boundary above window lo + k (k + 1 < Count).
  std::uint16_t floor_below[std::size_t(Count)] = {};
  int lo;
  /// Per lane: the smallest (magnitude - 1) of the nonzero products (a zero pair's magnitude word
  /// is 0, which wraps to 0xFFFF and never wins), and the largest magnitude.
  words below, top;

  explicit exact_span_xsimd(int first) : lo(first) {
    for (auto& window : fp32) {
      for (auto& r : window) r = floats(0.f);
    }
    for (int k = 0; k + 1 < Count; ++k) {
      floor_below[std::size_t(k)] = std::uint16_t(plan::window_floor(lo + k + 1) - 1);
    }
    reset_bounds();
  }

  void reset_bounds() {
    below = words(std::uint16_t(0xFFFF));
    top = words(std::uint16_t(0));
  }

  /// 64 / 32 / 16 byte pairs (one register) into the windows. Products outside the span fall into
  /// its lowest or highest window (the group's bounds reject such a group before it counts).
  template <bool Track>
  [[gnu::always_inline]] void add(bytes a, bytes b) {
    constexpr auto& t = byte_tables_v<F>;
    static_assert(t.wide_by_index);
    constexpr int shift = 7 - F::mantissa_bits;  // from the index sum to a bf16 word
    const bytes magnitude_mask = detail::opaque(bytes(std::uint8_t(0x7F)));
    const bytes ma = a & magnitude_mask, mb = b & magnitude_mask;
    const words ua = xsimd::bitwise_cast<words>(byte_index<F, A>(ma));
    const words ub = xsimd::bitwise_cast<words>(byte_index<F, A>(mb));
    const bytes nonzero = detail::select_bits(
        (ma == bytes(std::uint8_t(0))) | (mb == bytes(std::uint8_t(0))), bytes(std::uint8_t(0)),
        bytes(std::uint8_t(0xFF)));
    const swords keep = xsimd::bitwise_cast<swords>(nonzero);
    const words keep_even = xsimd::bitwise_cast<words>((keep << 8) >> 8);  // arithmetic: 0 or 0xFFFF
    const words keep_odd = xsimd::bitwise_cast<words>(keep >> 8);
    const words signs = xsimd::bitwise_cast<words>(a ^ b);
    const words low_byte = detail::opaque(words(std::uint16_t(0x00FF)));
    const words sign_bit = detail::opaque(words(std::uint16_t(0x8000)));
    const words bias = detail::opaque(words(std::uint16_t(t.wide_bias)));
    // Magnitudes of the bf16 wide products (0 for zero pairs), and their signs.
    const words even_magnitude = (((ua & low_byte) + (ub & low_byte) + bias) << shift) & keep_even;
    const words odd_magnitude = (((ua >> 8) + (ub >> 8) + bias) << shift) & keep_odd;
    if constexpr (Track) {
      const words one = detail::opaque(words(std::uint16_t(1)));
      below = xsimd::min(below, xsimd::min(even_magnitude - one, odd_magnitude - one));
      top = xsimd::max(top, xsimd::max(even_magnitude, odd_magnitude));
    }
    const words even_word = even_magnitude | ((signs << 8) & sign_bit);
    const words odd_word = odd_magnitude | (signs & sign_bit);
    const dwords high_half = detail::opaque(dwords(0xFFFF0000u));
    // Window lo + k of a word: the word where its magnitude is >= the window's floor ("upper part
    // k") minus upper part k + 1. The parts are disjoint, so the difference is an XOR. Magnitude
    // words are below 0x8000: signed compares, one instruction each.
    words even_upper = even_word, odd_upper = odd_word;  // upper part 0: the whole word
    for (int k = 0; k < Count; ++k) {
      words e_window = even_upper, o_window = odd_upper;
      if (k + 1 < Count) {
        const words floor = every_window
                                ? words(std::uint16_t(plan::window_floor(k + 1) - 1))
                                : words(floor_below[std::size_t(k)]);
        const words floor_below_k = detail::opaque(floor);
        const words zero = detail::opaque(words(std::uint16_t(0)));
        even_upper = detail::select_bits(detail::less_small(floor_below_k, even_magnitude), even_word, zero);
        odd_upper = detail::select_bits(detail::less_small(floor_below_k, odd_magnitude), odd_word, zero);
        e_window = e_window ^ even_upper;
        o_window = o_window ^ odd_upper;
      }
      const dwords e = xsimd::bitwise_cast<dwords>(e_window);
      const dwords o = xsimd::bitwise_cast<dwords>(o_window);
      // A bf16 word w is the fp32 with bits w << 16. Two products of one window sum exactly
      // (below 2^(M + width + 1) units), then join the lane: two products per lane and step.
      fp32[k][0] += xsimd::bitwise_cast<floats>(e << 16) + xsimd::bitwise_cast<floats>(e & high_half);
      fp32[k][1] += xsimd::bitwise_cast<floats>(o << 16) + xsimd::bitwise_cast<floats>(o & high_half);
    }
  }

  /// The windows the tracked products need (empty when every pair was zero).
  window_span need() const {
    alignas(64) std::uint16_t lows[words::size], highs[words::size];
    below.store_aligned(lows);
    top.store_aligned(highs);
    const int low = *std::min_element(lows, lows + words::size) + 1;
    const int high = *std::max_element(highs, highs + words::size);
    if (high == 0) return {};
    const int first = plan::window_of_word(low), last = plan::window_of_word(high);
    return {first, last - first + 1};
  }

  /// fp32 lanes (exact integers of their window's unit, |x| <= 2^24) -> units; clears them.
  void flush(std::int64_t (&units)[std::size_t(plan::windows)]) {
    for (int k = 0; k < Count; ++k) {
      const floats scale(plan::unit_scale(lo + k));
      for (auto& r : fp32[k]) {
        alignas(64) std::int32_t lanes[floats::size];
        xsimd::to_int(r * scale).store_aligned(lanes);  // exact: integers below 2^25
        for (std::int32_t lane : lanes) units[lo + k] += lane;
        r = floats(0.f);
      }
    }
  }

};

/// Flush groups of registers from `begin` up to `end` in the `Count` windows from `lo` on, as
/// exact_blocks_vbmi does (exact_dot_vbmi.hpp, DATA-DRIVEN WINDOWS): a group whose bounds leave the
/// span is dropped and returned with the span holding both; while choice.narrowing (every window)
/// the first group with a nonzero pair is kept and returned with the span it needs. `Count` =
/// choice.active.count. Registers with a NaN or inf operand go to `rare`, the counting path, as
/// they come.
template <class F, class A, int Count>
[[gnu::noinline]] exact_progress exact_groups_xsimd(
    const std::uint8_t* a, const std::uint8_t* b, std::size_t begin, std::size_t end,
    window_choice choice, std::int64_t (&units)[std::size_t(exact_window_plan<F>::windows)],
    std::optional<class_histogram<F>>& rare) {
  using plan = exact_window_plan<F>;
  using bytes = xsimd::batch<std::uint8_t, A>;
  constexpr std::size_t step = bytes::size;
  const window_span active = choice.active;
  const bool track = choice.tracks(plan::windows);
  exact_span_xsimd<F, A, Count> acc(active.lo);
  std::size_t i = begin;
  while (i < end) {
    const std::size_t group_begin = i;
    const std::size_t group_end = i + std::min(end - i, step * plan::flush_steps);
    const auto registers = [&]<bool Track>(std::bool_constant<Track>) {
      for (; i < group_end; i += step) {
        const bytes va = bytes::load_unaligned(a + i), vb = bytes::load_unaligned(b + i);
        if (any_special_byte<F, A>(va, vb)) {
          if (!rare) rare.emplace();
          for (std::size_t j = i; j < i + step; ++j) rare->add(a[j], b[j]);
        } else {
          acc.template add<Track>(va, vb);
        }
      }
    };
    if (track) {
      acc.reset_bounds();
      registers(std::true_type{});
      const window_span need = acc.need();
      if (!active.holds(need)) {
        // The redo counts registers with NaN / inf operands again: harmless, their flags alone
        // decide the result (NaN or +-inf, whatever the finite terms are).
        return {group_begin, exact_stop::rewindow, active.joined(need)};
      }
      acc.flush(units);
      if (choice.narrowing && !need.empty()) return {i, exact_stop::rewindow, need};
    } else {
      registers(std::false_type{});
      acc.flush(units);
    }
  }
  return {i, exact_stop::end, {}};
}

/// exact_groups_xsimd for 1, 2, .. plan::windows windows, indexed by count - 1.
template <class F, class A, std::size_t... Count>
constexpr auto exact_groups_by_count(std::index_sequence<Count...>) {
  return std::array{&exact_groups_xsimd<F, A, int(Count) + 1>...};
}

/// The exact dot of n 8-bit codes for xsimd arch A: the same bits as dot_exact_codes. Only the
/// windows the data needs, as the VBMI kernel: the first flush group with every window, then the
/// span it needed, widened (the group redone) when a group needs more.
template <class F, class A>
float dot_exact_codes_xsimd(const std::uint8_t* a, const std::uint8_t* b, std::size_t n) {
  using plan = exact_window_plan<F>;
  using bytes = xsimd::batch<std::uint8_t, A>;
  constexpr std::size_t step = bytes::size;
  static constexpr auto run = exact_groups_by_count<F, A>(std::make_index_sequence<plan::windows>());
  exact_sum<F> sum;
  // registers with NaN / inf operands: built on demand (4 KB of counters that most calls never use)
  std::optional<class_histogram<F>> rare;
  // Per window the integer sum of the flushed lanes: at most 2 * floats::size * 2^24 per flush, at
  // most 2^14 flushes per chunk (chunk_elements / 64): below 2^45 for 16 lanes.
  std::int64_t units[std::size_t(plan::windows)] = {};
  window_choice choice(plan::windows);
  const auto registers = [&](const std::uint8_t* pa, const std::uint8_t* pb, std::size_t count) {
    std::size_t i = 0;
    while (i < count) {
      const std::size_t chunk_end = i + std::min(count - i, plan::chunk_elements);
      while (i < chunk_end) {
        const exact_progress p =
            run[std::size_t(choice.active.count - 1)](pa, pb, i, chunk_end, choice, units, rare);
        i = p.next;
        if (p.stop == exact_stop::rewindow) choice.follow(p.need);
      }
      for (int j = 0; j < plan::windows; ++j) {
        add_window<F>(sum, units[j], j * plan::width);
        units[j] = 0;
      }
    }
  };
  exact_blocks_and_tail<step>(a, b, n, registers);
  return finish_exact_sum(sum, rare);
}

}  // inline namespace LMUL_ISA
}  // namespace detail
}  // namespace lmul
