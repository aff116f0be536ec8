// Exact fp8 (e4m3fn, e5m2) baselines: the fastest exact ways found to compute what a user without
// L-Mul would compute. Several methods per operation, so that the benchmark shows the chosen one
// against its alternatives on every machine.
//
// dot (fp32 sum of the exact products):
//   bf16_dpbf16   AVX-512 VBMI + BF16. Every e4m3fn / e5m2 value (NaN and inf included) is exactly
//                 a bfloat16, and a bf16 x bf16 product (at most 8 x 8 significant bits) is exact in
//                 fp32: 128-entry byte tables (`vpermt2b`) give the bf16 high and low bytes of 64
//                 codes, `vpunpck{l,h}bw` interleave them to words, `vdpbf16ps` multiplies pairs
//                 and accumulates in fp32. No denormal occurs (the smallest product, 2^-18 for
//                 e4m3fn and 2^-32 for e5m2, is an fp32 normal), so its flush-to-zero is harmless.
//   vbmi_fp32fma  AVX-512 VBMI: the same bf16 words, widened to fp32 (even words by `<< 16`, odd
//                 words by masking the low half away), then `vfmadd`: for CPUs without BF16.
//   decode_fp32fma AVX-512F: arithmetic decode to fp32 (normal codes: the magnitude bits shifted
//                 into place plus the exponent rebias; subnormal codes: integer-to-float conversion
//                 times 2^(1 - bias - M), exact), then `vfmadd`. No fp32 denormal is formed.
//   avx2_f16c_fp32fma  AVX2 + FMA + F16C: each code's magnitude bits moved where an fp16 keeps them
//                 (e5m2 is the top byte of an fp16; e4m3fn one shift and mask), so the fp16 is the
//                 value times 2^(bias - 15), subnormal codes included; `vcvtph2ps` widens it
//                 exactly, `vfmadd` accumulates, one multiply by 2^(2 (15 - bias)) at the end. A
//                 register of 32 pairs with a NaN or inf code takes the scalar path.
//   table_fp32fma any instruction set: blocks decoded through a 256-entry fp32 table, then the
//                 fp32 FMA dot of bench/baselines/fp32.hpp.
// multiply (exact product rounded to the format, round to nearest even):
//   table_scalar  a 16 KiB table indexed by the two 7-bit magnitudes (it fits in L1), sign by XOR.
//   table_gather  the same table read by `vpgatherdd` (16 lanes at a time).
//   vbmi_fp32     AVX-512 VBMI: the bf16 byte tables above, widened to fp32, `vmulps` (exact: <= 8
//                 significant bits), a round-to-nearest-even encode of the magnitude (normal range
//                 by integer rounding, subnormal range by a magic-number add), sign by XOR.
//   decode_fp32   the same with an arithmetic decode (AVX-512F only), 16 lanes at a time.
//   avx2_f16c     AVX2 + F16C: the dot's fp16 widening, `vmulps`, the same encode at 8 lanes.
//
// The tables come from the library's exact conversions and its exactly rounded fp8 operator*, and
// bench/kernels/kernels_bench.cpp checks every method on all 256 x 256 code pairs before timing it.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>

#if defined(__AVX2__) || defined(__AVX512F__)
#include <immintrin.h>
#endif

#include <lmul/small_float.hpp>

#include "baselines/fp32.hpp"

