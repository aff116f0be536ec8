// lmul/gemm/operand_words.hpp -- L-Mul as one 32-bit integer addition, for matrix operands.
//
// For finite nonzero x, y of a format F (M fraction bits, M <= 23) the L-Mul value is
// V(k) with k = K(x) + K(y) - bias*2^M + 2^(M - l(M)) (spec 3.2). Whenever V(k) is an fp32 normal
// its fp32 bit pattern is
//     bits(V(k)) = (floor(k / 2^M) - bias + 127) << 23  |  (k mod 2^M) << (23 - M)
//                = k * 2^(23 - M) + (127 - bias) * 2^23.
// So give every operand a "word" w(x) = K(x) * 2^(23 - M), put the constant
//     c = (2^(M - l(M)) - bias * 2^M) * 2^(23 - M) + (127 - bias) * 2^23
// into the words of A, and the wide product (spec 3, "Wide product") is
//     bits(L-Mul(a, b)) = (w(a) + c) + w(b)
// as long as that sum lies in [2^23, 2^31) (an fp32 normal). Adding the two sign bits at bit 31
// modulo 2^32 XORs them, so the sign comes out of the same addition. For fp32 (M = 23,
// bias = 127) c = -0x3F780000, the paper's constant. For every 8-bit format every product of two
// finite nonzero operands is an fp32 normal (spec 3: e4m3fn products lie in [2^-21, 2^18)).
//
// Zero operands give a zero product whatever the word sum says, so each operand also carries a
// mask (all ones, or zero for +-0) that the micro-kernel ANDs into the sum. NaN and inf operands
// are "irregular": blocks that hold one are computed by the scalar reference instead.
#pragma once

#include <array>
#include <bit>
#include <cstdint>

#include "../format_traits.hpp"
#include "../product.hpp"
#include "../scalar.hpp"

namespace lmul::gemm_detail {

/// One operand of a product, ready for the additive micro-kernel.
struct operand_word {
  std::uint32_t word = 0;       ///< sign bit + magnitude word, modulo 2^32
  std::uint32_t mask = 0;       ///< 0xFFFFFFFF for a finite nonzero operand, 0 for +-0
  std::int64_t magnitude = 0;   ///< the magnitude word as an exact integer (for range checks)
  bool irregular = false;       ///< NaN or inf: not representable in the additive form
};

/// The fp32 bits 2^23 .. 2^31 - 1 are the positive fp32 normals: the fast path's valid sums.
inline constexpr std::int64_t min_normal_bits = std::int64_t{1} << 23;
inline constexpr std::int64_t max_finite_bits = 0x7F7FFFFF;

/// Word arithmetic of one format F.
template <class F>
struct word_codec {
  static_assert(F::mantissa_bits <= 23, "lmul_gemm: formats need at most 23 fraction bits");
  static constexpr int M = F::mantissa_bits;
  static constexpr int shift = 23 - M;  // K units (2^-M) to fp32 fraction units (2^-23)
  /// The constant c of the file comment (carried by the A operand).
  static constexpr std::int64_t a_constant =
      ((std::int64_t{1} << (M - paper_offset_exponent(M))) - std::int64_t{F::bias} * (std::int64_t{1} << M)) *
          (std::int64_t{1} << shift) +
      std::int64_t{127 - F::bias} * (std::int64_t{1} << 23);

  /// Word of the code `code` for the A side (with c) or the B side.
  static constexpr operand_word make(typename F::storage code, bool a_side) {
    using S = typename F::storage;
    operand_word out;
    const S magnitude = S(code & F::magnitude_mask);
    if (F::is_nan_code(magnitude) || F::is_inf_code(magnitude)) {
      out.irregular = true;
      return out;
    }
    if (magnitude == 0) return out;  // word 0, mask 0: the product is masked to +0
    out.magnitude = detail::magnitude_index<F>(magnitude) * (std::int64_t{1} << shift) +
                    (a_side ? a_constant : 0);
    const std::uint32_t sign = (code & F::sign_mask) ? 0x80000000u : 0u;
    out.word = sign + std::uint32_t(std::uint64_t(out.magnitude));  // modulo 2^32
    out.mask = 0xFFFFFFFFu;
    return out;
  }
};

/// Words of 8-bit formats come from a 256-entry table per side (packing is then one lookup).
template <class F>
struct word_table {
  std::array<operand_word, 256> a_side{};
  std::array<operand_word, 256> b_side{};
  constexpr word_table() {
    for (unsigned code = 0; code < 256; ++code) {
      a_side[code] = word_codec<F>::make(typename F::storage(code), true);
      b_side[code] = word_codec<F>::make(typename F::storage(code), false);
    }
  }
};
template <class F>
inline constexpr word_table<F> word_table_of{};

/// The operand word of an element x of type T, for the A side or the B side.
template <lmul_element T>
inline operand_word word_of(T x, bool a_side) {
  using F = format_of_t<T>;
  if constexpr (F::total_bits <= 8) {
    const auto& table = word_table_of<F>;
    return a_side ? table.a_side[to_code(x)] : table.b_side[to_code(x)];
  } else {
    return word_codec<F>::make(to_code(x), a_side);
  }
}

}  // namespace lmul::gemm_detail
