// lmul/mx/scale.hpp -- multiply an fp32 value by 2^e with integer operations only.
//
// An MX block result is (block sum) x 2^(sa + sb - 254). A power-of-two scaling of a normal fp32
// whose result stays normal is one integer add on the exponent field: bits + (e << 23). Only when
// the input or the result leaves the normal range (subnormals, underflow to zero, overflow to inf)
// is the significand shifted and rounded, by the library's one rounding engine (round_exact, round
// to nearest even): the result is then the correctly rounded x * 2^e. No multiply instruction.
#pragma once

#include <bit>
#include <cstdint>

#include "../convert.hpp"
#include "../format_traits.hpp"

namespace lmul::detail {

/// x * 2^e correctly rounded to fp32 (nearest even; overflow gives +-inf). NaN, +-inf and +-0
/// come back unchanged. Any int e is accepted.
constexpr float scale_by_power_of_two(float x, int e) {
  const std::uint32_t bits = std::bit_cast<std::uint32_t>(x);
  const std::uint32_t magnitude = bits & 0x7FFFFFFFu;
  const int field = int(magnitude >> 23);
  if (field == 0xFF || magnitude == 0) return x;
  // Fast path: a normal input whose exponent field stays in 1..254 (the result is normal).
  if (field != 0 && e > -field && e < 0xFF - field) {
    return std::bit_cast<float>(bits + (std::uint32_t(e) << 23));  // modular: e may be negative
  }
  // Anything else: |x| = sig * 2^exp exactly, then one rounding of sig * 2^(exp + e).
  std::uint64_t sig = 0;
  int exp = 0;
  decompose<float32_traits>(magnitude, sig, exp);
  // Clamp e far beyond both ends of fp32's range (|exp| <= 149, sig < 2^24) so that exp + e
  // cannot overflow an int; the clamped result is the same: inf or zero.
  constexpr int far = 1000;
  const int shift = e > far ? far : (e < -far ? -far : e);
  return std::bit_cast<float>(
      round_exact<float32_traits>((bits >> 31) != 0, sig, exp + shift, overflow_mode::non_saturating));
}

}  // namespace lmul::detail
