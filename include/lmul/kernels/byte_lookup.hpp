// lmul/kernels/byte_lookup.hpp -- table lookups on bytes for xsimd archs with pshufb (SSSE3+) or
// NEON's tbl (aarch64).
//
// pshufb looks up 16 bytes per 128-bit lane. A table of N bytes is split into 16-byte chunks, each
// replicated into every lane; chunk j answers the indices 16j..16j+15. Indices past the table give 0.
// tbl (vqtbl1q_u8) looks up 16 bytes too and gives 0 for any index >= 16.
#pragma once

#include "../detail/isa_namespace.hpp"
#include "../detail/simd_select.hpp"

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <xsimd/xsimd.hpp>

#include "arch.hpp"
#if LMUL_KERNELS_X86
#include <immintrin.h>
#elif defined(__aarch64__)
#include <arm_neon.h>
#endif

namespace lmul {
namespace detail {
inline namespace LMUL_ISA {

/// A byte table laid out for lookup(): chunk j of 16 bytes repeated 4 times (64 bytes: a zmm).
template <std::size_t Chunks>
struct lane_table {
  alignas(64) std::array<std::uint8_t, Chunks * 64> bytes{};
};

/// The first `count` bytes of `table`, laid out for lookup(); the rest of the last chunk is 0.
template <std::size_t Chunks, std::size_t N>
constexpr lane_table<Chunks> make_lane_table(const std::array<std::uint8_t, N>& table,
                                             std::size_t begin, std::size_t count) {
  lane_table<Chunks> out;
  for (std::size_t j = 0; j < Chunks; ++j) {
    for (std::size_t lane = 0; lane < 4; ++lane) {
      for (std::size_t k = 0; k < 16; ++k) {
        const std::size_t i = j * 16 + k;
        out.bytes[j * 64 + lane * 16 + k] = i < count ? table[begin + i] : 0;
      }
    }
  }
  return out;
}

/// pshufb on the native register of an xsimd batch: out[i] = table[idx[i] & 15] within each
/// 128-bit lane, or 0 where idx[i] has bit 7 set.
#if LMUL_KERNELS_X86
template <class A>
xsimd::batch<std::uint8_t, A> shuffle_bytes(xsimd::batch<std::uint8_t, A> table,
                                            xsimd::batch<std::uint8_t, A> idx) {
  if constexpr (std::is_base_of_v<xsimd::avx512bw, A>) {
    return _mm512_shuffle_epi8(table, idx);
  } else if constexpr (std::is_base_of_v<xsimd::avx2, A>) {
    return _mm256_shuffle_epi8(table, idx);
  } else {
    return _mm_shuffle_epi8(table, idx);
  }
}
#endif

#if LMUL_KERNELS_X86
/// Lanes of if_set where bit 7 of steer is set, of if_clear elsewhere.
template <class A>
[[gnu::always_inline]] inline xsimd::batch<std::uint8_t, A> blend_by_top_bit(
    xsimd::batch<std::uint8_t, A> steer, xsimd::batch<std::uint8_t, A> if_clear,
    xsimd::batch<std::uint8_t, A> if_set) {
  // Explicit register casts: at -O0 GCC's intrinsics are macros that C-cast their arguments,
  // which the xsimd batch does not convert to implicitly.
  using reg = typename xsimd::batch<std::uint8_t, A>::register_type;
  const reg s = steer, c = if_clear, t = if_set;
  if constexpr (std::is_base_of_v<xsimd::avx512bw, A>) {
    return _mm512_mask_blend_epi8(_mm512_movepi8_mask(s), c, t);
  } else if constexpr (std::is_base_of_v<xsimd::avx2, A>) {
    return _mm256_blendv_epi8(c, t, s);
  } else {
    return _mm_blendv_epi8(c, t, s);
  }
}
#endif

/// table[idx] for every byte lane (0 where idx is past the table).
template <class A, std::size_t Chunks>
xsimd::batch<std::uint8_t, A> lookup(const lane_table<Chunks>& table,
                                     xsimd::batch<std::uint8_t, A> idx) {
  using bytes = xsimd::batch<std::uint8_t, A>;
  bytes result(std::uint8_t(0));
  for (std::size_t j = 0; j < Chunks; ++j) {
    const bytes chunk = bytes::load_aligned(&table.bytes[j * 64]);
    const bytes relative = idx - bytes(std::uint8_t(16 * j));  // wraps for idx < 16j
#if LMUL_KERNELS_X86
    // Adding 0x70 (saturating) sets bit 7 exactly when relative >= 16 and keeps its low nibble.
    const bytes index = detail::saturating_add(relative, bytes(std::uint8_t(0x70)));
    result |= shuffle_bytes<A>(chunk, index);
#elif defined(__aarch64__)
    result |= bytes(vqtbl1q_u8(chunk, relative));  // 0 for relative >= 16
#endif
  }
  return result;
}

#if LMUL_KERNELS_X86
/// level[j] for the lanes whose idx has bits 4.. equal to j, for j in [first, first + span) (span
/// a power of two, `bit` the highest of those bits); lanes with a j past Chunks: unspecified.
template <class A, std::size_t Chunks, std::size_t first, std::size_t span, int bit>
[[gnu::always_inline]] inline xsimd::batch<std::uint8_t, A> blend_tree(
    const std::array<xsimd::batch<std::uint8_t, A>, Chunks>& level, xsimd::batch<std::uint8_t, A> idx) {
  if constexpr (span == 1) {
    return level[first < Chunks ? first : Chunks - 1];
  } else {
    const auto low = blend_tree<A, Chunks, first, span / 2, bit - 1>(level, idx);
    if constexpr (first + span / 2 >= Chunks) {
      return low;
    } else {
      const auto high = blend_tree<A, Chunks, first + span / 2, span / 2, bit - 1>(level, idx);
      // Bit `bit` of every byte moved to bit 7 (a 16-bit shift by less than 8 keeps each byte's
      // own bits in its top bits).
      using bytes = xsimd::batch<std::uint8_t, A>;
      const bytes steer = xsimd::bitwise_cast<bytes>(
          xsimd::bitwise_cast<xsimd::batch<std::uint16_t, A>>(idx) << (7 - bit));
      return blend_by_top_bit<A>(steer, low, high);
    }
  }
}
#endif

/// table[idx] for the lanes with idx < 16 * Chunks; other lanes get unspecified values (for
/// callers that select them away). On x86 one pshufb per chunk on idx itself and a tree of byte
/// blends on bits 4, 5, ... of idx (Chunks - 1 blends, each steered by bit 7 of idx shifted left):
/// 12 instructions for 5 chunks where lookup() takes 20. Elsewhere lookup().
template <class A, std::size_t Chunks>
[[gnu::always_inline]] inline xsimd::batch<std::uint8_t, A> lookup_within(
    const lane_table<Chunks>& table, xsimd::batch<std::uint8_t, A> idx) {
#if LMUL_KERNELS_X86
  using bytes = xsimd::batch<std::uint8_t, A>;
  static_assert(Chunks >= 1 && Chunks <= 8, "idx < 128: pshufb must not zero the valid lanes");
  std::array<bytes, Chunks> level;
  // Unrolled, so that `level` stays in registers (GCC 12 -O2 keeps a 5-chunk loop and spills).
#pragma GCC unroll 8
  for (std::size_t j = 0; j < Chunks; ++j) {
    level[j] = shuffle_bytes<A>(bytes::load_aligned(&table.bytes[j * 64]), idx);
  }
  constexpr std::size_t span = std::bit_ceil(Chunks);
  return blend_tree<A, Chunks, 0, span, 3 + std::countr_zero(span)>(level, idx);
#else
  return lookup<A>(table, idx);
#endif
}

/// table[idx] for the lanes with idx < 16, from a one-chunk table in a single pshufb / tbl; the
/// other lanes get unspecified values (for callers that select them away). idx < 128 on x86.
template <class A>
xsimd::batch<std::uint8_t, A> lookup_first_chunk(const lane_table<1>& table,
                                                 xsimd::batch<std::uint8_t, A> idx) {
  using bytes = xsimd::batch<std::uint8_t, A>;
  const bytes chunk = bytes::load_aligned(table.bytes.data());
#if LMUL_KERNELS_X86
  return shuffle_bytes<A>(chunk, idx);  // pshufb reads the low nibble (bit 7 clear)
#elif defined(__aarch64__)
  return bytes(vqtbl1q_u8(chunk, idx));
#endif
}

/// out[i] = table[in[i] & index_mask] for i < n (0 where that index is >= 16 * Chunks): a
/// byte-to-byte map of n codes, one register at a time (one AND, then lookup()), the last partial
/// register from the table's bytes directly. index_mask drops the bits above a code's width (FP6
/// and FP4 codes are read by their low 6 / 4 bits).
template <class A, std::size_t Chunks>
void lookup_bytes(const lane_table<Chunks>& table, const std::uint8_t* in, std::uint8_t* out,
                  std::size_t n, std::uint8_t index_mask = 0xFF) {
  using bytes = xsimd::batch<std::uint8_t, A>;
  const bytes mask(index_mask);
  std::size_t i = 0;
  for (; i + bytes::size <= n; i += bytes::size) {
    lookup<A>(table, bytes::load_unaligned(in + i) & mask).store_unaligned(out + i);
  }
  for (; i < n; ++i) {  // entry c of the table is byte c % 16 of chunk c / 16
    const std::uint8_t c = std::uint8_t(in[i] & index_mask);
    out[i] = c < 16 * Chunks ? table.bytes[c / 16 * 64 + c % 16] : 0;
  }
}

}  // inline namespace LMUL_ISA
}  // namespace detail
}  // namespace lmul
