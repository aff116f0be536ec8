// lmul/kernels/table_word_sum.hpp -- the fp32 sum of the wide L-Mul products of one block of 8-bit
// codes by integer adds of table words (the block sums of the scalar arch, and short blocks).
//
// For finite nonzero x, y of a format of at most 8 bits, bits(lmul_wide_product(x, y)) is the sum
// modulo 2^32 of x's A-side and y's B-side operand word (operand_words.hpp, which derives it; every
// such product is an fp32 normal). Each word comes from a 256-entry table, so an element costs two
// loads, one integer add and one fp32 add: no multiply. Zero operands are masked to +0; a block
// holding a NaN or inf code (fp8 only) is summed with the scalar definition instead.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

#include "../product.hpp"
#include "operand_words.hpp"

namespace lmul {
namespace detail {
inline namespace LMUL_ISA {  // every function: see detail/isa_namespace.hpp

/// Which bytes are nonzero finite codes (a mask of all ones) and which are NaN or inf, for the
/// word sum below; the words themselves are operand_words.hpp's.
template <class F>
struct block_sum_masks {
  static_assert(F::total_bits <= 8, "block sums take formats of at most 8 bits");
  std::array<std::uint32_t, 256> nonzero{};
  std::array<std::uint8_t, 256> special{};  // 1 for NaN and inf codes
  constexpr block_sum_masks() {
    // All 256 bytes: a code is read by its total_bits low bits (format_traits::code_mask), so
    // the entry of a byte with higher bits set is that of its low bits (FP6 / FP4 from raw bytes).
    for (std::uint32_t code = 0; code < 256; ++code) {
      const auto magnitude = typename F::storage(code & F::magnitude_mask);
      special[code] = (F::is_nan_code(magnitude) || F::is_inf_code(magnitude)) ? 1 : 0;
      nonzero[code] = magnitude == 0 || special[code] ? 0u : 0xFFFFFFFFu;
    }
  }
};
template <class F>
inline constexpr block_sum_masks<F> block_sum_masks_v{};

/// Sum of lmul_wide(a[i], b[i]) for i < n in fp32 (eight interleaved accumulators: the spec allows
/// any order). Bits above the format's width are ignored (the tables give every byte the words of
/// its low bits).
template <class F>
float wide_block_sum(const typename F::storage* a, const typename F::storage* b, std::size_t n) {
  constexpr auto& t = block_sum_masks_v<F>;
  constexpr auto& words = word_table_of<F>;  // operand_words.hpp: the words of every byte
  constexpr std::size_t lanes = 8;
  float acc[lanes] = {};
  unsigned special = 0;
  std::size_t i = 0;
  const auto term = [&](std::size_t k) {
    special |= t.special[a[k]] | t.special[b[k]];
    return std::bit_cast<float>((words.a_side[a[k]] + words.b_side[b[k]]) & t.nonzero[a[k]] &
                                t.nonzero[b[k]]);
  };
  for (; i + lanes <= n; i += lanes) {
    for (std::size_t j = 0; j < lanes; ++j) acc[j] += term(i + j);
  }
  for (std::size_t j = 0; i < n; ++i, ++j) acc[j] += term(i);
  if (special != 0) {  // NaN or inf operands: the scalar definition gives their NaN / inf
    float sum = 0.f;
    for (std::size_t k = 0; k < n; ++k) sum += lmul_wide<F>(a[k], b[k]);
    return sum;
  }
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

}  // inline namespace LMUL_ISA
}  // namespace detail
}  // namespace lmul
