// lmul/kernels/avx512_vbmi.hpp -- 8-bit kernels with AVX-512 VBMI, BF16 and BMI2 intrinsics.
//
// xsimd 8.1 wraps none of these, so the kernels use intrinsics on __m512i and carry target
// attributes: they compile in any AVX-512 translation unit and must run only where
// avx512_vbmi::available() (kernels.hpp checks that for runtime dispatch; the compile-time default
// picks this arch only when the flags already enable all three extensions).
//
// vpermi2b looks up 128-byte tables with the 7 low bits of each index, so the sign bit of an
// operand code needs no masking: u(x) is one instruction per 64 operands.
//
// HARDWARE MULTIPLIER AS ADDER: the dot kernel feeds the bf16 wide products to vdpbf16ps with a
// second operand of +1.0 (or 0.0 to drop a zero product). The multiplier only multiplies by one;
// vdpbf16ps is used as a 32-lane bf16 -> fp32 widening adder. No product of two data values is ever
// computed by a hardware multiplier.
#pragma once

#include "../detail/isa_namespace.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>

#include <immintrin.h>

#include "../product.hpp"
#include "byte_tables.hpp"
#include "dot.hpp"

#define LMUL_VBMI_TARGET __attribute__((target("avx512f,avx512bw,avx512vbmi,avx512bf16,bmi2")))

namespace lmul::kernels::detail::inline LMUL_ISA {

/// One register (64 elements) of 8-bit L-Mul products. Pairs with a zero operand are masked to
/// class 0 (product 0); a register with a NaN or inf operand is recomputed by the caller.
template <class F>
[[gnu::always_inline]] LMUL_VBMI_TARGET inline __m512i multiply_bytes_vbmi(__m512i a, __m512i b, __m512i index_lo,
                                                   __m512i index_hi, const __m512i product[4],
                                                   __mmask64& special) {
  const __m512i magnitude = _mm512_set1_epi8(char(F::magnitude_mask));
  const __mmask64 nonzero = _mm512_test_epi8_mask(a, magnitude) & _mm512_test_epi8_mask(b, magnitude);
  const __m512i ua = _mm512_permutex2var_epi8(index_lo, a, index_hi);
  const __m512i ub = _mm512_permutex2var_epi8(index_lo, b, index_hi);
  const __m512i marker = _mm512_set1_epi8(char(byte_tables<F>::special_index));
  special = _mm512_cmpeq_epi8_mask(ua, marker) | _mm512_cmpeq_epi8_mask(ub, marker);
  const __m512i cls = _mm512_maskz_adds_epu8(nonzero, ua, ub);
  const __m512i low = _mm512_permutex2var_epi8(product[0], cls, product[1]);
  const __m512i high = _mm512_permutex2var_epi8(product[2], cls, product[3]);
  const __m512i result = _mm512_mask_blend_epi8(_mm512_movepi8_mask(cls), low, high);
  // result | ((a ^ b) & sign): ternary-logic truth table A | (B & C) = 0xF8.
  return _mm512_ternarylogic_epi32(result, _mm512_xor_si512(a, b),
                                   _mm512_set1_epi8(char(F::sign_mask)),
                                   0xF8);
}

/// Scalar products of 64 codes (registers with a NaN or inf operand). Out of line: rare.
template <class F>
[[gnu::noinline]] void multiply_block_scalar(const std::uint8_t* a, const std::uint8_t* b,
                                             std::uint8_t* out) {
  std::uint8_t xa[64], xb[64];  // out may be a or b
  std::memcpy(xa, a, 64);
  std::memcpy(xb, b, 64);
  for (int j = 0; j < 64; ++j) out[j] = ::lmul::detail::lmul_codes<F>(xa[j], xb[j]);
}

template <class F>
LMUL_VBMI_TARGET void multiply_codes_vbmi(const std::uint8_t* a, const std::uint8_t* b,
                                          std::uint8_t* out, std::size_t n) {
  constexpr auto& t = byte_tables_v<F>;
  static_assert(t.product_by_class && t.product[0] == 0,
                "class 0 (zero operands are masked to it) must be a zero product");
  const __m512i index_lo = _mm512_loadu_si512(t.index.data());
  const __m512i index_hi = _mm512_loadu_si512(t.index.data() + 64);
  const __m512i product[4] = {
      _mm512_loadu_si512(t.product.data()), _mm512_loadu_si512(t.product.data() + 64),
      _mm512_loadu_si512(t.product.data() + 128), _mm512_loadu_si512(t.product.data() + 192)};
  // One loop in this function (no lambda): GCC must not see a call boundary per register, or it
  // reloads the six tables every 64 elements (measured: half the speed).
  std::size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    __mmask64 special;
    const __m512i r = multiply_bytes_vbmi<F>(_mm512_loadu_si512(a + i), _mm512_loadu_si512(b + i),
                                             index_lo, index_hi, product, special);
    if (special == 0) {
      _mm512_storeu_si512(out + i, r);
    } else {
      multiply_block_scalar<F>(a + i, b + i, out + i);
    }
  }
  if (i < n) {  // the tail, zero-padded through the same code
    std::uint8_t ta[64] = {}, tb[64] = {}, to[64];
    std::memcpy(ta, a + i, n - i);
    std::memcpy(tb, b + i, n - i);
    __mmask64 special;
    const __m512i r = multiply_bytes_vbmi<F>(_mm512_loadu_si512(ta), _mm512_loadu_si512(tb),
                                             index_lo, index_hi, product, special);
    _mm512_storeu_si512(to, r);
    if (special != 0) multiply_block_scalar<F>(ta, tb, to);
    std::memcpy(out + i, to, n - i);
  }
}

