// lmul/kernels/dot.hpp -- lmul_dot: the sum of wide L-Mul products, accumulated in fp32.
//
// Any summation order is allowed (spec section 4: error <= gamma_n * sum |p_i|), so the kernels
// keep several vector accumulators and add lanes in whatever order the data layout gives.
// * 8-bit formats: every wide product is a bfloat16 (M + 1 <= 8 significant bits, fp32 exponent
//   range), with bits (u(x) + u(y) + wide_bias) << (7 - M) | sign (byte_tables.hpp). The kernel
//   builds those bf16 words from byte tables in 16-bit lanes and widens them to fp32 by a shift.
//   A register holding a NaN or inf operand is summed with the scalar definition instead.
// * 16-bit formats and float: the linear kernel of multiply.hpp; a lane whose L-Mul result is a
//   normal code of the format is widened to fp32 exactly, other lanes use lmul_wide.
#pragma once

#include "../detail/isa_namespace.hpp"

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

  float total() const {
    return xsimd::hadd((acc[0] + acc[1]) + (acc[2] + acc[3])) + scalar;
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

/// One register of 16-bit or float operands into the accumulators.
template <class F, class A>
void dot_linear(const typename F::storage* pa, const typename F::storage* pb,
                fp32_accumulators<A>& acc) {
  using S = typename F::storage;
  using codes = xsimd::batch<S, A>;
  using floats = xsimd::batch<float, A>;
  using dwords = xsimd::batch<std::uint32_t, A>;
  using sdwords = xsimd::batch<std::int32_t, A>;
  const codes va = codes::load_unaligned(pa), vb = codes::load_unaligned(pb);
  const linear_products<F, A> p(va, vb);
  const codes product = detail::select_bits(p.exact, p.product, codes(S(0)));
  if constexpr (sizeof(S) == 4) {
    acc.acc[0] += xsimd::bitwise_cast<floats>(product);  // the wide product of float is the product
  } else {
    // A normal code of F widens to fp32 bits ((code & magnitude) + (127 - bias) << M) << (23 - M).
    constexpr int M = F::mantissa_bits;
    const dwords pair = xsimd::bitwise_cast<dwords>(product);
    const sdwords keep = xsimd::bitwise_cast<sdwords>(
        detail::select_bits(p.exact, codes(S(0xFFFF)), codes(S(0))));
    const dwords keep_low = xsimd::bitwise_cast<dwords>((keep << 16) >> 16);
    const dwords keep_high = xsimd::bitwise_cast<dwords>(keep >> 16);
    const dwords magnitude = dwords(std::uint32_t(F::magnitude_mask));
    const dwords bias = dwords(std::uint32_t(127 - F::bias) << M);
    const auto widen = [&](dwords code) {
      // The sign bit moves from bit total_bits - 1 to bit 31.
      return (((code & magnitude) + bias) << (23 - M)) |
             ((code & dwords(std::uint32_t(F::sign_mask))) << (32 - F::total_bits));
    };
    acc.acc[0] += xsimd::bitwise_cast<floats>(widen(pair & dwords(0xFFFFu)) & keep_low);
    acc.acc[1] += xsimd::bitwise_cast<floats>(widen(pair >> 16) & keep_high);
  }
  if (!xsimd::all(p.exact)) {
    std::array<S, codes::size> exact;
    detail::select_bits(p.exact, codes(S(1)), codes(S(0))).store_unaligned(exact.data());
    for (std::size_t j = 0; j < codes::size; ++j) {
      if (!exact[j]) acc.scalar += detail::lmul_wide<F>(pa[j], pb[j]);
    }
  }
}

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
    for (; i + codes::size <= n; i += codes::size) dot_linear<F, A>(a + i, b + i, acc);
  }
  return acc.total() + dot_codes_scalar<F>(a + i, b + i, n - i);
}

}  // inline namespace LMUL_ISA
}  // namespace detail
}  // namespace lmul
