// lmul/kernels/operand_words.hpp -- L-Mul as one integer addition of per-operand words: the one
// home of that derivation, in two widths. 32-bit words (any format with M <= 23) are lmul_gemm's
// packed operands (gemm/packing.hpp) and the table-word block sums (table_word_sum.hpp); 16-bit
// words giving a bfloat16 (8-bit formats, and bfloat16 operands themselves) are the AVX-512 BF16
// GEMM's (gemm/bf16_packing.hpp).
//
// ---- 32-bit words ----
//
// For finite nonzero x, y of a format F (M fraction bits, M <= 23) the L-Mul value is
// V(k) with k = K(x) + K(y) - bias*2^M + 2^(M - l(M)) (spec 3.2). Whenever V(k) is an fp32 normal
// its fp32 bit pattern is
//     bits(V(k)) = (floor(k / 2^M) - bias + 127) << 23  |  (k mod 2^M) << (23 - M)
//                = k * 2^(23 - M) + (127 - bias) * 2^23.
// So give every operand a "magnitude word" K(x) * 2^(23 - M), add the constant
//     c = (2^(M - l(M)) - bias * 2^M) * 2^(23 - M) + (127 - bias) * 2^23
// to the words of A only, and the wide product (spec 3, "Wide product") is
//     bits(L-Mul(a, b)) = word(a) + word(b)      (modulo 2^32)
// as long as the magnitude sum lies in [2^23, 2^31) (an fp32 normal). Each word also carries the
// operand's sign bit at bit 31: adding two sign bits there modulo 2^32 XORs them, so the sign of
// the product comes out of the same addition. For fp32 (M = 23, bias = 127) c = -0x3F780000, the
// paper's constant. For every 8-bit format every product of two finite nonzero operands is an
// fp32 normal (spec 3: e4m3fn products lie in [2^-21, 2^18)).
//
// Zero operands get word 0 and the micro-kernel masks their products to +0 (see packing.hpp).
// NaN and inf have no meaningful word: tiles that meet one go to checked_tile.hpp instead.
#pragma once

#include "../detail/isa_namespace.hpp"

#include <array>
#include <cstdint>

#include "../format_traits.hpp"
#include "../product.hpp"
#include "../scalar.hpp"
#include "algorithm_choice.hpp"
#include "byte_tables.hpp"

