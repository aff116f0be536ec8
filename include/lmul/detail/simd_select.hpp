// lmul/detail/simd_select.hpp -- xsimd::select for integer batches that also compiles at -O0.
//
// xsimd 8.1's integer select for AVX-512BW calls GCC's 8- and 16-bit blend intrinsics with batch
// objects; at -O0 GCC defines those intrinsics as macros that cast their arguments to vector types,
// which a batch is not, so the build fails. Blending the native registers avoids that.
#pragma once

#include "isa_namespace.hpp"

#include <type_traits>
#include <xsimd/xsimd.hpp>

namespace lmul::detail::inline LMUL_ISA {

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

}  // namespace lmul::detail
