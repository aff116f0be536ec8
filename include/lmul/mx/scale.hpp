// lmul/mx/scale.hpp -- multiply an fp32 value by 2^e with integer operations only.
//
// An MX block result is (block sum) x 2^(sa + sb - 254). A power-of-two scaling of a normal fp32
// whose result stays normal is one integer add on the exponent field: bits + (e << 23). Only when
// the input or the result leaves the normal range (subnormals, underflow to zero, overflow to inf)
// is the significand shifted and rounded, by the library's one rounding engine (round_exact, round
// to nearest even): the result is then the correctly rounded x * 2^e. No multiply instruction.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "../convert.hpp"
#include "../format_traits.hpp"

namespace lmul {
namespace detail {
inline namespace LMUL_ISA {  // every function: see detail/isa_namespace.hpp

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

/// One lane of add_scaled_sums: true when the lane took the fast path (or had nothing to add).
inline bool add_scaled_sum_fast(float& c, float sum, std::int32_t e, bool finite_scale) {
  const std::uint32_t bits = std::bit_cast<std::uint32_t>(sum);
  const std::uint32_t field = (bits >> 23) & 0xFF;
  const bool normal = field - 1 < 254u && field + std::uint32_t(e) - 1 < 254u && finite_scale;
  if (normal) c += std::bit_cast<float>(bits + (std::uint32_t(e) << 23));
  return normal || ((bits << 1) == 0 && finite_scale);
}

/// c[j] += sums[j] * 2^(a_code + b_codes[j] - 254) for j < n (the scaled block sums of one row of
/// an MX GEMM tile), where a_code and b_codes[j] are E8M0 codes; b_codes[j] == 255 (NaN) makes
/// c[j] NaN. First a pass doing the exponent add where input and result are normal (or the sum is
/// zero: C starts at +0, so adding nothing equals adding +0); then the rare other lanes
/// (subnormal, under- or overflow, NaN scale) once more through scale_by_power_of_two. Plain C++
/// (this header needs no SIMD library): the compiler vectorises the first pass where it can.
inline void add_scaled_sums(float* c, const float* sums, std::int32_t a_code,
                            const std::int32_t* b_codes, std::size_t n) {
  constexpr std::int32_t twice_bias = 254;
  bool any_slow = false;
  for (std::size_t j = 0; j < n; ++j) {
    any_slow = !add_scaled_sum_fast(c[j], sums[j], a_code + b_codes[j] - twice_bias,
                                    b_codes[j] != 255) || any_slow;
  }
  if (!any_slow) return;
  for (std::size_t j = 0; j < n; ++j) {
    const std::int32_t e = a_code + b_codes[j] - twice_bias;
    float unchanged = 0.f;
    if (add_scaled_sum_fast(unchanged, sums[j], e, b_codes[j] != 255)) continue;
    c[j] = b_codes[j] == 255 ? std::numeric_limits<float>::quiet_NaN()
                             : c[j] + scale_by_power_of_two(sums[j], e);
  }
}

}  // inline namespace LMUL_ISA
}  // namespace detail
}  // namespace lmul