namespace lmul_bench::fp8 {

// The helpers below are pieces of hot loops, shared between methods. Forced inline, so that each
// method compiles to the single loop it would be if written out: GCC 12's inliner otherwise keeps
// some of them as calls (with the accumulators passed through memory).
#define LMUL_BENCH_FP8_INLINE [[gnu::always_inline]] inline

template <class T>
struct tables {
  std::array<std::uint16_t, 256> bf16{};  // code -> bfloat16 bits of its value (exact)
  // product[(|a| << 7) | |b|]: magnitude code of the exactly rounded product a * b (sign 0). Three
  // bytes of padding let a 4-byte gather at the last index stay inside the array.
  std::array<std::uint8_t, 128 * 128 + 3> product{};
};

template <class T>
const tables<T>& get_tables() {
  static const tables<T> t = [] {
    tables<T> out;
    for (unsigned c = 0; c < 256; ++c) {
      const float v = float(T::from_bits(std::uint8_t(c)));
      const std::uint32_t bits = std::bit_cast<std::uint32_t>(v);
      if ((bits & 0xFFFF) != 0 && !std::isnan(v)) throw std::logic_error("fp8 value is not a bf16");
      out.bf16[c] = std::isnan(v) ? std::uint16_t(0x7FC0 | (c & 0x80 ? 0x8000 : 0)) : std::uint16_t(bits >> 16);
    }
    for (unsigned a = 0; a < 128; ++a) {
      for (unsigned b = 0; b < 128; ++b) {
        const T p = T::from_bits(std::uint8_t(a)) * T::from_bits(std::uint8_t(b));
        out.product[(a << 7) | b] = std::uint8_t(p.bits() & 0x7F);
      }
    }
    return out;
  }();
  return t;
}

/// Scalar reference path for tails: the exact product in fp32 (exact: <= 8 significant bits).
template <class T>
float exact_product(std::uint8_t a, std::uint8_t b) {
  return float(T::from_bits(a)) * float(T::from_bits(b));
}

/// sum + the exact products of the code pairs first .. n-1, added in order: the vector dots' tail.
template <class T>
LMUL_BENCH_FP8_INLINE float add_exact_products(float sum, const std::uint8_t* a, const std::uint8_t* b,
                                               std::size_t first, std::size_t n) {
  for (std::size_t i = first; i < n; ++i) sum += exact_product<T>(a[i], b[i]);
  return sum;
}

// ---- multiply: table, scalar ---------------------------------------------------------------

template <class T>
void multiply_table_scalar(const std::uint8_t* a, const std::uint8_t* b, std::uint8_t* out, std::size_t n) {
  const std::uint8_t* product = get_tables<T>().product.data();
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned x = a[i], y = b[i];
    out[i] = std::uint8_t(product[((x & 0x7F) << 7) | (y & 0x7F)] | ((x ^ y) & 0x80));
  }
}

// ---- dot: table decode to fp32, then the fp32 FMA dot (any instruction set) ----------------------

/// Blocks of 256 codes decoded through a 256-entry fp32 table (exact) into two small buffers, then
/// lmul_bench::fp32::dot<8>: the portable exact fp8 dot, for builds without AVX-512.
template <class T>
float dot_table_fp32fma(const std::uint8_t* a, const std::uint8_t* b, std::size_t n) {
  static const auto decode = [] {
    std::array<float, 256> table{};
    for (unsigned c = 0; c < 256; ++c) table[c] = float(T::from_bits(std::uint8_t(c)));
    return table;
  }();
  constexpr std::size_t block = 256;
  alignas(64) float x[block], y[block];
  float sum = 0.0f;
  for (std::size_t i = 0; i < n; i += block) {
    const std::size_t m = std::min(block, n - i);
    for (std::size_t j = 0; j < m; ++j) {
      x[j] = decode[a[i + j]];
      y[j] = decode[b[i + j]];
    }
    sum += fp32::dot<8>(x, y, m);
  }
  return sum;
}

#if defined(__AVX2__) && defined(__FMA__) && defined(__F16C__)

// ---- dot: fp8 -> fp16 -> fp32 by F16C, then FMA (AVX2) --------------------------------------------

/// True if any of the 32 code pairs holds a NaN or inf code: the magnitudes' maximum against the
/// smallest special magnitude (e5m2's infinity, e4m3fn's NaN), as in decode16 below.
template <class T>
LMUL_BENCH_FP8_INLINE bool any_special_avx2(__m256i ca, __m256i cb) {
  using F = lmul::format_of_t<T>;
  const __m256i magnitude = _mm256_set1_epi8(0x7F);
  const __m256i below_special = _mm256_set1_epi8(char((F::has_infinity ? F::infinity_code : F::nan_code) - 1));
  const __m256i largest = _mm256_max_epu8(_mm256_and_si256(ca, magnitude), _mm256_and_si256(cb, magnitude));
  const __m256i special = _mm256_cmpgt_epi8(largest, below_special);  // magnitudes < 128: signed is fine
  return !_mm256_testz_si256(special, special);
}

