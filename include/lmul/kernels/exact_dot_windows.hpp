// lmul/kernels/exact_dot_windows.hpp -- the plan of the xsimd exact dot (exact_dot_xsimd.hpp): the
// wide products of an 8-bit format split into exponent windows, each summed in fp32 lanes that
// provably never round. (The VBMI kernel sums in int32 lanes with a plan of its own,
// exact_dot_vbmi.hpp; it takes max_class and max_shift from here.)
//
// The exact sum is unique, so any lane layout, order or instruction set that adds without rounding
// gives the same bits after the one final rounding (wide_integer::to_float), as the counting path.
//
// VALUE OF A CLASS. A finite nonzero pair of class s = u(x) + u(y) has the wide product +-V(s)
// (byte_tables.hpp), with fp32 / bf16 exponent field E = (s + wide_bias) >> M. Let E0 be the field
// of class 0 (the smallest product) and shift = E - E0, 0 <= shift <= max_shift (35 for e4m3fn,
// 63 for e5m2, 125 for lmul<1,6>). V(s) is an integer number of units 2^exact_lsb_exponent
// (exact_dot.hpp): V = sig * 2^shift with sig = 2^M + (s + wide_bias) mod 2^M < 2^(M + 1).
//
// WINDOWS. The shifts are split into `windows` ranges of `width` shifts. Window j (shifts
// j * width .. (j + 1) * width - 1) is summed in its own fp32 lanes. In units of
// 2^(exact_lsb_exponent + j * width) every product of window j is an integer below
// 2^(M + 1) * 2^(width - 1) = 2^(M + width).
//
// FLUSH BOUND (no rounding). An fp32 lane holds every integer up to 2^24 exactly, and a sum of
// integers stays exact while every partial sum does. A lane receives two products per step (a
// pair of adds); after `flush_steps` such steps its partial sums are below
// 2 * flush_steps * 2^(M + width) <= 2^24 when flush_steps <= 2^(23 - M - width). The kernel then
// converts the lanes (exact integers) to int64 and clears them. width is chosen so that
// flush_steps >= 2^min_flush_log2 = 8 (measured: flushing every 4 blocks costs more than a third
// window for e4m3fn; every 8 blocks costs less than a second window for lmul<5,2>).
// No fp32 denormal occurs: the smallest unit is 2^exact_lsb_exponent >= 2^-63 (lmul<1,6>), and
// the largest partial sum stays below 2^(24 + exact_lsb_exponent + max_shift) < 2^127.
//
// INT64 STAGE. A flush adds at most 2 * 2^24 per int64 lane (two fp32 lanes go to one int64 lane);
// the int64 lanes move to the wide integer every chunk_elements = 2^20 elements, i.e. after at
// most 2^14 flushes: below 2^14 * 2^25 = 2^39, far from 2^63.
#pragma once

#include "../detail/isa_namespace.hpp"

#include <bit>
#include <cstddef>
#include <cstdint>

#include "byte_tables.hpp"
#include "exact_dot.hpp"

namespace lmul {
namespace detail {
inline namespace LMUL_ISA {

/// Windows lo .. lo + count - 1 of a plan: the span a vector kernel sums a flush group in when the
/// group's products need only those (exact_dot_vbmi.hpp, exact_dot_xsimd.hpp).
struct window_span {
  int lo = 0, count = 0;  // count 0: no window (a group without a nonzero pair)
  constexpr bool empty() const { return count == 0; }
  /// Whether every window of `o` is one of these (always, for an empty `o`).
  constexpr bool holds(window_span o) const {
    return o.empty() || (o.lo >= lo && o.lo + o.count <= lo + count);
  }
  constexpr window_span joined(window_span o) const {
    const int first = o.lo < lo ? o.lo : lo;
    const int last = o.lo + o.count > lo + count ? o.lo + o.count : lo + count;
    return {first, last - first};
  }
};

/// The windows a call sums its flush groups in: every window until the first group with a nonzero
/// pair says which it needs (`narrowing`), then that span, widened whenever a group needs more (a
/// call redoes at most windows - 1 groups).
struct window_choice {
  window_span active;
  bool narrowing;
  explicit constexpr window_choice(int windows) : active{0, windows}, narrowing(windows > 1) {}
  /// Whether a run must track its groups' bounds: not once every window is in use for good.
  constexpr bool tracks(int windows) const { return active.count < windows || narrowing; }
  constexpr void follow(window_span need) {
    active = need;
    narrowing = false;
  }
};

/// Why a kernel's run over flush groups returned.
enum class exact_stop {
  end,       // every element up to `end` is summed
  special,   // the group from `next` on has a NaN or inf operand (the result is NaN or +-inf)
  rewindow,  // continue at `next` with the windows `need`
};
struct exact_progress {
  std::size_t next;
  exact_stop stop;
  window_span need;
};

template <class F>
struct exact_window_plan {
  static constexpr int M = F::mantissa_bits;
  static constexpr int E0 = byte_tables_v<F>.wide_bias >> M;

  /// The largest class of a finite pair and its shift.
  static constexpr int max_class = 2 * largest_finite_index<F>();
  static constexpr int max_shift = ((max_class + byte_tables_v<F>.wide_bias) >> M) - E0;

  static constexpr int min_flush_log2 = 3;
  /// The widest window with flush_steps >= 2^min_flush_log2: 23 - M - width >= min_flush_log2.
  static constexpr int max_width = 23 - M - min_flush_log2;
  static constexpr int windows = (max_shift + 1 + max_width - 1) / max_width;
  static constexpr int width = (max_shift + 1 + windows - 1) / windows;
  /// Steps (two products per lane each) between flushes; capped so flushing is rare but regular.
  static constexpr int flush_log2 = (23 - M - width) < 8 ? (23 - M - width) : 8;
  static constexpr std::size_t flush_steps = std::size_t{1} << flush_log2;

  static constexpr std::size_t chunk_elements = std::size_t{1} << 20;

  static_assert(width <= max_width && windows * width > max_shift);
  static_assert(2 * (std::uint64_t{1} << (flush_log2 + M + width)) <= (std::uint64_t{1} << 24),
                "an fp32 lane must hold every partial sum exactly");

  /// bf16 magnitude words of window j and above are >= window_floor(j) (j >= 1): the exponent
  /// field E >= E0 + j * width, and the bf16 exponent field starts at bit 7.
  static constexpr std::uint16_t window_floor(int j) {
    return std::uint16_t((E0 + j * width) << 7);
  }
  /// The fp32 factor 2^-(exact_lsb_exponent + j * width) that turns a lane of window j into the
  /// integer count of its units (a power of two: exact).
  static constexpr float unit_scale(int j) {
    const int exponent = -(exact_lsb_exponent<F> + j * width);
    return std::bit_cast<float>(std::uint32_t(127 + exponent) << 23);
  }
  static_assert(-(exact_lsb_exponent<F> + (windows - 1) * width) > -127 &&
                -exact_lsb_exponent<F> < 128, "unit scales must be normal fp32 powers of two");
  static_assert(window_floor(windows - 1) < 0x8000, "window floors are bf16 magnitudes");
  /// The window of a nonzero product from its bf16 magnitude word (exponent field E = word >> 7).
  static constexpr int window_of_word(int magnitude) { return ((magnitude >> 7) - E0) / width; }
  static_assert(window_of_word(window_floor(windows - 1)) == windows - 1 &&
                window_of_word(((max_shift + E0) << 7) | 0x7F) == windows - 1);
};

}  // inline namespace LMUL_ISA
}  // namespace detail
}  // namespace lmul
