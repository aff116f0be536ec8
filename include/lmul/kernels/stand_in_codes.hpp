// lmul/kernels/stand_in_codes.hpp -- FP6 and FP4 codes rewritten as codes of a stand-in: the 8-bit
// format with the same fraction width, whose wide L-Mul products are the same.
//
// Why the products agree. For finite nonzero x = (1 + f / 2^M) * 2^e (subnormals normalised first,
// spec section 3.1), K(x) - bias * 2^M = e * 2^M + f depends on the value and on M only. The wide
// product is V(k) with k = K(x) + K(y) - bias * 2^M + 2^(M - l(M)), and
//   V(k) = (2^M + (k mod 2^M)) * 2^(floor(k / 2^M) - bias - M)
// depends on k - bias * 2^M only (bias * 2^M is a multiple of 2^M), that is on
// (K(x) - bias 2^M) + (K(y) - bias 2^M) + 2^(M - l(M)): on M and the two values. Zero operands give
// a signed zero and the sign is the XOR in every format. So two formats with the same M give the
// same wide product for the same two values, provided both represent them exactly.
//
// The 8-bit IEEE-style format lmul<M, 7 - M> does: its exponent range holds every FP6 / FP4 value,
// subnormals included, as a normal (e2m3: 0.125..7.5 in lmul<3,4>'s 2^-6..240; e3m2: 2^-4..28 in
// lmul<2,5>'s 2^-14..57344; e2m1: 0.5..6 in lmul<1,6>'s 2^-30..2^32), and FP6 / FP4 have no NaN or
// inf. The library compiles block-sum kernels for these three formats, so lmul_mx_dot runs FP6 and
// FP4 on them after a byte-to-byte table lookup (64 or 16 entries). tests/mx checks every pair of
// codes against the independent reference.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "../convert.hpp"
#include "../detail/isa_namespace.hpp"
#include "../format_traits.hpp"

namespace lmul {
namespace detail {
inline namespace LMUL_ISA {  // every function: see detail/isa_namespace.hpp

/// The OCP MX element formats narrower than their byte: FP6 (e2m3, e3m2) and FP4 (e2m1).
template <class F>
inline constexpr bool is_narrow_mx_format = F::total_bits < 8 && F::specials == special_values::none;

/// The 8-bit format whose codes stand for F's (see the file comment).
template <class F>
using stand_in_format_t = format_traits<F::mantissa_bits, 7 - F::mantissa_bits>;

/// Deliberately not constexpr: the compile-time construction below fails where it is reached
/// (no throw: the header also compiles without exceptions).
inline void value_not_exact_in_the_wide_format() {}

/// F's code -> the code of the same value in stand_in_format_t<F>, for the 2^total_bits codes of F.
template <class F>
struct stand_in_code_table {
  static_assert(is_narrow_mx_format<F>);
  static constexpr std::size_t size = std::size_t{1} << F::total_bits;
  std::array<std::uint8_t, size> code{};
  constexpr stand_in_code_table() {
    using W = stand_in_format_t<F>;
    for (std::size_t c = 0; c < size; ++c) {
      // decode is exact (a float), and the value is a number of W, so encode is exact too.
      code[c] = encode<W>(double(decode<F>(std::uint8_t(c))));
      if (double(decode<W>(code[c])) != double(decode<F>(std::uint8_t(c)))) {
        value_not_exact_in_the_wide_format();  // not constexpr: a compile error here
      }
    }
  }
};
template <class F>
inline constexpr stand_in_code_table<F> stand_in_codes_v{};

/// A table of at most 64 bytes, zero-padded to 64 (one AVX-512 register for vpermb).
template <std::size_t N>
constexpr std::array<std::uint8_t, 64> padded_to_64(const std::array<std::uint8_t, N>& table) {
  static_assert(N <= 64);
  std::array<std::uint8_t, 64> out{};
  for (std::size_t i = 0; i < N; ++i) out[i] = table[i];
  return out;
}

}  // inline namespace LMUL_ISA
}  // namespace detail
}  // namespace lmul