/// The fp32 values of the 32 codes in c times 2^(bias - 15) (e5m2: times 1), as four registers in
/// the order (unpacklo low, unpacklo high, unpackhi low, unpackhi high): the same for both
/// operands of a dot. A code with its magnitude moved to bit 14 (the sign kept at bit 15) is an
/// fp16 with the same exponent field (the e5m2 code is the fp16's top byte), so its value times
/// 2^(bias - 15), subnormal codes included (fp16 subnormals); vcvtph2ps widens it exactly.
template <class T>
LMUL_BENCH_FP8_INLINE void fp16_values_avx2(__m256i c, __m256* out) {
  constexpr int M = lmul::format_of_t<T>::mantissa_bits;
  const __m256i zero = _mm256_setzero_si256();
  const __m256i keep = _mm256_set1_epi16(std::int16_t(0x8000u | (0x7Fu << (10 - M))));
  const __m256i words[2] = {_mm256_unpacklo_epi8(zero, c), _mm256_unpackhi_epi8(zero, c)};  // code << 8
  for (int h = 0; h < 2; ++h) {
    __m256i half = words[h];
    if constexpr (M != 2) {  // magnitude from bits 8..14 to 10 - M .. 16 - M: arithmetic shift, mask
      half = _mm256_and_si256(_mm256_srai_epi16(half, M - 2), keep);
    }
    out[2 * h] = _mm256_cvtph_ps(_mm256_castsi256_si128(half));
    out[2 * h + 1] = _mm256_cvtph_ps(_mm256_extracti128_si256(half, 1));
  }
}

template <class T>
float dot_avx2_f16c_fp32fma(const std::uint8_t* a, const std::uint8_t* b, std::size_t n) {
  using F = lmul::format_of_t<T>;
  static_assert(F::exponent_bits + F::mantissa_bits == 7 && F::mantissa_bits >= 2 && F::bias <= 15,
                "8-bit formats that fp16 holds with the same exponent field");
  __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
  float scalar = 0.0f;
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256i ca = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + i));
    const __m256i cb = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + i));
    if (any_special_avx2<T>(ca, cb)) [[unlikely]] {
      scalar = add_exact_products<T>(scalar, a + i, b + i, 0, 32);  // a NaN or inf code
      continue;
    }
    __m256 x[4], y[4];
    fp16_values_avx2<T>(ca, x);
    fp16_values_avx2<T>(cb, y);
    for (int r = 0; r < 4; ++r) acc[r] = _mm256_fmadd_ps(x[r], y[r], acc[r]);
  }
  const float sum = xsimd::hadd(xsimd::batch<float, xsimd::avx2>(
      _mm256_add_ps(_mm256_add_ps(acc[0], acc[1]), _mm256_add_ps(acc[2], acc[3]))));
  // Every product above was scaled by 2^(2 (bias - 15)) and stayed an fp32 normal (the smallest,
  // 2^-18 * 2^-16 for e4m3fn), so partial sums scale exactly: one multiply undoes it.
  return add_exact_products<T>(sum * std::ldexp(1.0f, 2 * (15 - F::bias)) + scalar, a, b, i, n);
}

/// 8 fp32 values (finite) -> codes of F in the low byte of each 32-bit lane, rounded to nearest
/// even, overflow to inf (e5m2) or NaN (e4m3fn): the AVX2 form of encode16 below.
template <class T>
LMUL_BENCH_FP8_INLINE __m256i encode8_avx2(__m256 v) {
  using F = lmul::format_of_t<T>;
  constexpr int M = F::mantissa_bits;
  const __m256i bits = _mm256_castps_si256(v);
  const __m256i sign = _mm256_and_si256(_mm256_srli_epi32(bits, 24), _mm256_set1_epi32(0x80));
  const __m256i abs = _mm256_and_si256(bits, _mm256_set1_epi32(0x7FFFFFFF));
  // Normal range: round the fp32 fraction to M bits (ties to even), rebias the exponent.
  const __m256i lsb = _mm256_and_si256(_mm256_srli_epi32(abs, 23 - M), _mm256_set1_epi32(1));
  const __m256i rounded = _mm256_add_epi32(_mm256_add_epi32(abs, _mm256_set1_epi32((1 << (22 - M)) - 1)), lsb);
  const __m256i normal = _mm256_sub_epi32(_mm256_srli_epi32(rounded, 23 - M), _mm256_set1_epi32((127 - F::bias) << M));
  // Subnormal range: adding 2^23 x (the subnormal quantum) rounds to the quantum, ties to even.
  const __m256 magic = _mm256_set1_ps(std::ldexp(1.0f, 23 + 1 - F::bias - M));
  const __m256i subnormal = _mm256_sub_epi32(_mm256_castps_si256(_mm256_add_ps(_mm256_castsi256_ps(abs), magic)),
                                             _mm256_castps_si256(magic));
  const __m256i small = _mm256_cmpgt_epi32(_mm256_set1_epi32((128 - F::bias) << 23), abs);  // abs < 2^31
  __m256i code = _mm256_blendv_epi8(normal, subnormal, small);
  const __m256i overflow = _mm256_cmpgt_epi32(code, _mm256_set1_epi32(F::max_finite_code));
  code = _mm256_blendv_epi8(code, _mm256_set1_epi32(F::has_infinity ? F::infinity_code : F::nan_code), overflow);
  return _mm256_or_si256(code, sign);
}

