// lmul/kernels/multiply.hpp -- element-wise L-Mul, bit-identical to lmul_product (spec section 4).
//
// Two kernels, chosen by the element width:
// * 8-bit formats ("class" kernel): u(x) + u(y) through byte tables (byte_tables.hpp), zero
//   operands patched by a mask, registers with a NaN or inf operand recomputed by the scalar
//   definition. lmul<5,2> (447 classes) uses two signed saturating sums and computes its
//   subnormal results. 64 elements per AVX-512 register.
// * 16-bit formats and float ("linear" kernel): the spec's one integer addition
//   |x| + |y| - (bias << M) + 2^(M - l(M)) on the codes, valid when both operands and the result
//   are normal; lanes outside that range (zero, subnormal, inf, NaN, underflow, overflow) are
//   recomputed with the scalar definition, so the result is exact for every input.
// The tail of a span (fewer elements than a register) goes through the same kernel, padded.
#pragma once

#include "../detail/isa_namespace.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include <xsimd/xsimd.hpp>

#include "../detail/simd_select.hpp"
#include "../format_traits.hpp"
#include "../product.hpp"
#include "arch.hpp"
#include "byte_lookup.hpp"
#include "byte_tables.hpp"
#include "algorithm_choice.hpp"
#include "block_tests.hpp"

