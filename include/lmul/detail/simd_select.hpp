// lmul/detail/simd_select.hpp -- xsimd's integer select and saturating byte arithmetic, in forms
// that also compile at -O0.
//
// xsimd 8.1's integer select for AVX-512BW calls GCC's 8- and 16-bit blend intrinsics with batch
// objects; at -O0 GCC defines those intrinsics as macros that cast their arguments to vector types,
// which a batch is not, so the build fails. Blending the native registers avoids that. xsimd's
// sadd and ssub reach that select too (their switch on the element size instantiates the AVX-512F
// fallback for every size), so the byte versions call the AVX-512BW instructions directly.
#pragma once

#include "isa_namespace.hpp"

#include <cstdint>
#include <type_traits>
#include <xsimd/xsimd.hpp>

namespace lmul {
namespace detail {
inline namespace LMUL_ISA {

/// Lanes of `if_true` where `condition` holds, of `if_false` elsewhere.
template <class T, class A>
xsimd::batch<T, A> select_bits(xsimd::batch_bool<T, A> condition, xsimd::batch<T, A> if_true,
                               xsimd::batch<T, A> if_false) {
#if defined(__AVX512BW__)
  if constexpr (std::is_base_of_v<xsimd::avx512bw, A> && std::is_integral_v<T>) {
    if constexpr (sizeof(T) == 1) {
      return _mm512_mask_blend_epi8(condition.data, if_false.data, if_true.data);
    } else if constexpr (sizeof(T) == 2) {
      return _mm512_mask_blend_epi16(condition.data, if_false.data, if_true.data);
    } else if constexpr (sizeof(T) == 4) {
      return _mm512_mask_blend_epi32(condition.data, if_false.data, if_true.data);
    } else {
      return _mm512_mask_blend_epi64(condition.data, if_false.data, if_true.data);
    }
  } else
#endif
  {
    return xsimd::select(condition, if_true, if_false);
  }
}

/// Lane-wise a + b, saturated at 255.
template <class A>
xsimd::batch<std::uint8_t, A> saturating_add(xsimd::batch<std::uint8_t, A> a,
                                             xsimd::batch<std::uint8_t, A> b) {
#if defined(__AVX512BW__)
  if constexpr (std::is_base_of_v<xsimd::avx512bw, A>) {
    return _mm512_adds_epu8(a.data, b.data);
  } else
#endif
  {
    return xsimd::sadd(a, b);
  }
}

/// Lane-wise a - b, saturated at 0.
template <class A>
xsimd::batch<std::uint8_t, A> saturating_sub(xsimd::batch<std::uint8_t, A> a,
                                             xsimd::batch<std::uint8_t, A> b) {
#if defined(__AVX512BW__)
  if constexpr (std::is_base_of_v<xsimd::avx512bw, A>) {
    return _mm512_subs_epu8(a.data, b.data);
  } else
#endif
  {
    return xsimd::ssub(a, b);
  }
}

/// Lane-wise a + b of the bytes read as signed (int8), saturated to [-128, 127].
template <class A>
xsimd::batch<std::uint8_t, A> saturating_add_signed(xsimd::batch<std::uint8_t, A> a,
                                                    xsimd::batch<std::uint8_t, A> b) {
#if defined(__AVX512BW__)
  if constexpr (std::is_base_of_v<xsimd::avx512bw, A>) {
    return _mm512_adds_epi8(a.data, b.data);
  } else
#endif
  {
    using signed_bytes = xsimd::batch<std::int8_t, A>;
    return xsimd::bitwise_cast<xsimd::batch<std::uint8_t, A>>(xsimd::sadd(
        xsimd::bitwise_cast<signed_bytes>(a), xsimd::bitwise_cast<signed_bytes>(b)));
  }
}

/// x, hidden from GCC's constant propagation: a loop-invariant constant passed through this stays
/// in a register or in a stack slot read as a memory operand (one instruction) when registers run
/// out, where GCC 12 otherwise rebuilds splat constants inside the loop (mov + vmovd + vpbroadcast:
/// three instructions per use, measured as a third of a register-starved AVX2 kernel).
template <class B>
[[gnu::always_inline]] inline B opaque(B x) {
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
  asm("" : "+x"(x.data));
#endif
  return x;
}

/// x, computed where this call stands: GCC may not sink the work that produced x into a later branch
/// (it does so with sums that a failed block test throws away, keeping every input alive across the
/// test: spills). A volatile asm is never moved into a branch or dropped.
template <class B>
[[gnu::always_inline]] inline void computed_here(B& x) {
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
  asm volatile("" : "+x"(x.data));
#else
  (void)x;
#endif
}

/// a < b for unsigned lanes that all lie below 2^(bits - 1) (7-bit magnitudes, bf16 magnitude
/// words): one signed compare. xsimd 8.1 compares unsigned 8- and 16-bit lanes on SSE with two
/// sign flips and on AVX2 per 128-bit half (extract, 3 instructions per half, insert).
template <class T, class A>
xsimd::batch_bool<T, A> less_small(xsimd::batch<T, A> a, xsimd::batch<T, A> b) {
  static_assert(std::is_unsigned_v<T>);
  using S = xsimd::batch<std::make_signed_t<T>, A>;
  return xsimd::batch_bool<T, A>((xsimd::bitwise_cast<S>(a) < xsimd::bitwise_cast<S>(b)).data);
}

/// a >= b for any unsigned byte lanes (max + compare on SSE / AVX2; native elsewhere).
template <class A>
xsimd::batch_bool<std::uint8_t, A> at_least_bytes(xsimd::batch<std::uint8_t, A> a,
                                                  xsimd::batch<std::uint8_t, A> b) {
#if defined(__SSE2__)
  if constexpr (!std::is_base_of_v<xsimd::avx512f, A>) {
    return xsimd::max(a, b) == a;
  } else
#endif
  {
    return a >= b;
  }
}

}  // inline namespace LMUL_ISA
}  // namespace detail
}  // namespace lmul