/// Exact fp8 multiply on AVX2: both operands widened as in the dot (fp16, vcvtph2ps), one multiply
/// by 2^(2 (15 - bias)) puts x in true scale, vmulps (exact: <= 8 significant bits), encode8_avx2.
/// A register of 32 pairs holding a NaN or inf code takes the table.
template <class T>
void multiply_avx2_f16c(const std::uint8_t* a, const std::uint8_t* b, std::uint8_t* out, std::size_t n) {
  using F = lmul::format_of_t<T>;
  const __m256 rescale = _mm256_set1_ps(std::ldexp(1.0f, 2 * (15 - F::bias)));
  // fp16_values_avx2 yields codes 0-7, 16-23, 8-15, 24-31; the packs below interleave them by
  // 128-bit lane, and this dword permutation restores the order.
  const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256i ca = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + i));
    const __m256i cb = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + i));
    if (any_special_avx2<T>(ca, cb)) [[unlikely]] {
      multiply_table_scalar<T>(a + i, b + i, out + i, 32);  // a NaN or inf code
      continue;
    }
    __m256 x[4], y[4];
    fp16_values_avx2<T>(ca, x);
    fp16_values_avx2<T>(cb, y);
    __m256i code[4];
    for (int r = 0; r < 4; ++r) code[r] = encode8_avx2<T>(_mm256_mul_ps(_mm256_mul_ps(x[r], rescale), y[r]));
    const __m256i low = _mm256_packus_epi32(code[0], code[2]);   // codes 0-3 8-11 | 4-7 12-15
    const __m256i high = _mm256_packus_epi32(code[1], code[3]);  // codes 16-19 24-27 | 20-23 28-31
    const __m256i bytes = _mm256_permutevar8x32_epi32(_mm256_packus_epi16(low, high), order);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), bytes);
  }
  multiply_table_scalar<T>(a + i, b + i, out + i, n - i);
}

#endif  // __AVX2__ && __FMA__ && __F16C__

#if defined(__AVX512F__)

// ---- multiply: table by gather ---------------------------------------------------------------

template <class T>
void multiply_table_gather(const std::uint8_t* a, const std::uint8_t* b, std::uint8_t* out, std::size_t n) {
  const auto* product = reinterpret_cast<const int*>(get_tables<T>().product.data());
  const __m512i high_index_bits = _mm512_set1_epi32(0x3F80), sign = _mm512_set1_epi32(0x80);
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512i x = _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i)));
    const __m512i y = _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b + i)));
    // index = (|x| << 7) | |y|: bits 7..13 from x << 7, the rest from y (whose bits >= 8 are 0).
    const __m512i index = _mm512_ternarylogic_epi32(_mm512_slli_epi32(x, 7), y, high_index_bits, 0xE4);
    const __m512i magnitude = _mm512_i32gather_epi32(index, product, 1);  // product in the low byte
    const __m512i code = _mm512_ternarylogic_epi32(magnitude, _mm512_xor_si512(x, y), sign, 0xF8);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), _mm512_cvtepi32_epi8(code));  // low bytes
  }
  multiply_table_scalar<T>(a + i, b + i, out + i, n - i);
}

// ---- arithmetic decode / encode (AVX-512F, 16 lanes) -------------------------------------------

