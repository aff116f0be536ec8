// lmul/kernels/table_word_sum.hpp -- the fp32 sum of the wide L-Mul products of one block of 8-bit
// codes by integer adds of table words (the block sums of the scalar arch, and short blocks).
//
// For a format F with M fraction bits and finite nonzero x, y whose L-Mul value V(k) is an fp32
// normal (true for every pair of every format with at most 8 bits: their products lie far inside
// fp32's range), the fp32 bit pattern of V(k) is k * 2^(23 - M) + (127 - bias) * 2^23 with
// k = K(x) + K(y) - bias * 2^M + 2^(M - l(M)) (spec section 3). Split between the operands:
//   word_a(x) = sign(x) * 2^31 + K(x) * 2^(23 - M) + c,   word_b(y) = sign(y) * 2^31 + K(y) * 2^(23 - M),
//   c = (2^(M - l(M)) - bias * 2^M) * 2^(23 - M) + (127 - bias) * 2^23,
// and bits(lmul_wide_product(x, y)) = word_a(x) + word_b(y) modulo 2^32 (the sign bits add to their
// XOR at bit 31). This is the derivation of lmul_gemm's operand words (gemm/operand_words.hpp),
// written out for 8-bit tables. Each word comes from a
// 256-entry table, so an element costs two loads, one integer add and one fp32 add: no multiply.
// Zero operands are masked to +0; a block holding a NaN or inf code (fp8 only) is summed with the
// scalar definition instead.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

#include "../product.hpp"

namespace lmul {
namespace detail {
inline namespace LMUL_ISA {  // every function: see detail/isa_namespace.hpp

template <class F>
struct mx_word_tables {
  static_assert(F::total_bits <= 8, "MX block sums take formats of at most 8 bits");
  std::array<std::uint32_t, 256> a{}, b{}, nonzero{};
  std::array<std::uint8_t, 256> special{};  // 1 for NaN and inf codes
  constexpr mx_word_tables() {
    constexpr int M = F::mantissa_bits;
    constexpr std::int64_t unit = std::int64_t{1} << (23 - M);
    constexpr std::int64_t c = ((std::int64_t{1} << (M - paper_offset_exponent(M))) -
                                std::int64_t{F::bias} * (std::int64_t{1} << M)) * unit +
                               std::int64_t{127 - F::bias} * (std::int64_t{1} << 23);
    // All 256 bytes: a code is read by its total_bits low bits (format_traits::code_mask), so
    // the entry of a byte with higher bits set is that of its low bits (FP6 / FP4 from raw bytes).
    for (std::uint32_t code = 0; code < 256; ++code) {
      const auto magnitude = typename F::storage(code & F::magnitude_mask);
      special[code] = (F::is_nan_code(magnitude) || F::is_inf_code(magnitude)) ? 1 : 0;
      if (magnitude == 0 || special[code]) continue;  // masked (zero) or never used (special)
      const std::uint32_t sign = (code & F::sign_mask) ? 0x80000000u : 0u;
      const std::int64_t word = magnitude_index<F>(magnitude) * unit;  // may be negative
      a[code] = sign + std::uint32_t(std::uint64_t(word + c));
      b[code] = sign + std::uint32_t(std::uint64_t(word));
      nonzero[code] = 0xFFFFFFFFu;
    }
  }
};
template <class F>
inline constexpr mx_word_tables<F> mx_word_tables_v{};

/// Sum of lmul_wide(a[i], b[i]) for i < n in fp32 (eight interleaved accumulators: the spec allows
/// any order). Bits above the format's width are ignored (the tables give every byte the words of
/// its low bits).
template <class F>
float wide_block_sum(const typename F::storage* a, const typename F::storage* b, std::size_t n) {
  constexpr auto& t = mx_word_tables_v<F>;
  constexpr std::size_t lanes = 8;
  float acc[lanes] = {};
  unsigned special = 0;
  std::size_t i = 0;
  const auto term = [&](std::size_t k) {
    special |= t.special[a[k]] | t.special[b[k]];
    return std::bit_cast<float>((t.a[a[k]] + t.b[b[k]]) & t.nonzero[a[k]] & t.nonzero[b[k]]);
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