/// Sum of wide products of n 8-bit codes.
template <class F>
LMUL_VBMI_TARGET float dot_codes_vbmi(const std::uint8_t* a, const std::uint8_t* b, std::size_t n) {
  constexpr auto& t = byte_tables_v<F>;
  constexpr int shift = 7 - F::mantissa_bits;  // index sum -> bf16 word
  static_assert(t.wide_by_index);
  static_assert(2 * 254 << shift < 32768, "vpmaddubsw must not saturate");
  const __m512i index_lo = _mm512_loadu_si512(t.index.data());
  const __m512i index_hi = _mm512_loadu_si512(t.index.data() + 64);
  const __m512i magnitude = _mm512_set1_epi8(char(F::magnitude_mask));
  const __m512i marker = _mm512_set1_epi8(char(byte_tables<F>::special_index));
  // vpmaddubsw with this gives (u(x) + u(y)) << shift from the interleaved pair (u(x), u(y)).
  const __m512i scale = _mm512_set1_epi8(char(1 << shift));
  const __m512i bias = _mm512_set1_epi16(short(t.wide_bias << shift));
  const __m512i sign_bit = _mm512_set1_epi16(short(0x8000));
  const __m512bh one = (__m512bh)_mm512_set1_epi16(0x3F80);  // bf16 1.0
  // unpacklo/hi_epi8 take bytes 0-7 / 8-15 of each 128-bit lane: which elements a word holds.
  constexpr std::uint64_t low_bytes = 0x00FF00FF00FF00FFull, high_bytes = ~low_bytes;
  __m512 acc[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(),
                   _mm512_setzero_ps()};
  float scalar_sum = 0.f;
  std::size_t i = 0;
  const auto block = [&](const std::uint8_t* pa, const std::uint8_t* pb, int half)
                         LMUL_VBMI_TARGET {
    const __m512i a = _mm512_loadu_si512(pa), b = _mm512_loadu_si512(pb);
    const __m512i ua = _mm512_permutex2var_epi8(index_lo, a, index_hi);
    const __m512i ub = _mm512_permutex2var_epi8(index_lo, b, index_hi);
    if ((_mm512_cmpeq_epi8_mask(ua, marker) | _mm512_cmpeq_epi8_mask(ub, marker)) != 0) {
      scalar_sum += dot_codes_scalar<F>(pa, pb, 64);
      return;
    }
    const std::uint64_t nonzero =
        _mm512_test_epi8_mask(a, magnitude) & _mm512_test_epi8_mask(b, magnitude);
    const __m512i signs = _mm512_xor_si512(a, b);
    const auto words = [&](__m512i pair, __m512i sign_pair, std::uint64_t lanes) LMUL_VBMI_TARGET {
      const __mmask32 keep = __mmask32(_pext_u64(nonzero, lanes));
      const __m512i sum = _mm512_maskz_add_epi16(keep, _mm512_maddubs_epi16(pair, scale), bias);
      return _mm512_ternarylogic_epi32(sum, sign_pair, sign_bit, 0xF8);  // sum | (sign & 0x8000)
    };
    const __m512i lo = words(_mm512_unpacklo_epi8(ua, ub), _mm512_unpacklo_epi8(signs, signs),
                             low_bytes);
    const __m512i hi = words(_mm512_unpackhi_epi8(ua, ub), _mm512_unpackhi_epi8(signs, signs),
                             high_bytes);
    acc[half] = _mm512_dpbf16_ps(acc[half], (__m512bh)lo, one);
    acc[half + 1] = _mm512_dpbf16_ps(acc[half + 1], (__m512bh)hi, one);
  };
  for (; i + 128 <= n; i += 128) {
    block(a + i, b + i, 0);
    block(a + i + 64, b + i + 64, 2);
  }
  for (; i + 64 <= n; i += 64) block(a + i, b + i, 0);
  const __m512 sum = _mm512_add_ps(_mm512_add_ps(acc[0], acc[1]), _mm512_add_ps(acc[2], acc[3]));
  return _mm512_reduce_add_ps(sum) + scalar_sum + dot_codes_scalar<F>(a + i, b + i, n - i);
}

}  // namespace lmul::kernels::detail