/// 16 codes (zero-extended to 32 bits) -> their fp32 values, exactly, without fp32 denormals.
template <class T>
__m512 decode16(__m512i x) {
  using F = lmul::format_of_t<T>;
  constexpr int M = F::mantissa_bits;
  const __m512i magnitude = _mm512_and_si512(x, _mm512_set1_epi32(0x7F));
  // Normal codes: exponent and fraction bits moved to fp32's positions, exponent rebiased.
  const __m512i normal = _mm512_add_epi32(_mm512_slli_epi32(magnitude, 23 - M),
                                          _mm512_set1_epi32((127 - F::bias) << 23));
  // Subnormal codes (exponent field 0): value = magnitude x 2^(1 - bias - M), a normal fp32.
  const __m512 subnormal = _mm512_mul_ps(_mm512_cvtepi32_ps(magnitude),
                                         _mm512_set1_ps(std::ldexp(1.0f, 1 - F::bias - M)));
  __m512 value = _mm512_mask_blend_ps(_mm512_cmplt_epu32_mask(magnitude, _mm512_set1_epi32(1 << M)),
                                      _mm512_castsi512_ps(normal), subnormal);
  const __mmask16 special = _mm512_cmpge_epu32_mask(
      magnitude, _mm512_set1_epi32(F::has_infinity ? F::infinity_code : F::nan_code));
  if (special) {  // inf (e5m2) and NaN codes: rare, patched
    const __mmask16 nan = F::has_infinity
        ? _mm512_cmpgt_epu32_mask(magnitude, _mm512_set1_epi32(F::infinity_code))
        : _mm512_cmpge_epu32_mask(magnitude, _mm512_set1_epi32(F::nan_code));
    value = _mm512_mask_blend_ps(special, value, _mm512_set1_ps(INFINITY));
    value = _mm512_mask_blend_ps(nan, value, _mm512_set1_ps(NAN));
  }
  const __m512i sign = _mm512_slli_epi32(_mm512_and_si512(x, _mm512_set1_epi32(0x80)), 24);
  return _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(value), sign));
}

/// 16 fp32 magnitudes (bit patterns, sign clear) -> magnitude codes of F, rounded to nearest even.
/// A magnitude beyond the largest finite value (overflow, inf, NaN) gives a code above
/// F::max_finite_code: each caller maps those to its special codes.
template <class F>
LMUL_BENCH_FP8_INLINE __m512i round_magnitude16(__m512i abs) {
  constexpr int M = F::mantissa_bits;
  // Normal range: round the fp32 fraction to M bits (ties to even), rebias the exponent.
  const __m512i lsb = _mm512_and_si512(_mm512_srli_epi32(abs, 23 - M), _mm512_set1_epi32(1));
  const __m512i rounded = _mm512_add_epi32(_mm512_add_epi32(abs, _mm512_set1_epi32((1 << (22 - M)) - 1)), lsb);
  const __m512i normal = _mm512_sub_epi32(_mm512_srli_epi32(rounded, 23 - M),
                                          _mm512_set1_epi32((127 - F::bias) << M));
  // Subnormal range: adding 2^23 x (the subnormal quantum) rounds to the quantum, ties to even.
  const __m512 magic = _mm512_set1_ps(std::ldexp(1.0f, 23 + 1 - F::bias - M));
  const __m512i subnormal = _mm512_sub_epi32(
      _mm512_castps_si512(_mm512_add_ps(_mm512_castsi512_ps(abs), magic)), _mm512_castps_si512(magic));
  const __mmask16 small = _mm512_cmplt_epu32_mask(abs, _mm512_set1_epi32((128 - F::bias) << 23));
  return _mm512_mask_blend_epi32(small, normal, subnormal);
}

/// 16 floats -> 16 codes (in the low byte of each lane), round to nearest even, overflow to inf
/// (e5m2) or NaN (e4m3fn), as the exactly rounded operator* does.
template <class T>
__m512i encode16(__m512 v) {
  using F = lmul::format_of_t<T>;
  const __m512i bits = _mm512_castps_si512(v);
  const __m512i sign = _mm512_and_si512(_mm512_srli_epi32(bits, 24), _mm512_set1_epi32(0x80));
  const __m512i abs = _mm512_and_si512(bits, _mm512_set1_epi32(0x7FFFFFFF));
  __m512i code = round_magnitude16<F>(abs);
  const __mmask16 overflow = _mm512_cmpgt_epi32_mask(code, _mm512_set1_epi32(F::max_finite_code));
  const __mmask16 nan = _mm512_cmpgt_epu32_mask(abs, _mm512_set1_epi32(0x7F800000));
  code = _mm512_mask_blend_epi32(overflow, code,
                                 _mm512_set1_epi32(F::has_infinity ? F::infinity_code : F::nan_code));
  code = _mm512_mask_blend_epi32(nan, code, _mm512_set1_epi32(F::nan_code));
  return _mm512_or_si512(code, sign);
}

