// lmul/kernels/exact_dot.hpp -- lmul_dot_exact: the correctly rounded exact sum of the wide
// products of 8-bit operands, the same bits for any order and any instruction set.
//
// For finite nonzero operands the wide product is +-V(class) with class = u(x) + u(y)
// (byte_tables.hpp), at most 2 * 254 + 1 values. So the exact sum is sum_c count[c] * V(c) with
// signed integer counts: the kernel counts classes (integer adds: order-independent by nature),
// then adds the few hundred terms count[c] * V(c) exactly in a wide fixed-point integer and rounds
// that once to fp32. V(c) = (2^M + r) * 2^(q - bias - M) spans up to 2^130 for lmul<1,6>, hence
// the multi-word integer.
#pragma once

#include "../detail/isa_namespace.hpp"

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>

#include "../convert.hpp"
#include "../format_traits.hpp"
#include "byte_tables.hpp"

namespace lmul {
namespace detail {
inline namespace LMUL_ISA {

/// A two's complement integer of Words 64-bit words (little-endian), enough for exact sums.
template <std::size_t Words>
struct wide_integer {
  std::array<std::uint64_t, Words> word{};

  /// += value * 2^shift (value a signed 64-bit integer, shift >= 0).
  void add_shifted(std::int64_t value, int shift) {
    const std::uint64_t fill = value < 0 ? ~std::uint64_t{0} : 0;  // sign extension
    const std::size_t first = std::size_t(shift / 64);
    const int bit = shift % 64;
    const auto magnitude = std::uint64_t(value);
    std::uint64_t carry = 0;
    for (std::size_t w = first; w < Words; ++w) {
      std::uint64_t addend;
      if (w == first) {
        addend = magnitude << bit;
      } else if (w == first + 1 && bit != 0) {
        addend = (magnitude >> (64 - bit)) | (fill << bit);
      } else {
        addend = fill;
      }
      const std::uint64_t sum = word[w] + addend;
      const std::uint64_t next_carry = (sum < addend) ? 1 : 0;
      word[w] = sum + carry;
      carry = next_carry | ((word[w] < sum) ? 1 : 0);
    }
  }

  bool negative() const { return (word[Words - 1] >> 63) != 0; }

  /// The value times 2^lsb_exponent, correctly rounded to fp32 (round to nearest even).
  float to_float(int lsb_exponent) const {
    wide_integer magnitude = *this;
    const bool neg = negative();
    if (neg) {  // two's complement negation
      std::uint64_t carry = 1;
      for (auto& w : magnitude.word) {
        w = ~w + carry;
        carry = (carry != 0 && w == 0) ? 1 : 0;
      }
    }
    int top = int(Words) - 1;
    while (top >= 0 && magnitude.word[std::size_t(top)] == 0) --top;
    if (top < 0) return 0.f;
    // Take the 62 bits below the leading one (inclusive) and fold everything below into a sticky
    // bit: 62 >> 24 + 2, so round_exact rounds exactly as it would the full value.
    const int leading = top * 64 + int(std::bit_width(magnitude.word[std::size_t(top)])) - 1;
    const int drop = leading > 61 ? leading - 61 : 0;
    std::uint64_t sig = 0;
    bool sticky = false;
    for (int bitpos = 0; bitpos <= leading; ++bitpos) {
      const bool bit = (magnitude.word[std::size_t(bitpos / 64)] >> (bitpos % 64)) & 1;
      if (bitpos < drop) {
        sticky = sticky || bit;
      } else {
        sig |= std::uint64_t(bit) << (bitpos - drop);
      }
    }
    sig = (sig << 1) | (sticky ? 1 : 0);
    return std::bit_cast<float>(
        detail::round_exact<float32_traits>(neg, sig, lsb_exponent + drop - 1));
  }
};

/// Scale of the exact sums: class c has fp32 bits (c + wide_bias) << (23 - M), i.e. significand
/// 2^M + (c + wide_bias) % 2^M and exponent (c + wide_bias) / 2^M - 127 - M; the least significant
/// bit of class 0 (the smallest wide product) is 2^exact_lsb_exponent, and every wide product is an
/// integer multiple of it.
template <class F>
inline constexpr int exact_lsb_exponent =
    byte_tables_v<F>.wide_bias / (1 << F::mantissa_bits) - 127 - F::mantissa_bits;

/// Number of 64-bit words for an exact sum of F's wide products in units of 2^exact_lsb_exponent:
/// the largest class (< 2 * 255) is below 2^(classes / 2^M + 1 + M) units; times a count below
/// 2^63, plus a sign bit, plus one spare word.
template <class F>
inline constexpr std::size_t exact_sum_words =
    std::size_t((2 * 255 / (1 << F::mantissa_bits) + 2 + F::mantissa_bits + 64) / 64 + 2);

template <class F>
using exact_sum = wide_integer<exact_sum_words<F>>;

/// Signed counts of classes, plus the NaN / inf bookkeeping of IEEE addition.
template <class F>
struct class_histogram {
  static constexpr std::size_t classes = 2 * 255;
  std::array<std::int64_t, classes> count{};
  bool nan = false, plus_inf = false, minus_inf = false;

  void add(std::uint8_t x, std::uint8_t y) {
    constexpr auto& t = byte_tables_v<F>;
    const unsigned mx = x & F::magnitude_mask, my = y & F::magnitude_mask;
    const bool negative = ((x ^ y) & F::sign_mask) != 0;
    const unsigned ux = t.index[mx], uy = t.index[my];
    if (ux == byte_tables<F>::special_index || uy == byte_tables<F>::special_index) {
      const auto magnitude = detail::lmul_codes<F>(std::uint8_t(mx), std::uint8_t(my));
      if (F::is_nan_code(magnitude)) {
        nan = true;
      } else {
        (negative ? minus_inf : plus_inf) = true;
      }
      return;
    }
    if (mx == 0 || my == 0) return;
    count[ux + uy] += negative ? -1 : 1;
  }

  void merge(const class_histogram& other) {
    for (std::size_t c = 0; c < classes; ++c) count[c] += other.count[c];
    nan = nan || other.nan;
    plus_inf = plus_inf || other.plus_inf;
    minus_inf = minus_inf || other.minus_inf;
  }

  /// Adds sum_c count[c] * V(c) to `sum` (units of 2^exact_lsb_exponent<F>).
  void add_to(exact_sum<F>& sum) const {
    constexpr auto& t = byte_tables_v<F>;
    constexpr int M = F::mantissa_bits;
    for (std::size_t c = 0; c < classes; ++c) {
      if (count[c] == 0) continue;
      const int biased = int(c) + t.wide_bias;
      const std::int64_t significand = (std::int64_t{1} << M) + (biased & ((1 << M) - 1));
      const int exponent = biased / (1 << M) - 127 - M;
      // count * (2^M + fraction) as count << M plus count * fraction (fraction < 32): no 64-bit
      // overflow for any n < 2^58.
      sum.add_shifted(count[c], exponent - exact_lsb_exponent<F> + M);
      sum.add_shifted(count[c] * (significand - (std::int64_t{1} << M)),
                      exponent - exact_lsb_exponent<F>);
    }
  }

  /// Whether the flags alone make the result NaN (a NaN product, or inf of both signs).
  bool result_is_nan() const { return nan || (plus_inf && minus_inf); }

  /// The exact sum `finite` of the finite terms combined with this histogram's NaN / inf flags
  /// (IEEE: NaN, or inf of the only sign present), rounded once to fp32.
  float finish(const exact_sum<F>& finite) const {
    if (result_is_nan()) return std::numeric_limits<float>::quiet_NaN();
    if (plus_inf) return std::numeric_limits<float>::infinity();
    if (minus_inf) return -std::numeric_limits<float>::infinity();
    return finite.to_float(exact_lsb_exponent<F>);
  }

  /// The exact sum, rounded once to fp32.
  float total() const {
    exact_sum<F> sum;
    add_to(sum);
    return finish(sum);
  }
};

/// Adds a window's integer sum, counting units of 2^(exact_lsb_exponent + shift), to the exact sum.
template <class F>
void add_window(exact_sum<F>& sum, std::int64_t units, int shift) {
  if (units != 0) sum.add_shifted(units, shift);
}

/// Runs blocks(a, b, count) over the whole blocks of Step elements, then over the rest copied into
/// a zero-padded block (zero pairs add nothing to an exact sum).
template <std::size_t Step, class Blocks>
void exact_blocks_and_tail(const std::uint8_t* a, const std::uint8_t* b, std::size_t n,
                           Blocks&& blocks) {
  const std::size_t whole = n / Step * Step;
  blocks(a, b, whole);
  if (whole < n) {
    alignas(64) std::uint8_t ta[Step] = {}, tb[Step] = {};
    std::memcpy(ta, a + whole, n - whole);
    std::memcpy(tb, b + whole, n - whole);
    blocks(ta, tb, Step);
  }
}

/// The vector kernels' result: the exact sum of the finite terms rounded once, combined with the
/// NaN / inf flags of `rare` (the terms of registers with a NaN or inf operand, counted; absent
/// when there were none).
template <class F>
float finish_exact_sum(exact_sum<F>& sum, const std::optional<class_histogram<F>>& rare) {
  if (!rare) return sum.to_float(exact_lsb_exponent<F>);
  rare->add_to(sum);
  return rare->finish(sum);
}

/// The exact, order-independent dot product of n 8-bit codes (any arch: integer counting).
template <class F>
float dot_exact_codes(const std::uint8_t* a, const std::uint8_t* b, std::size_t n) {
  // Four histograms so that runs of one class do not serialise on one counter.
  std::array<class_histogram<F>, 4> h;
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    h[0].add(a[i], b[i]);
    h[1].add(a[i + 1], b[i + 1]);
    h[2].add(a[i + 2], b[i + 2]);
    h[3].add(a[i + 3], b[i + 3]);
  }
  for (; i < n; ++i) h[0].add(a[i], b[i]);
  h[0].merge(h[1]);
  h[2].merge(h[3]);
  h[0].merge(h[2]);
  return h[0].total();
}

}  // inline namespace LMUL_ISA
}  // namespace detail
}  // namespace lmul
