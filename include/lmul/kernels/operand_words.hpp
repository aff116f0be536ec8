// lmul/kernels/operand_words.hpp -- L-Mul as one 32-bit integer addition of per-operand words:
// the one derivation behind lmul_gemm's packed operands (gemm/packing.hpp) and the table-word block
// sums (table_word_sum.hpp).
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
#include "algorithm_choice.hpp"
#include "../scalar.hpp"

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

}  // inline namespace LMUL_ISA
}  // namespace detail
}  // namespace lmul