template <class T>
void multiply_decode_fp32(const std::uint8_t* a, const std::uint8_t* b, std::uint8_t* out, std::size_t n) {
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512 x = decode16<T>(_mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i))));
    const __m512 y = decode16<T>(_mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b + i))));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), _mm512_cvtepi32_epi8(encode16<T>(_mm512_mul_ps(x, y))));
  }
  multiply_table_scalar<T>(a + i, b + i, out + i, n - i);
}

template <class T>
float dot_decode_fp32fma(const std::uint8_t* a, const std::uint8_t* b, std::size_t n) {
  constexpr int chains = 8;  // FMA latency x ports
  __m512 acc[chains];
  for (auto& x : acc) x = _mm512_setzero_ps();
  std::size_t i = 0;
  for (; i + 16 * chains <= n; i += 16 * chains) {
    #pragma GCC unroll 16  // unroll: at -O2 GCC 12 keeps the accumulators in memory otherwise
    for (int k = 0; k < chains; ++k) {
      const auto* pa = reinterpret_cast<const __m128i*>(a + i + 16 * k);
      const auto* pb = reinterpret_cast<const __m128i*>(b + i + 16 * k);
      acc[k] = _mm512_fmadd_ps(decode16<T>(_mm512_cvtepu8_epi32(_mm_loadu_si128(pa))),
                               decode16<T>(_mm512_cvtepu8_epi32(_mm_loadu_si128(pb))), acc[k]);
    }
  }
  for (int k = 1; k < chains; ++k) acc[0] = _mm512_add_ps(acc[0], acc[k]);
  return add_exact_products<T>(_mm512_reduce_add_ps(acc[0]), a, b, i, n);
}

#endif  // __AVX512F__

#if defined(__AVX512BW__) && defined(__AVX512VBMI__)

// ---- bf16 words by 128-entry byte tables (AVX-512 VBMI) ------------------------------------------

/// The four 64-byte registers of the low- and high-byte tables of |code| -> bf16.
struct bf16_byte_tables {
  __m512i low0, low1, high0, high1;  // entries 0..63 and 64..127
};

template <class T>
bf16_byte_tables load_bf16_byte_tables() {
  struct bytes {
    alignas(64) std::uint8_t low[128], high[128];
  };
  static const bytes b = [] {  // built once: a dot of 4096 elements takes ~200 ns
    bytes out;
    for (unsigned c = 0; c < 128; ++c) {
      out.low[c] = std::uint8_t(get_tables<T>().bf16[c] & 0xFF);
      out.high[c] = std::uint8_t(get_tables<T>().bf16[c] >> 8);
    }
    return out;
  }();
  return {_mm512_load_si512(b.low), _mm512_load_si512(b.low + 64), _mm512_load_si512(b.high),
          _mm512_load_si512(b.high + 64)};
}

/// The bf16 words of 64 codes as two byte registers: `vpermt2b` reads 7 index bits, so the
/// lookups need no mask; the code's sign bit goes into the high byte.
struct bf16_bytes {
  __m512i low, high;
};

LMUL_BENCH_FP8_INLINE bf16_bytes bf16_bytes_of(const bf16_byte_tables& t, __m512i codes) {
  const __m512i low = _mm512_permutex2var_epi8(t.low0, codes, t.low1);
  const __m512i high = _mm512_ternarylogic_epi32(_mm512_permutex2var_epi8(t.high0, codes, t.high1), codes,
                                                 _mm512_set1_epi8(char(0x80)), 0xF8);  // high | (codes & 0x80)
  return {low, high};
}

/// 64 codes -> 64 bf16 words in two registers, in `vpunpck` order (the same for both operands of
/// a dot, which is all a sum needs).
inline void bf16_words(const bf16_byte_tables& t, __m512i codes, __m512i& words0, __m512i& words1) {
  const bf16_bytes bytes = bf16_bytes_of(t, codes);
  words0 = _mm512_unpacklo_epi8(bytes.low, bytes.high);
  words1 = _mm512_unpackhi_epi8(bytes.low, bytes.high);
}

