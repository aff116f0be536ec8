// lmul/gemm/bf16_words.hpp -- 8-bit L-Mul as one 16-bit integer addition giving a bfloat16.
//
// For finite nonzero operands x, y of an 8-bit format (M fraction bits) the wide product (spec 3)
// has the bfloat16 bits
//     (u(x) + u(y) + wide_bias) << (7 - M)   |   (sign(x) XOR sign(y)) << 15
// where u is the byte-table index (kernels/byte_tables.hpp, checked there for every pair against
// the scalar definition). So give each operand of B the 16-bit word
//     b_word(y) = sign(y) << 15  +  (u(y) + 1) << (7 - M)
// and each operand of A the word
//     a_word(x) = sign(x) << 15  +  (u(x) + wide_bias - 1) << (7 - M),
// and one vpaddw (addition modulo 2^16) gives the product's bf16 bits:
//   * bit budget: the magnitude part of the sum is the bf16 magnitude of a finite product, below
//     0x7F80 < 2^15, and both magnitude parts are >= 0 (static_asserts below), so nothing carries
//     into bit 15;
//   * bit 15 receives sign(x) + sign(y) and the carry out of bit 15 is dropped: their XOR.
// The + 1 / - 1 split keeps every nonzero B operand's magnitude part nonzero, so the kernel tells
// B's zero operands from their words alone (magnitude part 0). Zero operands get magnitude part 0
// (+0 and -0 alike); the micro-kernel removes their products (bf16_kernel.hpp).
// The smallest product (u(x) = u(y) = 0) must be a normal bf16 whose grid is still in fp32's
// normal range: then every product and every fp32 partial sum of products is a multiple of
// that grid step, hence normal or zero, and vdpbf16ps's flushing of denormals never changes a
// value (docs/gemm.md). NaN and inf operands have no word: tiles holding them take
// checked_tile.hpp.
#pragma once

#include "../detail/isa_namespace.hpp"

#include <array>
#include <cstdint>

#include "../format_traits.hpp"
#include "../kernels/byte_tables.hpp"

namespace lmul {
namespace detail {
inline namespace LMUL_ISA {

/// True for the formats the bf16 kernel serves: every 8-bit format whose wide products the byte
/// tables give (all 8-bit formats the library compiles; the tables check it).
template <class F>
constexpr bool bf16_kernel_serves() {
  if constexpr (F::total_bits == 8) {
    return detail::byte_tables_v<F>.wide_by_index;
  } else {
    return false;
  }
}

/// bf16 1.0: the second factor of vdpbf16ps that keeps a product (0.0, code 0, drops one).
inline constexpr std::uint16_t bf16_one = 0x3F80;

/// The 16-bit words of every code of format F, for the A side and the B side.
template <class F>
struct bf16_word_table {
  static constexpr int shift = 7 - F::mantissa_bits;  // index units (2^-M) -> bf16 fraction units
  std::array<std::uint16_t, 256> a_word{};
  std::array<std::uint16_t, 256> b_word{};

  constexpr bf16_word_table() {
    constexpr auto& t = detail::byte_tables_v<F>;
    for (unsigned code = 0; code < 256; ++code) {
      const unsigned magnitude = code & F::magnitude_mask;
      const unsigned sign = (code & F::sign_mask) != 0 ? 0x8000u : 0u;
      if (magnitude == 0 || detail::is_special_magnitude<F>(magnitude)) continue;
      a_word[code] = std::uint16_t(sign + (unsigned(t.index[magnitude] + t.wide_bias - 1) << shift));
      b_word[code] = std::uint16_t(sign + (unsigned(t.index[magnitude] + 1) << shift));
    }
  }
};

template <class F>
inline constexpr bf16_word_table<F> bf16_words_of{};

/// The bit-budget and denormal arguments of the file comment, checked for format F.
template <class F>
constexpr bool bf16_words_are_exact() {
  constexpr auto& t = detail::byte_tables_v<F>;
  constexpr int shift = bf16_word_table<F>::shift;
  unsigned max_index = 0;
  for (unsigned c = 1; c <= F::max_finite_code; ++c) {
    if (t.index[c] > max_index) max_index = t.index[c];
  }
  const long smallest = long(t.wide_bias) << shift;                       // bf16 magnitude, class 0
  const long largest = long(2 * max_index + unsigned(t.wide_bias)) << shift;  // largest class
  // Smallest product: biased bf16 exponent >= 8, i.e. >= 2^-119; its grid step (8 significant
  // bits) is then >= 2^-126, fp32's smallest normal. Largest: below the bf16 infinity 0x7F80.
  // A's words (wide_bias - 1 >= 0 follows) and B's words (u + 1 >= 1) have nonnegative magnitude
  // parts, and a B word alone (what a lane with a zero A operand adds up to) is below `largest`:
  // finite.
  return t.wide_by_index && (smallest >> 7) >= 8 && largest < 0x7F80;
}

}  // inline namespace LMUL_ISA
}  // namespace detail
}  // namespace lmul
