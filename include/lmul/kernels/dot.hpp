// lmul/kernels/dot.hpp -- lmul_dot: the sum of wide L-Mul products, accumulated in fp32.
//
// Any summation order is allowed (spec section 4: error <= gamma_n * sum |p_i|), so the kernels
// keep several vector accumulators and add lanes in whatever order the data layout gives.
// * 8-bit formats: every wide product is a bfloat16 (M + 1 <= 8 significant bits, fp32 exponent
//   range), with bits (u(x) + u(y) + wide_bias) << (7 - M) | sign (byte_tables.hpp). The kernel
//   builds those bf16 words from byte tables in 16-bit lanes and widens them to fp32 by a shift.
//   A register holding a NaN or inf operand is summed with the scalar definition instead.
// * 16-bit formats and float: the linear kernel of multiply.hpp; a lane whose L-Mul result is a
//   normal code of the format (or a zero) is placed in an fp32 by shifts (16-bit formats: times
//   2^(bias - 127), undone once at the end), other lanes use lmul_wide.
#pragma once

#include "../detail/isa_namespace.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

#include <xsimd/xsimd.hpp>

#include "../product.hpp"
#include "multiply.hpp"

namespace lmul {
namespace detail {
inline namespace LMUL_ISA {

/// Four fp32 vector accumulators (independent add chains) plus a scalar one for patched lanes.
template <class A>
struct fp32_accumulators {
  using floats = xsimd::batch<float, A>;
  floats acc[4] = {floats(0.f), floats(0.f), floats(0.f), floats(0.f)};
  float scalar = 0.f;

  /// The sum; `vector_scale` (a power of two) multiplies the vector lanes' part only.
  float total(float vector_scale = 1.f) const {
    return xsimd::hadd((acc[0] + acc[1]) + (acc[2] + acc[3])) * vector_scale + scalar;
  }
};

/// Sum of wide products of n codes, one element at a time (patched blocks, tails, scalar arch).
template <class F>
float dot_codes_scalar(const typename F::storage* a, const typename F::storage* b, std::size_t n) {
  float sum = 0.f;
  for (std::size_t i = 0; i < n; ++i) sum += detail::lmul_wide<F>(a[i], b[i]);
  return sum;
}

/// One register of 8-bit operands into the accumulators (pshufb archs).
template <class F, class A>
[[gnu::always_inline]] inline void dot_bytes(xsimd::batch<std::uint8_t, A> a, xsimd::batch<std::uint8_t, A> b,
               fp32_accumulators<A>& acc) {
  using bytes = xsimd::batch<std::uint8_t, A>;
  using words = xsimd::batch<std::uint16_t, A>;
  using swords = xsimd::batch<std::int16_t, A>;
  using dwords = xsimd::batch<std::uint32_t, A>;
  using floats = xsimd::batch<float, A>;
  constexpr auto& t = byte_tables_v<F>;
  static_assert(t.wide_by_index);
  constexpr int shift = 7 - F::mantissa_bits;  // from the index sum to a bf16 word

  const auto magnitude_mask = bytes(std::uint8_t(F::magnitude_mask));
  const bytes ma = a & magnitude_mask, mb = b & magnitude_mask;
  const words ua = xsimd::bitwise_cast<words>(byte_index<F, A>(ma));
  const words ub = xsimd::bitwise_cast<words>(byte_index<F, A>(mb));
  // 0xFF in the bytes whose product is nonzero (zero operands give +-0: nothing to add).
  const auto zero = bytes(std::uint8_t(0));
  const bytes nonzero =
      detail::select_bits((ma == zero) | (mb == zero), zero, bytes(std::uint8_t(0xFF)));
  const swords keep = xsimd::bitwise_cast<swords>(nonzero);
  const words keep_even = xsimd::bitwise_cast<words>((keep << 8) >> 8);  // arithmetic: 0 or 0xFFFF
  const words keep_odd = xsimd::bitwise_cast<words>(keep >> 8);
  const words signs = xsimd::bitwise_cast<words>(a ^ b);
  const words low_byte(std::uint16_t(0x00FF));
  const words sign_bit(std::uint16_t(F::sign_mask << 8));  // the sign of a byte, in a bf16 word
  const words bias(std::uint16_t(t.wide_bias));

  const words even = ((((ua & low_byte) + (ub & low_byte) + bias) << shift) |
                      ((signs << 8) & sign_bit)) & keep_even;
  const words odd = ((((ua >> 8) + (ub >> 8) + bias) << shift) | (signs & sign_bit)) & keep_odd;
  // A bf16 word w is the fp32 with bits w << 16.
  const dwords high_half(0xFFFF0000u);
  const dwords e = xsimd::bitwise_cast<dwords>(even), o = xsimd::bitwise_cast<dwords>(odd);
  acc.acc[0] += xsimd::bitwise_cast<floats>(e << 16);
  acc.acc[1] += xsimd::bitwise_cast<floats>(e & high_half);
  acc.acc[2] += xsimd::bitwise_cast<floats>(o << 16);
  acc.acc[3] += xsimd::bitwise_cast<floats>(o & high_half);
}

/// Adds a register of product codes (normal codes of F or +0) as fp32 to the accumulators
/// (16-bit formats: scaled by 2^(bias - 127), see dot_codes).
/// `pair` (0 or 1) picks the accumulators of a 16-bit register: acc[2 pair] and acc[2 pair + 1].
template <class F, class A>
[[gnu::always_inline]] inline void add_product_codes(xsimd::batch<typename F::storage, A> product,
                                                     fp32_accumulators<A>& acc,
                                                     std::size_t pair = 0) {
  using S = typename F::storage;
  using floats = xsimd::batch<float, A>;
  using sdwords = xsimd::batch<std::int32_t, A>;
  if constexpr (sizeof(S) == 4) {
    acc.acc[0] += xsimd::bitwise_cast<floats>(product);  // the wide product of float is the product
  } else {
    static_assert(F::total_bits == 16 && F::mantissa_bits >= 7, "16-bit formats have E <= 8");
    // A 16-bit code s|e|f moved to bits 31 | 30-23 | ... of an fp32 by an arithmetic shift of
    // M - 7 (the sign copies land in the bits the mask clears) is the fp32 with the code's value
    // times 2^(bias - 127): exact, and zero stays zero. dot_codes multiplies by 2^(127 - bias).
    constexpr int M = F::mantissa_bits;
    const sdwords words = xsimd::bitwise_cast<sdwords>(product);
    floats& low = acc.acc[2 * pair];
    floats& high = acc.acc[2 * pair + 1];
    if constexpr (M == 7) {  // bf16's layout: the fp32's top half
      low += xsimd::bitwise_cast<floats>(words << 16);
      high +=
          xsimd::bitwise_cast<floats>(words & detail::opaque(sdwords(std::int32_t(0xFFFF0000u))));
    } else {
      const sdwords mask = detail::opaque(sdwords(std::int32_t(0x80000000u | (0x7FFFu << (23 - M)))));
      low += xsimd::bitwise_cast<floats>(((words << 16) >> (M - 7)) & mask);
      high += xsimd::bitwise_cast<floats>((words >> (M - 7)) & mask);
    }
  }
}

/// The common case of 16-bit formats whose sign is the storage's top bit: every operand normal
/// and every k a normal code, so each product is a + b + c. `irregular` marks the lanes where that
/// fails (a zero, subnormal, NaN or inf operand, k outside the normal codes): three compares, of
/// the larger and the smaller magnitude and of k (linear_products' wrap-arranged test).
template <class F, class A>
struct regular_products {
  using P = linear_products<F, A>;
  using codes = typename P::codes;
  using signed_codes = typename P::signed_codes;
  using T = typename P::T;
  static_assert(P::fills_storage && P::W == 16);
  codes product;
  xsimd::batch_bool<T, A> irregular;

  [[gnu::always_inline]] regular_products(codes a, codes b) {
    const codes magnitude_mask = detail::opaque(codes(typename P::S(F::magnitude_mask)));
    const codes ax = a & magnitude_mask, ay = b & magnitude_mask;
    const signed_codes sx = xsimd::bitwise_cast<signed_codes>(ax);
    const signed_codes sy = xsimd::bitwise_cast<signed_codes>(ay);
    irregular = P::special(xsimd::max(sx, sy)) | P::below_normal(xsimd::min(sx, sy)) |
                P::k_out_of_range(ax + ay);
    product = (a + b) + detail::opaque(codes(P::lane(P::add_k)));
  }
};

/// Blocks of R registers of 16-bit operands (sign in the storage's top bit) that are all regular
/// in the sense of regular_products, told from running per-lane minima and maxima of the operand
/// magnitudes instead of a test per register: two ANDs and four min/max per register, and at the
/// end of the block one check per lane -- every operand normal and finite (the smallest magnitude
/// >= the smallest normal code, the largest <= the largest finite code) and the smallest and the
/// largest k normal (then every k of the lane is, k growing with each magnitude). The products are
/// summed optimistically into `acc` (both accumulator pairs, alternating registers: four add
/// chains); where the check fails dot_codes restores `acc` and redoes the block register by
/// register.
template <class F, class A, std::size_t R>
[[gnu::always_inline]] inline bool dot_regular_block(const typename F::storage* pa,
                                                     const typename F::storage* pb,
                                                     fp32_accumulators<A>& acc) {
  using P = linear_products<F, A>;
  using codes = typename P::codes;
  using signed_codes = typename P::signed_codes;
  using T = typename P::T;
  static_assert(P::fills_storage && P::W == 16);
  const codes magnitude_mask = detail::opaque(codes(typename P::S(F::magnitude_mask)));
  // Magnitudes are below 2^15: signed min / max order them (unsigned 16-bit compares are slow on
  // AVX2 with xsimd 8.1).
  signed_codes min_a(T(0x7FFF)), min_b(T(0x7FFF)), max_a(T(0)), max_b(T(0));
#pragma GCC unroll 16
  for (std::size_t r = 0; r < R; ++r) {
    const codes a = codes::load_unaligned(pa + r * codes::size);
    const codes b = codes::load_unaligned(pb + r * codes::size);
    const signed_codes ax = xsimd::bitwise_cast<signed_codes>(a & magnitude_mask);
    const signed_codes ay = xsimd::bitwise_cast<signed_codes>(b & magnitude_mask);
    min_a = xsimd::min(min_a, ax), max_a = xsimd::max(max_a, ax);
    min_b = xsimd::min(min_b, ay), max_b = xsimd::max(max_b, ay);
    add_product_codes<F, A>((a + b) + detail::opaque(codes(P::lane(P::add_k))), acc, r % 2);
    detail::computed_here(acc.acc[2 * (r % 2)]);
    detail::computed_here(acc.acc[2 * (r % 2) + 1]);
  }
  // Per lane: every operand normal and finite, k of the smallest and of the largest magnitudes
  // normal (linear_products' range tests).
  const auto sum = [](signed_codes x, signed_codes y) { return xsimd::bitwise_cast<codes>(x + y); };
  const auto irregular = P::below_normal(xsimd::min(min_a, min_b)) |
                         P::special(xsimd::max(max_a, max_b)) |
                         P::k_out_of_range(sum(min_a, min_b)) |
                         P::k_out_of_range(sum(max_a, max_b));
  return !xsimd::any(irregular);
}

/// Blocks of R registers of bf16-range operands inside exponent_window: per register two
/// subtractions (the shifted codes), their OR into a running word, one add for the products (the
/// shifted codes' sum plus a constant is a + b + c) and the shifts and adds into fp32; one test at
/// the end of the block. Cheaper than dot_regular_block (which covers every normal exponent); the
/// caller restores `acc` where it fails and tries dot_regular_block.
template <class F, class A, std::size_t R>
[[gnu::always_inline]] inline bool dot_window_block(const typename F::storage* pa,
                                                    const typename F::storage* pb,
                                                    fp32_accumulators<A>& acc) {
  using P = linear_products<F, A>;
  using codes = typename P::codes;
  using window = exponent_window<F>;
  const codes shift = detail::opaque(codes(P::lane(window::shift)));
  const codes add = detail::opaque(codes(P::lane(P::add_k + 2 * window::shift)));
  const codes test_bits = detail::opaque(codes(typename P::S(window::test_bits)));
  const auto outside = [&](codes seen) __attribute__((always_inline)) {
    return window::any_outside(seen, test_bits);
  };
  codes seen(typename P::S(0));
  // Software prefetch 4 KiB ahead, once per 64-byte line of each operand: beyond L2 the hardware
  // prefetchers leave this loop waiting (2^25 elements from L3: 0.16 instead of 0.20 ns per
  // element, Intel Xeon); the exact bf16 dot it is compared with prefetches the same way.
  constexpr std::size_t ahead = 4096 / sizeof(typename P::S);
  constexpr std::size_t line = 64 / sizeof(typename P::S);
#pragma GCC unroll 16
  for (std::size_t r = 0; r < R; ++r) {
    if ((r * codes::size) % line == 0) {
      __builtin_prefetch(pa + r * codes::size + ahead);
      __builtin_prefetch(pb + r * codes::size + ahead);
    }
    const codes da = codes::load_unaligned(pa + r * codes::size) - shift;
    const codes db = codes::load_unaligned(pb + r * codes::size) - shift;
    add_product_codes<F, A>((da + db) + add, acc, r % 2);
    seen = detail::opaque(seen | da | db);
    detail::computed_here(acc.acc[2 * (r % 2)]);
    detail::computed_here(acc.acc[2 * (r % 2) + 1]);
    // Data outside the window fails at its first register, not after the whole block.
    if (r == 0 && outside(seen)) return false;
  }
  return !outside(seen);
}

/// One register of 16-bit or float operands into the accumulators (16-bit formats: scaled by
/// 2^(bias - 127), see dot_codes).
template <class F, class A>
[[gnu::always_inline]] inline void dot_linear(const typename F::storage* pa, const typename F::storage* pb,
                                              fp32_accumulators<A>& acc) {
  using S = typename F::storage;
  using codes = xsimd::batch<S, A>;
  const codes va = codes::load_unaligned(pa), vb = codes::load_unaligned(pb);
  if constexpr (sizeof(S) == 2 && linear_products<F, A>::fills_storage) {
    // The common register first (fewer instructions than linear_products' full test).
    const regular_products<F, A> regular(va, vb);
    if (!xsimd::any(regular.irregular)) [[likely]] {
      add_product_codes<F, A>(regular.product, acc);
      return;
    }
  }
  const linear_products<F, A> p(va, vb);
  if (p.all_exact) [[likely]] {
    add_product_codes<F, A>(p.unsigned_zero_product, acc);
  } else {
    add_product_codes<F, A>(detail::select_bits(p.exact, p.unsigned_zero_product, codes(S(0))), acc);
    std::array<S, codes::size> exact;
    detail::select_bits(p.exact, codes(S(1)), codes(S(0))).store_unaligned(exact.data());
    for (std::size_t j = 0; j < codes::size; ++j) {
      if (!exact[j]) acc.scalar += detail::lmul_wide<F>(pa[j], pb[j]);
    }
  }
}

/// The factor between the fp32 that dot_linear places a 16-bit code in and the code's value:
/// 2^(127 - bias), exact (1 for bf16's layout).
template <class F>
inline constexpr float wide_scale = [] {
  float s = 1.f;
  for (int e = F::bias; e < 127; ++e) s *= 2.f;
  return s;
}();

/// Sum of wide L-Mul products of n codes for xsimd arch A with `path` (kernels/algorithm_choice.hpp).
template <class F, class A,
          kernels::algorithm path = kernels::dot_algorithm<F>({.vectors = true})>
float dot_codes(const typename F::storage* a, const typename F::storage* b, std::size_t n) {
  using S = typename F::storage;
  static_assert(path == kernels::algorithm::byte_classes || path == kernels::algorithm::linear);
  fp32_accumulators<A> acc;
  std::size_t i = 0;
  if constexpr (path == kernels::algorithm::byte_classes) {
    using bytes = xsimd::batch<std::uint8_t, A>;
    for (; i + bytes::size <= n; i += bytes::size) {
      const bytes va = bytes::load_unaligned(a + i), vb = bytes::load_unaligned(b + i);
      if (any_special_byte<F, A>(va, vb)) {
        acc.scalar += dot_codes_scalar<F>(a + i, b + i, bytes::size);
      } else {
        dot_bytes<F, A>(va, vb, acc);
      }
    }
  } else {
    using codes = xsimd::batch<S, A>;
    if constexpr (sizeof(S) == 2 && linear_products<F, A>::fills_storage &&
                  F::exponent_bits == 8) {
      // Blocks of R registers checked once, for bf16's exponent range only: first by the exponent
      // window (dot_window_block, the cheapest), then by running minima and maxima
      // (dot_regular_block, every normal exponent); narrower formats (fp16) leave the normal
      // range too often for whole blocks (N(0, 1) data in fp16 has products below 2^-14 in many
      // blocks of 512; measured slower than the per-register test). A block that fails both (a
      // zero, subnormal, NaN or inf operand, or a k outside the normal codes) is redone register
      // by register. Each test that fails is skipped for the next 1, 2, 4, ... 64 blocks while
      // failures continue: data outside the window, or full of zeros, pays for few blocks twice.
      constexpr std::size_t R = 16, block = R * codes::size;
      retry_backoff window_test, block_test;
      for (; i + block <= n; i += block) {
        const fp32_accumulators<A> saved = acc;  // registers: the copy costs nothing
        if (window_test.due()) {
          if (window_test.passed(dot_window_block<F, A, R>(a + i, b + i, acc))) [[likely]] continue;
          acc = saved;  // drop the block's sums
        }
        if (block_test.due()) {
          if (block_test.passed(dot_regular_block<F, A, R>(a + i, b + i, acc))) continue;
          acc = saved;
        }
        for (std::size_t r = 0; r < R; ++r) {
          dot_linear<F, A>(a + i + r * codes::size, b + i + r * codes::size, acc);
        }
      }
    }
    for (; i + codes::size <= n; i += codes::size) dot_linear<F, A>(a + i, b + i, acc);
    if constexpr (sizeof(S) == 2) {
      // The vector lanes hold the products times 2^(bias - 127): every partial sum is exactly the
      // scaled partial sum of the products (rounding is scale-invariant between fp32's normal
      // numbers, and a sum that lands below them is exact in both), so one multiply by a power of
      // two gives the same sum. (Not under flush-to-zero, which is not IEEE arithmetic.)
      return acc.total(wide_scale<F>) + dot_codes_scalar<F>(a + i, b + i, n - i);
    }
  }
  return acc.total() + dot_codes_scalar<F>(a + i, b + i, n - i);
}

}  // inline namespace LMUL_ISA
}  // namespace detail
}  // namespace lmul