/// The same words without shuffles after the lookups: the even-position code of each 16-bit lane
/// keeps its low byte and gets the high byte shifted in, the odd one the reverse (shift + bit
/// select). Pairs element 2j with 2j+1's neighbour order unchanged, so a and b still match.
inline void bf16_words_by_shifts(const bf16_byte_tables& t, __m512i codes, __m512i& even, __m512i& odd) {
  const bf16_bytes bytes = bf16_bytes_of(t, codes);
  const __m512i low_byte = _mm512_set1_epi16(0x00FF);
  // (A & C) | (B & ~C) with C = 0x00FF: truth table 0xE4 (A = 0xF0, B = 0xCC, C = 0xAA).
  even = _mm512_ternarylogic_epi32(bytes.low, _mm512_slli_epi16(bytes.high, 8), low_byte, 0xE4);
  odd = _mm512_ternarylogic_epi32(_mm512_srli_epi16(bytes.low, 8), bytes.high, low_byte, 0xE4);
}

/// The fp32 values of the bf16 words in the even (low) and odd (high) 16-bit halves of each
/// 32-bit lane: a bf16 is the top half of its fp32, so shifting or masking is the conversion.
LMUL_BENCH_FP8_INLINE __m512 even_words_fp32(__m512i words) { return _mm512_castsi512_ps(_mm512_slli_epi32(words, 16)); }
LMUL_BENCH_FP8_INLINE __m512 odd_words_fp32(__m512i words) {
  return _mm512_castsi512_ps(_mm512_and_si512(words, _mm512_set1_epi32(int(0xFFFF0000u))));
}

/// The loop of the bf16-word dots: 128 codes of a and of b per iteration, as two halves of 64 made
/// into two word registers each by Words; `step` multiplies and accumulates one half's words into
/// that half's Chains / 2 accumulators. Returns the number of codes consumed (a multiple of 128).
template <class T, auto Words, int Chains, class Step>
LMUL_BENCH_FP8_INLINE std::size_t accumulate_bf16_words(const std::uint8_t* a, const std::uint8_t* b, std::size_t n,
                                  __m512 (&acc)[Chains], Step step) {
  const bf16_byte_tables t = load_bf16_byte_tables<T>();
  std::size_t i = 0;
  for (; i + 128 <= n; i += 128) {
    #pragma GCC unroll 16
    for (int k = 0; k < 2; ++k) {
      __m512i x0, x1, y0, y1;
      Words(t, _mm512_loadu_si512(a + i + 64 * k), x0, x1);
      Words(t, _mm512_loadu_si512(b + i + 64 * k), y0, y1);
      step(acc + Chains / 2 * k, x0, x1, y0, y1);
    }
  }
  return i;
}

#if defined(__AVX512BF16__)
/// The exact dot by `vdpbf16ps` on the bf16 words that Words (bf16_words or bf16_words_by_shifts)
/// makes of a and b: both give the two operands in the same order, which is all a sum needs.
template <class T, auto Words>
float dot_dpbf16(const std::uint8_t* a, const std::uint8_t* b, std::size_t n) {
  __m512 acc[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps()};
  const std::size_t done = accumulate_bf16_words<T, Words>(
      a, b, n, acc, [](__m512* c, __m512i x0, __m512i x1, __m512i y0, __m512i y1) {
        c[0] = _mm512_dpbf16_ps(c[0], (__m512bh)x0, (__m512bh)y0);
        c[1] = _mm512_dpbf16_ps(c[1], (__m512bh)x1, (__m512bh)y1);
      });
  const float sum = _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(acc[0], acc[1]), _mm512_add_ps(acc[2], acc[3])));
  return add_exact_products<T>(sum, a, b, done, n);
}

template <class T>
float dot_bf16_dpbf16(const std::uint8_t* a, const std::uint8_t* b, std::size_t n) {
  return dot_dpbf16<T, bf16_words>(a, b, n);
}

template <class T>
float dot_bf16_dpbf16_shifts(const std::uint8_t* a, const std::uint8_t* b, std::size_t n) {
  return dot_dpbf16<T, bf16_words_by_shifts>(a, b, n);
}
#endif  // __AVX512BF16__

/// The same bf16 words widened to fp32, multiplied and accumulated by `vfmadd`: 8 chains.
template <class T>
float dot_vbmi_fp32fma(const std::uint8_t* a, const std::uint8_t* b, std::size_t n) {
  __m512 acc[8];
  for (auto& x : acc) x = _mm512_setzero_ps();
  const std::size_t done = accumulate_bf16_words<T, bf16_words>(
      a, b, n, acc, [](__m512* c, __m512i x0, __m512i x1, __m512i y0, __m512i y1) {
        c[0] = _mm512_fmadd_ps(even_words_fp32(x0), even_words_fp32(y0), c[0]);
        c[1] = _mm512_fmadd_ps(odd_words_fp32(x0), odd_words_fp32(y0), c[1]);
        c[2] = _mm512_fmadd_ps(even_words_fp32(x1), even_words_fp32(y1), c[2]);
        c[3] = _mm512_fmadd_ps(odd_words_fp32(x1), odd_words_fp32(y1), c[3]);
      });
  for (int k = 1; k < 8; ++k) acc[0] = _mm512_add_ps(acc[0], acc[k]);
  return add_exact_products<T>(_mm512_reduce_add_ps(acc[0]), a, b, done, n);
}

