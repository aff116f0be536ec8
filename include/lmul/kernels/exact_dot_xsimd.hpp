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
#pragma once

#include "../detail/isa_namespace.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include <xsimd/xsimd.hpp>

#include "../product.hpp"
#include "dot.hpp"
#include "exact_dot.hpp"
#include "exact_dot_windows.hpp"
#include "multiply.hpp"

namespace lmul {
namespace detail {
inline namespace LMUL_ISA {

template <class F, class A>
struct exact_windows_xsimd {
  using plan = exact_window_plan<F>;
  using floats = xsimd::batch<float, A>;
  using bytes = xsimd::batch<std::uint8_t, A>;
  using words = xsimd::batch<std::uint16_t, A>;
  using swords = xsimd::batch<std::int16_t, A>;
  using dwords = xsimd::batch<std::uint32_t, A>;
  static constexpr int windows = plan::windows;

  /// Per window two fp32 registers (even / odd words), each receiving two products per lane and
  /// step (the low and high halves of each 32-bit pair): the plan's bound.
  floats fp32[std::size_t(windows)][2];
  /// Per window the integer sum of the flushed lanes: at most 2 * floats::size * 2^24 per flush,
  /// at most 2^14 flushes per chunk (chunk_elements / 64): below 2^45 for 16 lanes.
  std::int64_t units[std::size_t(windows)] = {};

  exact_windows_xsimd() {
    for (auto& window : fp32) {
      for (auto& r : window) r = floats(0.f);
    }
  }

  /// 64 / 16 / ... byte pairs (one register) into the windows.
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
    const words even_word = even_magnitude | ((signs << 8) & sign_bit);
    const words odd_word = odd_magnitude | (signs & sign_bit);
    const dwords high_half = detail::opaque(dwords(0xFFFF0000u));
    // Window j of a word: the word where its magnitude is >= window_floor(j) ("upper part j")
    // minus upper part j + 1. The parts are disjoint, so the difference is an XOR. Magnitude words
    // are below 0x8000: signed compares, one instruction each.
    words even_upper = even_word, odd_upper = odd_word;  // upper part 0: the whole word
    for (int j = 0; j < windows; ++j) {
      words e_window = even_upper, o_window = odd_upper;
      if (j + 1 < windows) {
        const words floor_below = detail::opaque(words(std::uint16_t(plan::window_floor(j + 1) - 1)));
        const words zero = detail::opaque(words(std::uint16_t(0)));
        even_upper = detail::select_bits(detail::less_small(floor_below, even_magnitude), even_word, zero);
        odd_upper = detail::select_bits(detail::less_small(floor_below, odd_magnitude), odd_word, zero);
        e_window = e_window ^ even_upper;
        o_window = o_window ^ odd_upper;
      }
      const dwords e = xsimd::bitwise_cast<dwords>(e_window);
      const dwords o = xsimd::bitwise_cast<dwords>(o_window);
      // A bf16 word w is the fp32 with bits w << 16. Two products of one window sum exactly
      // (below 2^(M + width + 1) units), then join the lane: two products per lane and step.
      fp32[j][0] += xsimd::bitwise_cast<floats>(e << 16) + xsimd::bitwise_cast<floats>(e & high_half);
      fp32[j][1] += xsimd::bitwise_cast<floats>(o << 16) + xsimd::bitwise_cast<floats>(o & high_half);
    }
  }

  /// fp32 lanes (exact integers of their window's unit, |x| <= 2^24) -> units; clears them.
  void flush_fp32() {
    for (int j = 0; j < windows; ++j) {
      const floats scale(plan::unit_scale(j));
      for (auto& r : fp32[j]) {
        std::array<std::int32_t, floats::size> lanes;
        xsimd::to_int(r * scale).store_unaligned(lanes.data());  // exact: integers below 2^25
        for (std::int32_t lane : lanes) units[j] += lane;
        r = floats(0.f);
      }
    }
  }

  /// units -> the exact sum; clears them.
  void flush_units(exact_sum<F>& sum) {
    for (int j = 0; j < windows; ++j) {
      add_lanes_shifted<F>(sum, &units[j], 1, j * plan::width);
      units[j] = 0;
    }
  }
};

/// The exact dot of n 8-bit codes for xsimd arch A: the same bits as dot_exact_codes.
template <class F, class A>
float dot_exact_codes_xsimd(const std::uint8_t* a, const std::uint8_t* b, std::size_t n) {
  using plan = exact_window_plan<F>;
  using bytes = xsimd::batch<std::uint8_t, A>;
  constexpr std::size_t step = bytes::size;
  exact_sum<F> sum;
  // registers with NaN / inf operands: built on demand (4 KB of counters that most calls never use)
  std::optional<class_histogram<F>> rare;
  exact_windows_xsimd<F, A> acc;
  // Up to chunk_elements elements per flush of `units`, up to flush_steps registers per flush of
  // the fp32 lanes (a register with a NaN or inf operand counts too: conservative).
  const auto registers = [&](const std::uint8_t* pa, const std::uint8_t* pb, std::size_t count) {
    std::size_t i = 0;
    while (i < count) {
      const std::size_t chunk_end = i + std::min(count - i, plan::chunk_elements);
      while (i < chunk_end) {
        const std::size_t flush_end = i + std::min(chunk_end - i, step * plan::flush_steps);
        for (; i < flush_end; i += step) {
          const bytes va = bytes::load_unaligned(pa + i), vb = bytes::load_unaligned(pb + i);
          if (any_special_byte<F, A>(va, vb)) {
            if (!rare) rare.emplace();
            for (std::size_t j = i; j < i + step; ++j) rare->add(pa[j], pb[j]);
          } else {
            acc.add(va, vb);
          }
        }
        acc.flush_fp32();
      }
      acc.flush_units(sum);
    }
  };
  exact_blocks_and_tail<step>(a, b, n, registers);
  return finish_exact_sum(sum, rare);
}

}  // inline namespace LMUL_ISA
}  // namespace detail
}  // namespace lmul
