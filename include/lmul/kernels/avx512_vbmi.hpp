// lmul/kernels/avx512_vbmi.hpp -- 8-bit kernels with AVX-512 VBMI and BF16 intrinsics (and the
// target attribute that every avx512_vbmi kernel carries: AVX-512 BW, VBMI, BF16, VNNI, BMI2).
//
// xsimd 8.1 wraps none of these, so the kernels use intrinsics on __m512i and carry target
// attributes: they compile in any AVX-512 translation unit and must run only where
// avx512_vbmi::available() (the compiled library's dispatcher checks that; a header-only unit
// picks this arch only when its flags already enable all of them: kernels::default_arch).
//
// vpermi2b looks up 128-byte tables with the 7 low bits of each index, so the sign bit of an
// operand code needs no masking: a per-code value is one instruction per 64 operands. The tables
// here are derived at compile time from byte_tables.hpp (itself derived from the scalar
// definition); tests/kernels/byte_tables_test.cpp checks their class arithmetic for every pair.
//
// HARDWARE MULTIPLIER AS ADDER: the dot kernel feeds bf16 words to vdpbf16ps whose second operand
// is a constant power of two 2^q carrying the product's sign (or 0 to drop a zero product). The
// words are the wide products scaled by 2^-q: the multiplier only moves the exponent by a constant
// and applies a sign; vdpbf16ps is used as a 32-lane bf16 -> fp32 widening adder. No product of two
// data values is ever computed by a hardware multiplier.
#pragma once

#include "../detail/isa_namespace.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include <immintrin.h>

#include "../product.hpp"
#include "byte_tables.hpp"
#include "dot.hpp"

#define LMUL_VBMI_TARGET __attribute__((target("avx512f,avx512bw,avx512vbmi,avx512bf16,avx512vnni,bmi2")))