namespace lmul {
namespace detail {
inline namespace LMUL_ISA {

/// The fp32 bit patterns 2^23 .. 0x7F7FFFFF are the positive fp32 normals: the valid sums.
inline constexpr std::int64_t min_normal_bits = std::int64_t{1} << 23;
inline constexpr std::int64_t max_finite_bits = 0x7F7FFFFF;

/// Word arithmetic of one format F.
template <class F>
struct word_codec {
  static_assert(F::mantissa_bits <= 23, "lmul_gemm: formats need at most 23 fraction bits");
  static constexpr int M = F::mantissa_bits;
  static constexpr int shift = 23 - M;  // K units (2^-M) to fp32 fraction units (2^-23)
  /// The constant c of the file comment (carried by the A operand).
  static constexpr std::int64_t a_constant = ((std::int64_t{1} << (M - paper_offset_exponent(M))) -
                                              std::int64_t{F::bias} * (std::int64_t{1} << M)) *
                                                 (std::int64_t{1} << shift) +
                                             std::int64_t{127 - F::bias} * (std::int64_t{1} << 23);
  static constexpr std::uint32_t min_normal_magnitude = std::uint32_t{1} << M;

  /// Magnitude word of a finite nonzero magnitude code, exact (negative for small subnormals).
  static constexpr std::int64_t magnitude_word(std::uint32_t magnitude, bool a_side) {
    return detail::magnitude_index<F>(typename F::storage(magnitude)) * (std::int64_t{1} << shift) +
           (a_side ? a_constant : 0);
  }

  /// Word of any code: sign bit + magnitude word modulo 2^32; 0 for +-0. NaN and inf get a
  /// word too, never used: tiles that hold one go to checked_tile (packing.hpp).
  static constexpr std::uint32_t word(std::uint32_t code, bool a_side) {
    const std::uint32_t magnitude = code & F::magnitude_mask;
    const std::uint32_t sign = (code & F::sign_mask) ? 0x80000000u : 0u;
    if (magnitude < min_normal_magnitude) {  // zero or subnormal: rare, so a branch is cheap
      if (magnitude == 0) return 0;
      return sign + std::uint32_t(std::uint64_t(magnitude_word(magnitude, a_side)));
    }
    // Normal (or NaN/inf): K is the magnitude code itself.
    return sign + (magnitude << shift) + std::uint32_t(std::uint64_t(a_side ? a_constant : 0));
  }
};

/// Words of 8-bit formats come from a 256-entry table per side (packing is then one lookup).
template <class F>
struct word_table {
  std::array<std::uint32_t, 256> a_side{};
  std::array<std::uint32_t, 256> b_side{};
  constexpr word_table() {
    for (std::uint32_t code = 0; code < 256; ++code) {
      a_side[code] = word_codec<F>::word(code, true);
      b_side[code] = word_codec<F>::word(code, false);
    }
  }
};
template <class F>
inline constexpr word_table<F> word_table_of{};

/// The word of a code of format F, for the A side or the B side.
template <class F, bool a_side>
inline std::uint32_t word_of(std::uint32_t code) {
  if constexpr (kernels::gemm_words_from_table<F>) {
    return a_side ? word_table_of<F>.a_side[code] : word_table_of<F>.b_side[code];
  } else {
    return word_codec<F>::word(code, a_side);
  }
}

// ---- 16-bit words giving a bfloat16 (8-bit formats) ----
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
//     0x7F80 < 2^15, and both magnitude parts are >= 0 (bf16_words_are_exact below, which the
//     GEMM static_asserts), so nothing carries into bit 15;
//   * bit 15 receives sign(x) + sign(y) and the carry out of bit 15 is dropped: their XOR.
// The + 1 / - 1 split keeps every nonzero B operand's magnitude part nonzero, so the kernel tells
// B's zero operands from their words alone (magnitude part 0). Zero operands get magnitude part 0
// (+0 and -0 alike); the micro-kernel removes their products (gemm/bf16_kernel.hpp).
// The smallest product (u(x) = u(y) = 0) must be a normal bf16 whose grid is still in fp32's
// normal range: then every product and every fp32 partial sum of products is a multiple of
// that grid step, hence normal or zero, and vdpbf16ps's flushing of denormals never changes a
// value (docs/gemm.md). NaN and inf operands have no word: tiles holding them take
// gemm/checked_tile.hpp.

// ---- 16-bit words of bfloat16 operands (lmul<7,8>) ----
//
// For bfloat16 operands the 32-bit words above are code << 16 plus a_constant on A's side, and
// a_constant = (8 - 127 * 2^7) * 2^16 is a multiple of 2^16: the upper halves alone add up to the
// product's bf16 bits. So B's word is its code itself and A's is its code + bf16_code_constant
// (modulo 2^16): one vpaddw gives (sign(x) + sign(y)) << 15 + (|x| + |y| + bf16_code_constant)
// modulo 2^16, which is the product's bf16 code whenever the magnitude sum lies in [0, 2^15) --
// no carry reaches bit 15, and the two sign bits there add to their XOR -- and both operands are
// normal (a subnormal's code is not its K). A's words need not be meaningful alone (they wrap);
// only the sum matters. Zero operands: B's are told by their magnitude 0 (the kernel masks their
// products), A's get word 0 and filter 0.0, so their lanes add B's finite code times zero.
// Denormals (vdpbf16ps flushes them) are kept out as for the 8-bit words: the smallest product
// must have biased exponent >= 8 (>= 2^-119), so that every partial sum is a multiple of 2^-126.
// bf16_code_sums_are_exact checks all of this per pair of panels from their magnitude ranges;
// panels that fail it (specials, subnormals, extreme exponents) take gemm/checked_tile.hpp.

/// True for the bfloat16 layout (lmul<7,8>): its codes are the bf16 kernel's words.
template <class F>
constexpr bool bf16_codes_are_words() {
  return F::total_bits == 16 && F::mantissa_bits == 7 && F::bias == 127 && F::has_infinity;
}

/// The constant A's words carry: the upper half of word_codec's a_constant.
template <class F>
inline constexpr std::int32_t bf16_code_constant = std::int32_t(word_codec<F>::a_constant / 65536);
static_assert(word_codec<format_traits<7, 8>>::a_constant % 65536 == 0);
static_assert(bf16_code_constant<format_traits<7, 8>> == 8 - 127 * 128);

/// True when every product of two bf16 operands with nonzero magnitude codes in [a_min, a_max]
/// and [b_min, b_max] is the vpaddw of their words, a normal bf16 >= 2^-119 (see above). An
/// all-zero side (min 0) leaves only zero products, exact whatever the other side holds
/// (NaN and inf excepted).
template <class F>
constexpr bool bf16_code_sums_are_exact(std::uint32_t a_min, std::uint32_t a_max,
                                        std::uint32_t b_min, std::uint32_t b_max) {
  if (a_max > F::max_finite_code || b_max > F::max_finite_code) return false;  // NaN or inf
  if (a_min == 0 || b_min == 0) return true;
  constexpr std::uint32_t min_normal = std::uint32_t{1} << F::mantissa_bits;
  constexpr std::int64_t smallest_product = std::int64_t{8} << F::mantissa_bits;  // 2^-119
  const std::int64_t c = bf16_code_constant<F>;
  return a_min >= min_normal && b_min >= min_normal &&
         std::int64_t(a_min) + b_min + c >= smallest_product &&
         std::int64_t(a_max) + b_max + c <= std::int64_t(F::max_finite_code);
}

/// True for the formats the bf16 kernel serves: every 8-bit format whose wide products the byte
/// tables give (all 8-bit formats the library compiles; the tables check it), and bfloat16.
template <class F>
constexpr bool bf16_kernel_serves() {
  if constexpr (F::total_bits == 8) {
    return detail::byte_tables_v<F>.wide_by_index;
  } else {
    return bf16_codes_are_words<F>();
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

/// The bit-budget and denormal arguments above, checked for format F.
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