/// 16 exact products (fp32, sign bit clear; NaN and inf possible) -> 16 magnitude codes in the low
/// byte of each lane, rounded to nearest even. Cheaper than encode16: no sign, and the overflow
/// and NaN cases fold into one unsigned minimum for e4m3fn (its NaN code is the largest).
template <class T>
__m512i encode_magnitude16(__m512 p) {
  using F = lmul::format_of_t<T>;
  const __m512i bits = _mm512_castps_si512(p);
  const __m512i code = round_magnitude16<F>(bits);
  if constexpr (!F::has_infinity) {
    return _mm512_min_epu32(code, _mm512_set1_epi32(F::nan_code));  // overflow and NaN -> NaN
  } else {
    const __m512i finite_or_inf = _mm512_min_epu32(code, _mm512_set1_epi32(F::infinity_code));
    const __mmask16 nan = _mm512_cmpgt_epu32_mask(bits, _mm512_set1_epi32(0x7F800000));
    return _mm512_mask_blend_epi32(nan, finite_or_inf, _mm512_set1_epi32(F::nan_code));
  }
}

/// 32 bf16 words of a and b (one `bf16_words` register each) -> 32 magnitude codes of the
/// rounded products, one per 16-bit lane. Even words widen to fp32 by `<< 16`, odd words by
/// clearing the low half; the product of two fp8 values is exact in fp32.
template <class T>
LMUL_BENCH_FP8_INLINE __m512i multiply_words(__m512i x, __m512i y) {
  const __m512 even = _mm512_mul_ps(even_words_fp32(x), even_words_fp32(y));
  const __m512 odd = _mm512_mul_ps(odd_words_fp32(x), odd_words_fp32(y));
  return _mm512_or_si512(encode_magnitude16<T>(even), _mm512_slli_epi32(encode_magnitude16<T>(odd), 16));
}

/// Exact multiply: bf16 decode by byte tables (VBMI), `vmulps`, rounding encode, bytes packed back
/// in order (`vpackuswb` undoes the in-lane `vpunpck` order), sign by XOR.
template <class T>
void multiply_vbmi_fp32(const std::uint8_t* a, const std::uint8_t* b, std::uint8_t* out, std::size_t n) {
  const bf16_byte_tables t = load_bf16_byte_tables<T>();
  std::size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    const __m512i ca = _mm512_loadu_si512(a + i), cb = _mm512_loadu_si512(b + i);
    // Magnitudes only (the sign comes last): the tables read 7 index bits.
    const __m512i xl = _mm512_permutex2var_epi8(t.low0, ca, t.low1);
    const __m512i xh = _mm512_permutex2var_epi8(t.high0, ca, t.high1);
    const __m512i yl = _mm512_permutex2var_epi8(t.low0, cb, t.low1);
    const __m512i yh = _mm512_permutex2var_epi8(t.high0, cb, t.high1);
    const __m512i first = multiply_words<T>(_mm512_unpacklo_epi8(xl, xh), _mm512_unpacklo_epi8(yl, yh));
    const __m512i second = multiply_words<T>(_mm512_unpackhi_epi8(xl, xh), _mm512_unpackhi_epi8(yl, yh));
    const __m512i magnitude = _mm512_packus_epi16(first, second);
    // magnitude | ((a ^ b) & 0x80)
    const __m512i code = _mm512_ternarylogic_epi32(magnitude, _mm512_xor_si512(ca, cb),
                                                   _mm512_set1_epi8(char(0x80)), 0xF8);
    _mm512_storeu_si512(out + i, code);
  }
  multiply_table_scalar<T>(a + i, b + i, out + i, n - i);
}

#endif  // __AVX512BW__ && __AVX512VBMI__

}  // namespace lmul_bench::fp8

#undef LMUL_BENCH_FP8_INLINE