namespace lmul {
namespace detail {
inline namespace LMUL_ISA {

// ---- multiply ---------------------------------------------------------------------------------
//
// Signed classes: each magnitude code c maps to the signed byte v(c) = u(c) + d (finite nonzero),
// -128 (zero) or +127 (NaN/inf), and the class is the signed saturating sum v(x) + v(y). With d
// chosen so that
//   * a zero operand drives the sum to at most -128 + u_max + d, a class whose product is 0
//     (u sums up to zero_end all round to zero), and
//   * the sums that saturate at +127 all overflow to the same code,
// zero operands need no mask: one vpaddsb forms the class of every finite pair. A 256-entry table
// indexed by the class byte gives the magnitude. Formats without such a d (lmul<4,3>: its classes
// span too many values) use unsigned classes with zero pairs masked to class 0.

template <class F>
struct vbmi_multiply_tables {
  static constexpr auto& t = byte_tables_v<F>;
  static constexpr int u_max = largest_finite_index<F>();
  /// The largest u sum whose product is 0, and the first from which all products overflow alike.
  static constexpr int zero_end = [] {
    int s = 0;
    while (s < 255 && t.product[std::size_t(s + 1)] == 0) ++s;
    return t.product[0] == 0 ? s : -1;
  }();
  static constexpr int overflow_begin = [] {
    int s = 255;
    while (s > 0 && t.product[std::size_t(s - 1)] == t.product[255]) --s;
    return s;
  }();
  static constexpr int d_low = u_max - 128 - zero_end;          // zero operands stay in class <= zero_end
  static constexpr int d_high = (127 - overflow_begin) >= 0 ? (127 - overflow_begin) / 2
                                                           : -((overflow_begin - 127 + 1) / 2);
  static constexpr int d = d_low < -64 ? -64 : d_low;           // 2d >= -128: finite sums never saturate low
  static constexpr bool signed_classes = zero_end >= 0 && d <= d_high && u_max + d <= 126;
  /// lmul<5,2>: u sums up to 446, more classes than a byte. The products that differ lie in u sums
  /// [wide_first, wide_first + 256] (below: 0; above: overflow), so v(c) = u(c) - wide_d gives
  /// the class clamp(s - wide_first, 0, 255) - 128 in one signed saturating add, and a second add
  /// with v(y) - 1 saturates at +127 exactly for the overflowing sums. Zero pairs are masked.
  static constexpr bool wide_classes = !t.product_by_class;
  static constexpr int wide_first = t.normal_offset - (F::mantissa_bits << F::mantissa_bits);
  static constexpr int wide_d = (wide_first + 128) / 2;
  /// Classes are signed bytes (max_epi8 finds the marker +127).
  static constexpr bool signed_bytes = signed_classes || wide_classes;

  std::array<std::uint8_t, 128> index{};    ///< signed v(c) or unsigned u(c), by magnitude code
  std::array<std::uint8_t, 256> product{};  ///< magnitude by class byte
};

template <class F>
constexpr vbmi_multiply_tables<F> make_vbmi_multiply_tables() {
  using T = vbmi_multiply_tables<F>;
  constexpr auto& t = byte_tables_v<F>;
  T out;
  if constexpr (T::wide_classes) {
    static_assert(T::wide_first % 2 == 0 && T::wide_d <= 127 && T::u_max - T::wide_d <= 126);
    for (unsigned c = 0; c < 128; ++c) {
      // Zero: -127 (masked; v - 1 must not wrap), NaN/inf: the marker +127.
      const int v = c == 0 ? -127 : t.index[c] == t.special_index ? 127 : int(t.index[c]) - T::wide_d;
      out.index[c] = std::uint8_t(v);
    }
    // The product of each class from the u sums in it (byte_tables: the scalar definition once per
    // sum); classes no pair reaches are 0 and never looked up.
    for (std::size_t sum = 0; sum < t.product_of_sum.size(); ++sum) {
      const int code = t.product_of_sum[sum];
      if (code == t.no_pair) continue;
      int cls = int(sum) - 2 * T::wide_d;
      cls = cls < -128 ? -128 : cls > 127 ? 127 : cls;
      if (!(cls == 127 && code == t.overflow_magnitude)) out.product[std::uint8_t(cls)] = std::uint8_t(code);
    }
    return out;
  } else if constexpr (!T::signed_classes) {
    out.index = t.index;
    out.product = t.product;
    return out;
  } else {
    for (unsigned c = 0; c < 128; ++c) {
      const int v = c == 0 ? -128 : t.index[c] == t.special_index ? 127 : int(t.index[c]) + T::d;
      out.index[c] = std::uint8_t(v);
    }
    for (int cls = -128; cls < 128; ++cls) {
      const int s = cls - 2 * T::d;  // the u sum of finite nonzero pairs in this class
      out.product[std::uint8_t(cls)] = s < 0 ? 0 : t.product[std::size_t(s > 255 ? 255 : s)];
    }
    return out;
  }
}

template <class F>
inline constexpr vbmi_multiply_tables<F> vbmi_multiply_tables_v = make_vbmi_multiply_tables<F>();

/// The six table registers of the multiply.
struct vbmi_multiply_registers {
  __m512i index_lo, index_hi, product[4];
};

template <class F>
LMUL_VBMI_TARGET inline vbmi_multiply_registers load_vbmi_multiply_tables() {
  constexpr auto& m = vbmi_multiply_tables_v<F>;
  return {_mm512_loadu_si512(m.index.data()), _mm512_loadu_si512(m.index.data() + 64),
          {_mm512_loadu_si512(m.product.data()), _mm512_loadu_si512(m.product.data() + 64),
           _mm512_loadu_si512(m.product.data() + 128), _mm512_loadu_si512(m.product.data() + 192)}};
}

/// One register (64 elements) of 8-bit L-Mul products. `largest` receives the larger class index of
/// each pair: the caller recomputes a register holding the NaN/inf marker with the scalar definition.
template <class F>
[[gnu::always_inline]] LMUL_VBMI_TARGET inline __m512i multiply_bytes_vbmi(
    __m512i a, __m512i b, const vbmi_multiply_registers& r, __m512i& largest) {
  using T = vbmi_multiply_tables<F>;
  const __m512i ua = _mm512_permutex2var_epi8(r.index_lo, a, r.index_hi);
  const __m512i ub = _mm512_permutex2var_epi8(r.index_lo, b, r.index_hi);
  __m512i cls;
  __mmask64 overflow = 0;
  if constexpr (T::wide_classes) {
    const __m512i magnitude = _mm512_set1_epi8(char(F::magnitude_mask));
    const __mmask64 nonzero = _mm512_mask_test_epi8_mask(_mm512_test_epi8_mask(a, magnitude), b, magnitude);
    largest = _mm512_max_epi8(ua, ub);
    cls = _mm512_mask_adds_epi8(_mm512_set1_epi8(-128), nonzero, ua, ub);  // zero pairs: class -128, product 0
    overflow = _mm512_mask_cmpeq_epi8_mask(
        nonzero, _mm512_adds_epi8(ua, _mm512_sub_epi8(ub, _mm512_set1_epi8(1))), _mm512_set1_epi8(127));
  } else if constexpr (T::signed_classes) {
    largest = _mm512_max_epi8(ua, ub);
    cls = _mm512_adds_epi8(ua, ub);
  } else {
    const __m512i magnitude = _mm512_set1_epi8(char(F::magnitude_mask));
    const __mmask64 nonzero = _mm512_mask_test_epi8_mask(_mm512_test_epi8_mask(a, magnitude), b, magnitude);
    largest = _mm512_max_epu8(ua, ub);
    cls = _mm512_maskz_adds_epu8(nonzero, ua, ub);  // class 0: a zero product
  }
  // The 256-entry product table in two chained lookups: classes below 128 first (the others keep
  // their class), then classes from 128 on (bit 7 set), with no blend.
  const __mmask64 high_class = _mm512_movepi8_mask(cls);
  const __m512i low = _mm512_mask2_permutex2var_epi8(r.product[0], cls, _knot_mask64(high_class),
                                                     r.product[1]);
  __m512i result = _mm512_mask2_permutex2var_epi8(r.product[2], low, high_class, r.product[3]);
  if constexpr (T::wide_classes) {
    result = _mm512_mask_mov_epi8(result, overflow,
                                  _mm512_set1_epi8(char(byte_tables_v<F>.overflow_magnitude)));
  }
  // result | ((a ^ b) & sign): ternary-logic truth table A | (B & C) = 0xF8.
  return _mm512_ternarylogic_epi32(result, _mm512_xor_si512(a, b),
                                   _mm512_set1_epi8(char(F::sign_mask)), 0xF8);
}

/// The class index marking a NaN or inf operand.
template <class F>
inline constexpr std::uint8_t vbmi_special_marker =
    vbmi_multiply_tables<F>::signed_bytes ? 127 : byte_tables<F>::special_index;

/// Scalar products of 64 codes (registers with a NaN or inf operand). Out of line: rare.
template <class F>
[[gnu::noinline]] void multiply_block_scalar(const std::uint8_t* a, const std::uint8_t* b,
                                             std::uint8_t* out, std::size_t n = 64) {
  std::uint8_t xa[64], xb[64];  // out may be a or b
  std::memcpy(xa, a, n);
  std::memcpy(xb, b, n);
  for (std::size_t j = 0; j < n; ++j) out[j] = detail::lmul_codes<F>(xa[j], xb[j]);
}

template <class F>
LMUL_VBMI_TARGET void multiply_codes_vbmi(const std::uint8_t* a, const std::uint8_t* b,
                                          std::uint8_t* out, std::size_t n) {
  static_assert(vbmi_multiply_tables<F>::wide_classes ||
                    (byte_tables_v<F>.product_by_class && byte_tables_v<F>.product[0] == 0),
                "class 0 (zero operands are masked to it) must be a zero product");
  const vbmi_multiply_registers r = load_vbmi_multiply_tables<F>();
  const __m512i marker = _mm512_set1_epi8(char(vbmi_special_marker<F>));
  // One loop in this function (no lambda): GCC must not see a call boundary per register, or it
  // reloads the six tables every 64 elements (measured: half the speed). Two registers per
  // iteration, both computed before either is stored (out may be a or b).
  std::size_t i = 0;
  for (; i + 128 <= n; i += 128) {
    __m512i largest0, largest1;
    const __m512i r0 = multiply_bytes_vbmi<F>(_mm512_loadu_si512(a + i), _mm512_loadu_si512(b + i),
                                              r, largest0);
    const __m512i r1 = multiply_bytes_vbmi<F>(_mm512_loadu_si512(a + i + 64),
                                              _mm512_loadu_si512(b + i + 64), r, largest1);
    const __m512i largest = vbmi_multiply_tables<F>::signed_bytes ? _mm512_max_epi8(largest0, largest1)
                                                                   : _mm512_max_epu8(largest0, largest1);
    if (_mm512_cmpeq_epi8_mask(largest, marker) == 0) {
      _mm512_storeu_si512(out + i, r0);
      _mm512_storeu_si512(out + i + 64, r1);
    } else {
      multiply_block_scalar<F>(a + i, b + i, out + i);
      multiply_block_scalar<F>(a + i + 64, b + i + 64, out + i + 64);
    }
  }
  for (; i < n; i += 64) {  // the last register or fewer elements: masked loads and store
    const std::size_t count = n - i < 64 ? n - i : 64;
    const __mmask64 lanes = count == 64 ? ~__mmask64(0) : (__mmask64(1) << count) - 1;
    __m512i largest;
    const __m512i r0 = multiply_bytes_vbmi<F>(_mm512_maskz_loadu_epi8(lanes, a + i),
                                              _mm512_maskz_loadu_epi8(lanes, b + i), r, largest);
    if (_mm512_mask_cmpeq_epi8_mask(lanes, largest, marker) == 0) {
      _mm512_mask_storeu_epi8(out + i, lanes, r0);
    } else {
      multiply_block_scalar<F>(a + i, b + i, out + i, count);
    }
  }
}

// ---- dot --------------------------------------------------------------------------------------
//
// The bf16 word of the wide product of finite nonzero x, y is (u(x) + u(y) + wide_bias) << shift
// (byte_tables.hpp). Split wide_bias = offset + q * 2^M: the tables of x and y give u(x) + offset_x and
// u(y) + offset_y (offset_x + offset_y = offset); vpmaddubsw turns the interleaved byte pair into (u(x) + offset + u(y)) << shift,
// the wide product scaled by 2^-q (exponent field >= 1 since offset >= 2^M: vdpbf16ps treats
// denormal inputs as zero); vdpbf16ps multiplies it by the word 2^q with the product's sign, or by 0
// for a pair with a zero operand. q is odd, so the low byte of 2^q is zero and that word is one
// byte (sign | high byte of 2^q) interleaved with zero.

template <class F>
struct vbmi_dot_constants {
  static constexpr auto& t = byte_tables_v<F>;
  static constexpr int M = F::mantissa_bits;
  static constexpr int shift = 7 - M;
  /// The smallest offset >= 2^M congruent to wide_bias, raised by 2^M if that makes q odd and the
  /// offset indices still stay below the marker (lmul<5,2>, indices up to 223, keeps an even q).
  static constexpr int offset = [] {
    const int o = (1 << M) + (((t.wide_bias - (1 << M)) % (1 << M)) + (1 << M)) % (1 << M);
    const int raised = o + (1 << M);
    const bool even_q = (((t.wide_bias - o) >> M) & 1) == 0;
    return even_q && largest_finite_index<F>() + (raised - raised / 2) < 255 ? raised : o;
  }();
  static constexpr int q = (t.wide_bias - offset) >> M;
  /// High and low byte of the bf16 word of 2^q (the low byte is 0 for odd q).
  static constexpr std::uint8_t scale_high_byte = std::uint8_t((q + 127) >> 1);
  static constexpr std::uint8_t scale_low_byte = std::uint8_t(((q + 127) & 1) << 7);
  static_assert((t.wide_bias - offset) % (1 << M) == 0 && q > -126 && q < 127);
  /// The offset is split between the two tables, so that both stay below the marker.
  static constexpr int offset_y = offset / 2, offset_x = offset - offset_y;
  static_assert(largest_finite_index<F>() + offset_x < 255, "offset indices stay below the marker");
  static_assert((2 * 255) << shift < 32768, "vpmaddubsw must not saturate");

  /// u(c) + offset_x (resp. offset_y) for finite nonzero c; 0 for c = 0 (a zero product's scale is
  /// 0); the marker 255 for NaN/inf.
  static constexpr std::array<std::uint8_t, 128> offset_index(int add) {
    std::array<std::uint8_t, 128> out{};
    for (unsigned c = 1; c < 128; ++c) {
      out[c] = t.index[c] == t.special_index ? t.special_index : std::uint8_t(t.index[c] + add);
    }
    return out;
  }
  static constexpr std::array<std::uint8_t, 128> index_x = offset_index(offset_x);
  static constexpr std::array<std::uint8_t, 128> index_y = offset_index(offset_y);
};

struct vbmi_dot_registers {
  __m512i x_lo, x_hi, y_lo, y_hi, magnitude, shift_scale, sign_bit, scale_high, scale_low;
};

/// Adds the wide products of 64 pairs to acc0 / acc1; `largest` |= max index (marker = NaN/inf).
template <class F>
[[gnu::always_inline]] LMUL_VBMI_TARGET inline void dot_bytes_vbmi(__m512i a, __m512i b,
                                                                   const vbmi_dot_registers& r,
                                                                   __m512& acc0, __m512& acc1,
                                                                   __m512i& largest) {
  const __mmask64 nonzero = _mm512_mask_test_epi8_mask(_mm512_test_epi8_mask(a, r.magnitude), b, r.magnitude);
  const __m512i ua = _mm512_permutex2var_epi8(r.x_lo, a, r.x_hi);
  const __m512i ub = _mm512_permutex2var_epi8(r.y_lo, b, r.y_hi);
  largest = _mm512_max_epu8(largest, _mm512_max_epu8(ua, ub));
  // (u(x) + offset + u(y)) << shift per 16-bit lane, in vpunpck order.
  const __m512i words_lo = _mm512_maddubs_epi16(_mm512_unpacklo_epi8(ua, ub), r.shift_scale);
  const __m512i words_hi = _mm512_maddubs_epi16(_mm512_unpackhi_epi8(ua, ub), r.shift_scale);
  // Scale byte: sign | high byte of 2^q, or 0 for a zero product. (A ^ B) & C: truth table 0x28.
  const __m512i sign = _mm512_ternarylogic_epi32(a, b, r.sign_bit, 0x28);
  const __m512i scale = _mm512_maskz_add_epi8(nonzero, sign, r.scale_high);
  // Low bytes of the scale words: 0 for odd q; for even q (lmul<5,2>) 0x80, and 0 for a zero product.
  __m512i low_bytes = _mm512_setzero_si512();
  if constexpr (vbmi_dot_constants<F>::scale_low_byte != 0) low_bytes = _mm512_maskz_mov_epi8(nonzero, r.scale_low);
  acc0 = _mm512_dpbf16_ps(acc0, (__m512bh)words_lo, (__m512bh)_mm512_unpacklo_epi8(low_bytes, scale));
  acc1 = _mm512_dpbf16_ps(acc1, (__m512bh)words_hi, (__m512bh)_mm512_unpackhi_epi8(low_bytes, scale));
}

/// The dot kernel's constant registers for format F.
template <class F>
[[gnu::always_inline]] LMUL_VBMI_TARGET inline vbmi_dot_registers load_vbmi_dot_registers() {
  using C = vbmi_dot_constants<F>;
  return {_mm512_loadu_si512(C::index_x.data()), _mm512_loadu_si512(C::index_x.data() + 64),
          _mm512_loadu_si512(C::index_y.data()), _mm512_loadu_si512(C::index_y.data() + 64),
          _mm512_set1_epi8(char(F::magnitude_mask)), _mm512_set1_epi8(char(1 << C::shift)),
          _mm512_set1_epi8(char(F::sign_mask)), _mm512_set1_epi8(char(C::scale_high_byte)),
          _mm512_set1_epi8(char(C::scale_low_byte))};
}

/// Sum of the wide products of n 8-bit codes, 64 at a time, and whether a NaN / inf code occurred
/// (the sum is then meaningless).
template <class F>
LMUL_VBMI_TARGET float dot_codes_vbmi_pass(const std::uint8_t* a, const std::uint8_t* b,
                                           std::size_t n, bool& saw_special) {
  using C = vbmi_dot_constants<F>;
  const vbmi_dot_registers r = load_vbmi_dot_registers<F>();
  const __m512i marker = _mm512_set1_epi8(char(C::t.special_index));
  __m512 acc[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps()};
  __m512i largest = _mm512_setzero_si512();
  std::size_t i = 0;
  for (; i + 128 <= n; i += 128) {
    dot_bytes_vbmi<F>(_mm512_loadu_si512(a + i), _mm512_loadu_si512(b + i), r, acc[0], acc[1], largest);
    dot_bytes_vbmi<F>(_mm512_loadu_si512(a + i + 64), _mm512_loadu_si512(b + i + 64), r, acc[2],
                      acc[3], largest);
  }
  for (; i < n; i += 64) {  // remaining registers; the last one masked (zero codes add nothing)
    const std::size_t count = n - i < 64 ? n - i : 64;
    const __mmask64 lanes = count == 64 ? ~__mmask64(0) : (__mmask64(1) << count) - 1;
    const __m512i va = _mm512_maskz_loadu_epi8(lanes, a + i), vb = _mm512_maskz_loadu_epi8(lanes, b + i);
    dot_bytes_vbmi<F>(va, vb, r, acc[0], acc[1], largest);
  }
  saw_special = _mm512_cmpeq_epi8_mask(largest, marker) != 0;
  const __m512 sum = _mm512_add_ps(_mm512_add_ps(acc[0], acc[1]), _mm512_add_ps(acc[2], acc[3]));
  return _mm512_reduce_add_ps(sum);
}

/// The lanes of 64 code pairs with a NaN or inf operand.
template <class F>
LMUL_VBMI_TARGET inline __mmask64 special_lanes_vbmi(__m512i a, __m512i b) {
  static_assert(specials_above_max_finite<F>());
  const __m512i magnitude = _mm512_set1_epi8(0x7F);
  const __m512i from = _mm512_set1_epi8(char(F::max_finite_code + 1));
  return _mm512_cmpge_epu8_mask(_mm512_and_si512(a, magnitude), from) |
         _mm512_cmpge_epu8_mask(_mm512_and_si512(b, magnitude), from);
}

/// The sum of the wide products with a NaN or inf operand, by the scalar definition (NaN or +-inf;
/// adding the finite products would not change it).
template <class F>
LMUL_VBMI_TARGET float dot_of_special_products_vbmi(const std::uint8_t* a, const std::uint8_t* b,
                                                    std::size_t n) {
  float sum = 0.f;
  const auto add_specials = [&](std::size_t i, __m512i va, __m512i vb) {
    for (__mmask64 special = special_lanes_vbmi<F>(va, vb); special != 0; special &= special - 1) {
      const std::size_t j = i + std::size_t(std::countr_zero(special));
      sum += lmul_wide<F>(a[j], b[j]);
    }
  };
  std::size_t i = 0;
  for (; i + 64 <= n; i += 64) add_specials(i, _mm512_loadu_si512(a + i), _mm512_loadu_si512(b + i));
  if (i < n) {  // zero codes past the end are not special
    const __mmask64 lanes = (__mmask64(1) << (n - i)) - 1;
    add_specials(i, _mm512_maskz_loadu_epi8(lanes, a + i), _mm512_maskz_loadu_epi8(lanes, b + i));
  }
  return sum;
}

/// Sum of wide products of n 8-bit codes. With a NaN or inf code the result is NaN or +-inf
/// whatever the finite products add up to (8-bit wide products cannot sum to an fp32 overflow), so
/// then only the products with such an operand are summed again, by the scalar definition: the
/// same result as adding the finite products to them, at a fraction of the cost (before, the whole
/// input was summed again: 2.8x the time of a finite input, lmul<5,2> at 65536).
template <class F>
float dot_codes_vbmi(const std::uint8_t* a, const std::uint8_t* b, std::size_t n) {
  static_assert(byte_tables_v<F>.wide_by_index);
  bool special = false;
  const float sum = dot_codes_vbmi_pass<F>(a, b, n, special);
  return special ? dot_of_special_products_vbmi<F>(a, b, n) : sum;
}

// ---- per-block sums (MX dot) ---------------------------------------------------------------
//
// The dot's register step (dot_bytes_vbmi) with one result per block instead of one per call.
// vpunpcklbw / vpunpckhbw interleave within 128-bit lanes, so the fp32 lanes that vdpbf16ps fills
// from input bytes 16k .. 16k + 15 lie in 128-bit lane k of acc0 and acc1: for blocks of 32, one
// 64-byte register holds two blocks, and the low and high 256 bits of acc0 + acc1 are their sums.
// A block holding a NaN or inf code is summed by the scalar definition.

template <class F>
LMUL_VBMI_TARGET void block_sums_codes_vbmi(const std::uint8_t* a, const std::uint8_t* b,
                                            std::size_t n, std::size_t block, float* sums) {
  static_assert(byte_tables_v<F>.wide_by_index);
  const vbmi_dot_registers r = load_vbmi_dot_registers<F>();
  const __m512i marker = _mm512_set1_epi8(char(vbmi_dot_constants<F>::t.special_index));
  constexpr __mmask16 low_half = 0x00FF, high_half = 0xFF00;  // fp32 lanes of bytes 0-31, 32-63
  std::size_t i = 0, j = 0;
  if (block == 32) {  // the MX block: two per register
    for (; i + 64 <= n; i += 64, j += 2) {
      __m512 p0 = _mm512_setzero_ps(), p1 = _mm512_setzero_ps();
      __m512i largest = _mm512_setzero_si512();
      dot_bytes_vbmi<F>(_mm512_loadu_si512(a + i), _mm512_loadu_si512(b + i), r, p0, p1, largest);
      const __m512 p = _mm512_add_ps(p0, p1);
      const __mmask64 special = _mm512_cmpeq_epi8_mask(largest, marker);
      sums[j] = (special & 0xFFFFFFFFu) == 0 ? _mm512_mask_reduce_add_ps(low_half, p)
                                             : dot_codes_scalar<F>(a + i, b + i, 32);
      sums[j + 1] = (special >> 32) == 0 ? _mm512_mask_reduce_add_ps(high_half, p)
                                         : dot_codes_scalar<F>(a + i + 32, b + i + 32, 32);
    }
  }
  for (; i < n; i += block, ++j) {  // any block size; registers past the block's end masked
    const std::size_t end = n - i < block ? n : i + block;
    __m512 p0 = _mm512_setzero_ps(), p1 = _mm512_setzero_ps();
    __m512i largest = _mm512_setzero_si512();
    for (std::size_t k = i; k < end; k += 64) {
      const std::size_t count = end - k < 64 ? end - k : 64;
      const __mmask64 lanes = count == 64 ? ~__mmask64(0) : (__mmask64(1) << count) - 1;
      dot_bytes_vbmi<F>(_mm512_maskz_loadu_epi8(lanes, a + k), _mm512_maskz_loadu_epi8(lanes, b + k),
                        r, p0, p1, largest);
    }
    sums[j] = _mm512_cmpeq_epi8_mask(largest, marker) == 0
                  ? _mm512_reduce_add_ps(_mm512_add_ps(p0, p1))
                  : dot_codes_scalar<F>(a + i, b + i, end - i);
  }
}

// ---- byte map (FP6 / FP4 codes rewritten for the MX block sums) ----------------------------

/// out[i] = table[in[i] & index_mask] for i < n (index_mask < 64: FP6 codes are read by their low
/// 6 bits, FP4 codes by their low 4; vpermb itself would only drop bits 6 and 7, so without the
/// AND an FP4 byte such as 0x42 would read entry 2 while 0x12 read the zero padding at 18): one AND
/// and one vpermb per 64 codes; the last partial register is loaded and stored masked.
LMUL_VBMI_TARGET inline void lookup_bytes_vbmi(const std::array<std::uint8_t, 64>& table,
                                               const std::uint8_t* in, std::uint8_t* out,
                                               std::size_t n, std::uint8_t index_mask = 0x3F) {
  const __m512i t = _mm512_loadu_si512(table.data());
  const __m512i mask = _mm512_set1_epi8(char(index_mask));
  std::size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    const __m512i codes = _mm512_and_si512(_mm512_loadu_si512(in + i), mask);
    _mm512_storeu_si512(out + i, _mm512_permutexvar_epi8(codes, t));
  }
  if (i < n) {
    const __mmask64 lanes = (__mmask64(1) << (n - i)) - 1;
    const __m512i codes = _mm512_and_si512(_mm512_maskz_loadu_epi8(lanes, in + i), mask);
    _mm512_mask_storeu_epi8(out + i, lanes, _mm512_permutexvar_epi8(codes, t));
  }
}

}  // inline namespace LMUL_ISA
}  // namespace detail
}  // namespace lmul
