// lmul/mx/quantize.hpp -- OCP MX v1.0 quantization (section 6.3) and dequantization.
//
// Per block of values V_i: one shared power-of-two scale 2^shared (an E8M0 code shared + 127) and
// elements P_i = V_i / 2^shared rounded to the element format (nearest even, saturating). All of it
// is exact integer work on the fp32 bit patterns: the scale is read off the exponent of amax, and
// dividing by 2^shared is a shift of the exponent fed to the library's one rounding engine.
// The rules (docs/spec.md, "MX"):
//   NaN or inf in the block -> scale NaN (0xFF), elements +0;
//   amax = max |V_i| = 0    -> shared = -127;
//   floor: shared = floor(log2(amax)) - emax_elem          (the OCP rule, torchao's default)
//   rceil: shared = ceil(log2(amax / max_elem)), exactly    (Transformer Engine, cuBLAS)
//   shared > 127 -> scale NaN, elements +0; shared < -127 -> -127.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>

#include "../convert.hpp"
#include "../errors.hpp"
#include "../float8_e8m0.hpp"
#include "element.hpp"
#include "scale.hpp"

namespace lmul {

/// Block size of OCP MX: 32 elements share one scale.
inline constexpr std::size_t mx_block_size = 32;

/// How the shared exponent follows from the block's largest magnitude amax.
enum class mx_scale_rule {
  floor,  ///< floor(log2(amax)) - emax_elem: OCP MX v1.0; values in (max_elem, 2^(emax+1)) clamp
  rceil   ///< ceil(log2(amax / max_elem)): amax always fits, at most one binade lost
};

namespace detail {
inline namespace LMUL_ISA {

/// Number of blocks of `block` elements that cover n (the last may be short).
constexpr std::size_t mx_block_count(std::size_t n, std::size_t block) {
  return n / block + (n % block != 0 ? 1 : 0);
}

/// The checks shared by quantize, dequantize and the dot products: block > 0, `scales` scales
/// for `n` elements.
inline void check_mx_layout(const char* name, std::size_t scales, std::size_t n, std::size_t block) {
  if (block == 0) fail(name, "block size is 0");
  const std::size_t want = mx_block_count(n, block);
  if (scales != want) {
    fail(name, std::to_string(scales) + " scales given, " + std::to_string(n) +
                      " elements in blocks of " + std::to_string(block) + " need " +
                      std::to_string(want));
  }
}

/// floor(log2(m)) of a finite nonzero fp32 magnitude (bits without the sign).
constexpr int floor_log2(std::uint32_t magnitude) {
  const int field = int(magnitude >> 23);
  if (field != 0) return field - 127;
  return int(std::bit_width(magnitude)) - 1 - 149;  // subnormal: m = fraction * 2^-149
}

/// The significand of a finite nonzero magnitude of format F, normalised to 24 bits, so that two
/// magnitudes can be compared within their binades (1.f with the leading one at bit 23).
template <class F>
constexpr std::uint32_t significand24(typename F::storage magnitude) {
  std::uint64_t sig = 0;
  int exp = 0;
  decompose<F>(magnitude, sig, exp);
  return std::uint32_t(sig << (24 - std::bit_width(sig)));
}

/// The shared exponent of a block with largest magnitude amax_bits (fp32, finite), before the
/// range rule, for element type T.
template <mx_element T>
constexpr int mx_shared_exponent(std::uint32_t amax_bits, mx_scale_rule rule) {
  using F = format_of_t<T>;
  if (amax_bits == 0) return -127;
  const int floor_shared = floor_log2(amax_bits) - mx_emax<T>;
  if (rule == mx_scale_rule::floor) return floor_shared;
  // amax = fa * 2^ea, max_elem = fm * 2^emax with fa, fm in [1, 2): amax / max_elem lies in
  // (2^(s-1), 2^(s+1)) with s = ea - emax, and ceil(log2) is s when fa <= fm, s + 1 otherwise.
  const bool above = significand24<float32_traits>(amax_bits) > significand24<F>(F::max_finite_code);
  return floor_shared + (above ? 1 : 0);
}

}  // inline namespace LMUL_ISA
}  // namespace detail

inline namespace LMUL_ISA {  // every function: see detail/isa_namespace.hpp

/// OCP MX quantization of x into blocks of `block` values: scales[j] is the E8M0 scale of block j,
/// elems[i] the element of x[i]. Throws std::invalid_argument (nothing written) unless
/// scales.size() == ceil(n / block), elems.size() == n and block > 0.
template <mx_element Elem>
void mx_quantize(std::span<const float> x, std::span<float8_e8m0fnu> scales, std::span<Elem> elems,
                 mx_scale_rule rule = mx_scale_rule::floor, std::size_t block = mx_block_size) {
  using F = format_of_t<Elem>;
  using S = typename F::storage;
  detail::check_mx_layout("mx_quantize", scales.size(), x.size(), block);
  if (elems.size() != x.size()) {
    detail::fail("mx_quantize", "elems has " + std::to_string(elems.size()) +
                                       " elements, x has " + std::to_string(x.size()));
  }
  for (std::size_t first = 0, j = 0; first < x.size(); first += block, ++j) {
    const std::size_t count = std::min(block, x.size() - first);
    std::uint32_t amax_bits = 0;  // fp32 magnitudes compare as their bit patterns
    for (std::size_t i = 0; i < count; ++i) {
      amax_bits = std::max(amax_bits, std::bit_cast<std::uint32_t>(x[first + i]) & 0x7FFFFFFFu);
    }
    const int shared = detail::mx_shared_exponent<Elem>(amax_bits, rule);
    if (amax_bits >= 0x7F800000u || shared > float8_e8m0fnu::max_exponent) {  // NaN/inf, too large
      scales[j] = float8_e8m0fnu::from_bits(float8_e8m0fnu::nan_code);
      std::fill_n(elems.begin() + std::ptrdiff_t(first), count, Elem{});
      continue;
    }
    const int scale = std::max(shared, float8_e8m0fnu::min_exponent);
    scales[j] = float8_e8m0fnu::from_exponent(scale);
    for (std::size_t i = 0; i < count; ++i) {
      // |V_i| = sig * 2^exp; V_i / 2^scale = sig * 2^(exp - scale), rounded once, saturating.
      const std::uint32_t bits = std::bit_cast<std::uint32_t>(x[first + i]);
      std::uint64_t sig = 0;
      int exp = 0;
      if ((bits & 0x7FFFFFFFu) != 0) detail::decompose<float32_traits>(bits & 0x7FFFFFFFu, sig, exp);
      elems[first + i] = Elem::from_bits(S(detail::round_exact<F>(
          (bits >> 31) != 0, sig, exp - scale, overflow_mode::saturating)));
    }
  }
}

/// out[i] = elems[i] * 2^shared of its block, rounded once to fp32 (overflow gives +-inf); a NaN
/// scale gives NaN for its whole block. Throws std::invalid_argument (nothing written) unless
/// scales.size() == ceil(n / block), out.size() == elems.size() == n and block > 0.
template <mx_element Elem>
void mx_dequantize(std::span<const float8_e8m0fnu> scales, std::span<const Elem> elems,
                   std::span<float> out, std::size_t block = mx_block_size) {
  detail::check_mx_layout("mx_dequantize", scales.size(), elems.size(), block);
  if (out.size() != elems.size()) {
    detail::fail("mx_dequantize", "out has " + std::to_string(out.size()) +
                                         " elements, elems has " + std::to_string(elems.size()));
  }
  for (std::size_t first = 0, j = 0; first < elems.size(); first += block, ++j) {
    const std::size_t count = std::min(block, elems.size() - first);
    const bool nan_scale = isnan(scales[j]);
    const int shared = scales[j].exponent();
    for (std::size_t i = 0; i < count; ++i) {
      const float value = float(elems[first + i]);  // exact; NaN and inf stay what they are
      out[first + i] = nan_scale ? std::numeric_limits<float>::quiet_NaN()
                                 : detail::scale_by_power_of_two(value, shared);
    }
  }
}

}  // inline namespace LMUL_ISA
}  // namespace lmul