namespace lmul {
namespace detail {
inline namespace LMUL_ISA {

/// Runs `block(a, b, out)` on full registers of `lanes` elements, then once on the zero-padded tail.
template <std::size_t lanes, class S, class Block>
void for_each_block(const S* a, const S* b, S* out, std::size_t n, Block block) {
  std::size_t i = 0;
  for (; i + lanes <= n; i += lanes) block(a + i, b + i, out + i);
  if (i < n) {
    std::array<S, lanes> ta{}, tb{}, to{};
    std::memcpy(ta.data(), a + i, (n - i) * sizeof(S));
    std::memcpy(tb.data(), b + i, (n - i) * sizeof(S));
    block(ta.data(), tb.data(), to.data());
    std::memcpy(out + i, to.data(), (n - i) * sizeof(S));
  }
}

/// Constants of the class kernel for a pshufb arch, laid out for lookup(). `offset` is added (mod
/// 256) to every index u(c) (lmul<5,2>'s signed classes).
template <class F, int offset = 0>
struct byte_lane_tables {
  static constexpr auto& t = byte_tables_v<F>;
  static constexpr int M = F::mantissa_bits;
  static_assert((1 << M) <= 32, "8-bit formats have at most 32 subnormal codes");
  /// u(c) + offset for the subnormal codes c < 2^M (normal codes have u(c) = c - K(1)).
  static constexpr std::size_t subnormal_chunks = ((1u << M) + 15) / 16;
  static constexpr std::array<std::uint8_t, 128> shifted_index = [] {
    std::array<std::uint8_t, 128> out{};
    for (std::size_t c = 0; c < 128; ++c) out[c] = std::uint8_t(t.index[c] + offset);
    return out;
  }();
  static constexpr lane_table<subnormal_chunks> subnormal_index =
      make_lane_table<subnormal_chunks>(shifted_index, 0, 1 << M);
  static constexpr std::size_t low_count = std::size_t(t.normal_begin - t.low_begin);
  static constexpr lane_table<(low_count + 15) / 16> low_product =
      make_lane_table<(low_count + 15) / 16>(t.low, 0, low_count);
};

/// u(c) + offset (mod 256) of magnitude codes (NaN/inf codes give don't-care values: callers mask
/// them).
template <class F, class A, int offset = 0>
[[gnu::always_inline]] inline xsimd::batch<std::uint8_t, A> byte_index(xsimd::batch<std::uint8_t, A> magnitude) {
  using bytes = xsimd::batch<std::uint8_t, A>;
  using L = byte_lane_tables<F, offset>;
  constexpr int k_min_magnitude = -int(detail::magnitude_index<F>(1));  // u(c) = c + this
  const bytes normal = magnitude + detail::opaque(bytes(std::uint8_t(k_min_magnitude + offset)));
  bytes subnormal;
  if constexpr (L::subnormal_chunks == 1) {
    // Up to 16 subnormal codes (M <= 4): one shuffle; the normal codes' lanes are selected away.
    subnormal = lookup_first_chunk<A>(L::subnormal_index, magnitude);
  } else {
    // 32 (lmul<5,2>): the normal codes' lanes are selected away.
    subnormal = lookup_within<A>(L::subnormal_index, magnitude);
  }
  return detail::select_bits(
      detail::less_small(magnitude, detail::opaque(bytes(std::uint8_t(1 << F::mantissa_bits)))), subnormal, normal);
}

/// Magnitude codes of the products whose value V(k) (spec 3) lies below the normal range, in closed
/// form: t = k + M * 2^M clamped at 0 (every k below gives 0), and for t < (M + 1) * 2^M the code is
/// V(k) / (smallest subnormal) rounded to nearest even: with j = t >> M and f = t mod 2^M,
/// RNE((2^M + f) * 2^j / 2^(M + 1)) (one 16-bit multiply by 2^j, a fixed rounding shift). Other
/// lanes get don't-care values. Used where a lookup table would take too many 16-byte chunks
/// (lmul<5,2>: 192 classes).
template <class F, class A>
[[gnu::always_inline]] inline xsimd::batch<std::uint8_t, A> subnormal_result_codes(xsimd::batch<std::uint8_t, A> t) {
  using bytes = xsimd::batch<std::uint8_t, A>;
  using words = xsimd::batch<std::uint16_t, A>;
  constexpr int M = F::mantissa_bits;
  static constexpr lane_table<1> powers = [] {
    std::array<std::uint8_t, 16> p{};
    for (int j = 0; j <= M; ++j) p[std::size_t(j)] = std::uint8_t(1 << j);
    return make_lane_table<1>(p, 0, 16);
  }();
  const bytes j = xsimd::bitwise_cast<bytes>(xsimd::bitwise_cast<words>(t) >> M) &
                  detail::opaque(bytes(std::uint8_t(0xFF >> M)));
  const words p = xsimd::bitwise_cast<words>(lookup_first_chunk<A>(powers, j));  // 0 for j > M
  const words v = xsimd::bitwise_cast<words>((t & detail::opaque(bytes(std::uint8_t((1 << M) - 1)))) |
                                             detail::opaque(bytes(std::uint8_t(1 << M))));
  const words low_byte = detail::opaque(words(std::uint16_t(0x00FF)));
  // (2^(M+1) - 1) * 2^M < 2^16: no wrap. RNE(w / 2^(M+1)) = (w + 2^M - 1 + bit M+1 of w) >> (M+1).
  const words half_less = detail::opaque(words(std::uint16_t((1 << M) - 1)));
  const words one = detail::opaque(words(std::uint16_t(1)));
  const auto round = [&](words w) { return (w + half_less + ((w >> (M + 1)) & one)) >> (M + 1); };
  const words even = round((v & low_byte) * (p & low_byte));
  const words odd = round((v >> 8) * (p >> 8));
  return xsimd::bitwise_cast<bytes>(even | (odd << 8));
}

/// True if any byte lane holds a NaN or inf code.
template <class F, class A>
[[gnu::always_inline]] inline bool any_special_byte(xsimd::batch<std::uint8_t, A> a, xsimd::batch<std::uint8_t, A> b) {
  using bytes = xsimd::batch<std::uint8_t, A>;
  const auto magnitude_mask = bytes(std::uint8_t(F::magnitude_mask));
  // The smallest NaN/inf magnitude code: IEEE formats' infinity, e4m3fn's only NaN.
  const bytes below_special(std::uint8_t((F::has_infinity ? F::infinity_code : F::nan_code) - 1));
  return xsimd::any(
      detail::less_small(below_special, xsimd::max(a & magnitude_mask, b & magnitude_mask)));
}

/// The scalar definition on one register of codes (registers with a NaN or inf operand). Out of
/// line: rare. out may be a or b.
template <class F, std::size_t lanes>
[[gnu::noinline]] void multiply_register_scalar(const std::uint8_t* a, const std::uint8_t* b,
                                                std::uint8_t* out) {
  std::uint8_t xa[lanes], xb[lanes];
  std::memcpy(xa, a, lanes);
  std::memcpy(xb, b, lanes);
  for (std::size_t j = 0; j < lanes; ++j) out[j] = detail::lmul_codes<F>(xa[j], xb[j]);
}

/// One register of 8-bit L-Mul products of codes without NaN / inf (pshufb archs).
template <class F, class A>
[[gnu::always_inline]] inline xsimd::batch<std::uint8_t, A> multiply_bytes(xsimd::batch<std::uint8_t, A> a,
                                             xsimd::batch<std::uint8_t, A> b) {
  using bytes = xsimd::batch<std::uint8_t, A>;
  constexpr auto& t = byte_tables_v<F>;
  constexpr int M = F::mantissa_bits;
  const auto magnitude_mask = detail::opaque(bytes(std::uint8_t(F::magnitude_mask)));
  const bytes ma = a & magnitude_mask, mb = b & magnitude_mask;
  bytes magnitude;
  if constexpr (t.product_by_class) {
    static_assert(t.piecewise_matches);
    const bytes cls = detail::saturating_add(byte_index<F, A>(ma), byte_index<F, A>(mb));
    // Piecewise class -> magnitude: 0 below low_begin (clamped to the low table's entry 0, a zero).
    const bytes below_low = detail::saturating_sub(cls, detail::opaque(bytes(std::uint8_t(t.low_begin))));
    // Lanes at or past the table's end (normal and overflow classes) are selected away below.
    const bytes low = lookup_within<A>(byte_lane_tables<F>::low_product, below_low);
    const bytes normal = cls - detail::opaque(bytes(std::uint8_t(t.normal_offset)));
    magnitude = detail::select_bits(detail::at_least_bytes(cls, detail::opaque(bytes(std::uint8_t(t.normal_begin)))),
                                    normal, low);
    if constexpr (t.overflow_begin < 256) {
      magnitude = detail::select_bits(detail::at_least_bytes(cls, detail::opaque(bytes(std::uint8_t(t.overflow_begin)))),
                                      detail::opaque(bytes(t.overflow_magnitude)), magnitude);
    }
  } else {
    // lmul<5,2>: u sums s span 0..446 (more classes than a byte). The products that differ lie in
    // s in [first, first + 256] (below: 0; above: overflow), 257 values: t = clamp(s - first, 0, 255)
    // from one signed saturating add of v(c) = u(c) - d (d = (first + 128) / 2), and a second sum,
    // with v(y) - 1, saturates at +127 exactly when s >= first + 256 (overflow).
    constexpr int first = t.normal_offset - (M << M);  // k = -M * 2^M: t = k + M * 2^M
    static_assert(first >= 0 && first % 2 == 0 && t.overflow_begin == first + 256);
    constexpr int d = (first + 128) / 2;
    // Finite nonzero v(c) in [-d, u_max - d] and v(y) - 1 must not wrap: signed bytes.
    static_assert(d <= 127 && largest_finite_index<F>() - d <= 127);
    const bytes va = byte_index<F, A, -d>(ma), vb = byte_index<F, A, -d>(mb);
    const bytes sum = detail::saturating_add_signed(va, vb);  // t - 128, as a signed byte
    const bytes overflow_sum = detail::saturating_add_signed(va, vb - detail::opaque(bytes(std::uint8_t(1))));
    const bytes tt = sum ^ detail::opaque(bytes(std::uint8_t(0x80)));
    using signed_bytes = xsimd::batch<std::int8_t, A>;
    const auto low_lane = xsimd::bitwise_cast<signed_bytes>(sum) <
                          detail::opaque(signed_bytes(std::int8_t(((M + 1) << M) - 128)));
    magnitude = detail::select_bits(xsimd::batch_bool<std::uint8_t, A>(low_lane.data),
                                    subnormal_result_codes<F, A>(tt),
                                    tt - detail::opaque(bytes(std::uint8_t(M << M))));  // normal: the code is k
    magnitude = detail::select_bits(overflow_sum == detail::opaque(bytes(std::uint8_t(127))),
                                    detail::opaque(bytes(t.overflow_magnitude)), magnitude);
  }
  const bytes none = detail::opaque(bytes(std::uint8_t(0)));
  magnitude = detail::select_bits((ma == none) | (mb == none), none, magnitude);  // spec 3: +-0
  // NaN / inf operands: the caller recomputes such a register (any_special_byte).
  return magnitude | ((a ^ b) & detail::opaque(bytes(std::uint8_t(F::sign_mask))));
}

/// The linear kernel's fast path: the product code of each lane, and which lanes it is exact for.
///
/// All range tests are signed compares on the magnitudes (which lie below 2^(bits - 1) of the
/// storage), since xsimd 8.1 compares unsigned 16- and 32-bit lanes on AVX2 per 128-bit half.
/// A lane is exact when neither operand is NaN / inf and either an operand is zero (the product is
/// the signed zero) or both are normal and k = |x| + |y| + (offset - bias units) is a normal code.
template <class F, class A>
struct linear_products {
  using S = typename F::storage;
  using T = std::make_signed_t<S>;
  using codes = xsimd::batch<S, A>;
  using signed_codes = xsimd::batch<T, A>;
  /// Exact lanes: the product code. Others: don't-care values.
  codes product;
  /// Exact lanes: the product code, except +0 where an operand is zero (what a sum needs).
  codes unsigned_zero_product;
  /// The lanes that the code above is exact for, and whether that is all of them.
  xsimd::batch_bool<S, A> exact;
  bool all_exact;

  static constexpr int M = F::mantissa_bits;
  static constexpr int W = 8 * int(sizeof(S));
  static constexpr bool fills_storage = F::total_bits == W;
  static constexpr long long min_normal = 1LL << M;
  static constexpr long long max_finite = F::max_finite_code;
  static constexpr long long span = max_finite - min_normal;
  /// k = |x| + |y| + add_k.
  static constexpr long long add_k =
      (1LL << (M - ::lmul::paper_offset_exponent(M))) - (static_cast<long long>(F::bias) << M);
  /// The range test of k as one signed compare of w = |x| + |y| + (add_k - min_normal - 2^(W-1))
  /// (mod 2^W): k - min_normal in [0, span] <=> w <= span - 2^(W-1). Unambiguous because every
  /// |x| + |y| + add_k - min_normal lies in [add_k - min_normal, 2 max_finite + add_k - min_normal],
  /// an interval that the wrap maps to itself without touching the valid part:
  static_assert(2 * max_finite + add_k - min_normal < (1LL << W) &&
                add_k - min_normal + (1LL << W) > span && span < (1LL << (W - 1)));
  static constexpr long long add_w = add_k - min_normal - (1LL << (W - 1));
  static constexpr long long w_limit = span - (1LL << (W - 1));

  /// The constant c as a lane value (two's complement wrap of S).
  static constexpr S lane(long long c) { return S(static_cast<unsigned long long>(c)); }

  // The range tests of the linear path, one home for the multiply and the dot (kernels/dot.hpp):
  // each is true in the lanes that give a reason to take the scalar definition. Strict compares
  // only (a <= needs a second instruction on SSE / AVX2); magnitudes are below 2^(W-1), so signed
  // compares order them (xsimd 8.1 compares unsigned 16-bit lanes on AVX2 per 128-bit half).
  /// The largest magnitude is a NaN or inf code.
  [[gnu::always_inline]] static auto special(signed_codes largest) {
    return largest > opaque(signed_codes(T(max_finite)));
  }
  /// The smallest magnitude is below the normal codes (zero or subnormal).
  [[gnu::always_inline]] static auto below_normal(signed_codes smallest) {
    return smallest < opaque(signed_codes(T(min_normal)));
  }
  /// k = magnitude_sum + add_k is not a normal code (the wrap-arranged compare above).
  [[gnu::always_inline]] static auto k_out_of_range(codes magnitude_sum) {
    return xsimd::bitwise_cast<signed_codes>(magnitude_sum + opaque(codes(lane(add_w)))) >
           opaque(signed_codes(T(w_limit)));
  }

  [[gnu::always_inline]] linear_products(codes a, codes b) {
    const codes magnitude_mask = opaque(codes(S(F::magnitude_mask)));
    const codes ax = a & magnitude_mask, ay = b & magnitude_mask;
    const codes sum = ax + ay;
    const signed_codes sx = xsimd::bitwise_cast<signed_codes>(ax), sy = xsimd::bitwise_cast<signed_codes>(ay);
    const signed_codes largest = xsimd::max(sx, sy), smallest = xsimd::min(sx, sy);
    // A NaN / inf operand; or, where no operand is zero, a subnormal operand or k outside the
    // normal codes.
    const auto zero = smallest == opaque(signed_codes(T(0)));
    const auto inexact =
        special(largest) | ((below_normal(smallest) | k_out_of_range(sum)) & ~zero);
    all_exact = !xsimd::any(inexact);
    exact = ~xsimd::batch_bool<S, A>(inexact.data);
    const auto zero_lanes = xsimd::batch_bool<S, A>(zero.data);
    const codes sign = (a ^ b) & opaque(codes(S(F::sign_mask)));
    codes k_signed;
    if constexpr (fills_storage) {
      // The sign is the storage's top bit: a + b adds the signs there (their XOR; the carry leaves
      // the word) and below them |x| + |y|, which the constant turns into k.
      k_signed = (a + b) + opaque(codes(lane(add_k)));
    } else {
      k_signed = (sum + opaque(codes(lane(add_k)))) | sign;
    }
    unsigned_zero_product = select_bits(zero_lanes, opaque(codes(S(0))), k_signed);
    product = select_bits(zero_lanes, sign, k_signed);
  }
};

/// Element-wise L-Mul of n codes for xsimd arch A with `path` (kernels/algorithm_choice.hpp chooses it).
template <class F, class A, kernels::algorithm path>
void multiply_codes(const typename F::storage* a, const typename F::storage* b,
                    typename F::storage* out, std::size_t n) {
  using S = typename F::storage;
  if constexpr (path == kernels::algorithm::byte_classes) {
    using bytes = xsimd::batch<std::uint8_t, A>;
    for_each_block<bytes::size>(a, b, out, n, [](const S* pa, const S* pb, S* po) __attribute__((always_inline)) {
      const bytes va = bytes::load_unaligned(pa), vb = bytes::load_unaligned(pb);
      if (!any_special_byte<F, A>(va, vb)) [[likely]] {
        multiply_bytes<F, A>(va, vb).store_unaligned(po);
      } else {
        multiply_register_scalar<F, bytes::size>(pa, pb, po);
      }
    });
  } else {
    static_assert(path == kernels::algorithm::linear);
    using codes = xsimd::batch<S, A>;
    const auto one_register = [](const S* pa, const S* pb, S* po) __attribute__((always_inline)) {
      const codes va = codes::load_unaligned(pa), vb = codes::load_unaligned(pb);
      const linear_products<F, A> p(va, vb);
      if (p.all_exact) [[likely]] {
        p.product.store_unaligned(po);
        return;
      }
      // Keep the operands: po may be pa or pb (in place).
      std::array<S, codes::size> xa, xb, exact;
      va.store_unaligned(xa.data());
      vb.store_unaligned(xb.data());
      detail::select_bits(p.exact, codes(S(1)), codes(S(0))).store_unaligned(exact.data());
      p.product.store_unaligned(po);
      for (std::size_t j = 0; j < codes::size; ++j) {
        if (!exact[j]) po[j] = detail::lmul_codes<F>(xa[j], xb[j]);
      }
    };
    std::size_t i = 0;
    if constexpr (sizeof(S) == 2 && linear_products<F, A>::fills_storage && F::exponent_bits == 8) {
      // bf16's exponent range: blocks of R registers whose operands all lie inside the exponent
      // window (block_tests.hpp) need no test per register: each result is a + b + c. The test
      // reads the block once (loads, two subtractions and an OR per register), then the products
      // are computed and stored: out may be a or b (in place), and each register is read before
      // it is written. A block that fails goes register by register.
      using window = exponent_window<F>;
      using P = linear_products<F, A>;
      constexpr std::size_t R = 16, block = R * codes::size;
      const codes shift = detail::opaque(codes(P::lane(window::shift)));
      const codes test_bits = detail::opaque(codes(S(window::test_bits)));
      const codes add_k = detail::opaque(codes(P::lane(P::add_k)));
      retry_backoff window_test;
      for (; i + block <= n; i += block) {
        const auto inside = [&]() __attribute__((always_inline)) {
          codes seen(S(0));
#pragma GCC unroll 16
          for (std::size_t r = 0; r < R; ++r) {
            const codes va = codes::load_unaligned(a + i + r * codes::size);
            const codes vb = codes::load_unaligned(b + i + r * codes::size);
            seen = detail::opaque(seen | (va - shift) | (vb - shift));  // a chain, in order
            // Data outside the window fails at its first register, not after the whole block.
            if (r == 0 && window::any_outside(seen, test_bits)) return false;
          }
          return !window::any_outside(seen, test_bits);
        };
        if (window_test.due()) {
          if (window_test.passed(inside())) [[likely]] {
#pragma GCC unroll 16
            for (std::size_t r = 0; r < R; ++r) {
              const std::size_t at = i + r * codes::size;
              ((codes::load_unaligned(a + at) + codes::load_unaligned(b + at)) + add_k)
                  .store_unaligned(out + at);
            }
            continue;
          }
        }
        for (std::size_t r = 0; r < R; ++r) {
          const std::size_t at = i + r * codes::size;
          one_register(a + at, b + at, out + at);
        }
      }
    }
    for_each_block<codes::size>(a + i, b + i, out + i, n - i, one_register);
  }
}

}  // inline namespace LMUL_ISA
}  // namespace detail
}  // namespace lmul
