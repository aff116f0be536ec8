// lmul/kernels/span_kernels.hpp -- the span kernels for an instruction set named at compile time.
//
//   lmul::kernels::multiply<Arch>(a, b, out, n)   out[i] = lmul_product(a[i], b[i])
//   lmul::kernels::dot<Arch>(a, b, n)             sum of lmul_wide_product(a[i], b[i]) in fp32
//   lmul::kernels::dot_exact<Arch>(a, b, n)       the exact dot of 8-bit codes (the same bits on
//                                                 every Arch; dot_exact(a, b, n) is the scalar one)
//   lmul::kernels::block_sums<Arch>(a, b, n, block, sums)   dot of each block of 8-bit, FP6 or
//                                                 FP4 codes (MX)
// Arch is lmul::kernels::scalar, lmul::kernels::avx512_vbmi or an xsimd arch (kernels/arch.hpp).
// No argument checks. The unit that instantiates them must be compiled with Arch's flags and may
// call them only where the CPU has Arch (kernels::arch_available<Arch>()).
//
// The public lmul_multiply / lmul_dot / lmul_dot_exact (kernels.hpp) run these templates: in the
// calling unit for kernels::default_arch (header-only), or in the lmul_kernels library's units, one
// per instruction set, chosen at run time (LMUL_RUNTIME_DISPATCH). See dispatch/kernel_calls.hpp
// and docs/kernels.md.
#pragma once

#include <array>
#include <cstddef>
#include <ranges>
#include <span>
#include <type_traits>

// GCC 12 reports its own _mm512_undefined_* intrinsics (used inside xsimd and immintrin.h) as
// "used uninitialized" once inlined (GCC bug 105593, fixed in GCC 13): a false positive.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#define LMUL_KERNELS_POP_DIAGNOSTICS
#endif

#include "table_word_sum.hpp"
#include "stand_in_codes.hpp"
#include "../scalar.hpp"
#include "arch.hpp"
#include "byte_lookup.hpp"
#include "dot.hpp"
#include "exact_dot.hpp"
#include "exact_dot_xsimd.hpp"
#include "multiply.hpp"
#include "algorithm_choice.hpp"
#if LMUL_KERNELS_X86
#include "avx512_float.hpp"
#include "avx512_vbmi.hpp"
#include "exact_dot_vbmi.hpp"
#endif

namespace lmul {
namespace detail {
inline namespace LMUL_ISA {
template <class T>
const typename format_of_t<T>::storage* codes(const T* p) {
  static_assert(sizeof(T) == sizeof(typename format_of_t<T>::storage));
  return reinterpret_cast<const typename format_of_t<T>::storage*>(p);
}
template <class T>
typename format_of_t<T>::storage* codes(T* p) {
  return reinterpret_cast<typename format_of_t<T>::storage*>(p);
}
}  // inline namespace LMUL_ISA
}  // namespace detail
}  // namespace lmul

namespace lmul {
namespace kernels {
inline namespace LMUL_ISA {  // every function: see detail/isa_namespace.hpp

/// What Arch offers the kernels; kernels/algorithm_choice.hpp turns it into an algorithm per format.
template <class Arch>
constexpr arch_features features_of() {
  if constexpr (std::is_same_v<Arch, scalar>) {
    return {};
  } else {
#if LMUL_KERNELS_X86
    return {.vectors = true,
            .vbmi = std::is_same_v<Arch, avx512_vbmi>,
            .avx512_float = std::is_base_of_v<xsimd::avx512bw, detail::xsimd_arch_t<Arch>>};
#else
    return {.vectors = true};
#endif
  }
}

/// Stops the compilation, with a message, when Arch is not one the kernels are written for.
template <class Arch>
consteval void require_kernel_arch() {
  static_assert(is_kernel_arch<Arch>, "lmul: Arch must be scalar, avx512_vbmi or an xsimd arch "
                                      "derived from sse4_2, avx2 or avx512bw");
}

/// out[i] = lmul_product(a[i], b[i]) for i < n with instruction set Arch. No argument checks;
/// out may equal a or b.
template <class Arch, lmul_element T>
void multiply(const T* a, const T* b, T* out, std::size_t n) {
  require_kernel_arch<Arch>();
  using F = format_of_t<T>;
  const auto* ca = detail::codes(a);
  const auto* cb = detail::codes(b);
  auto* co = detail::codes(out);
  constexpr algorithm path = multiply_algorithm<F>(features_of<Arch>());
  if constexpr (path == algorithm::scalar) {
    for (std::size_t i = 0; i < n; ++i) co[i] = detail::lmul_codes<F>(ca[i], cb[i]);
#if LMUL_KERNELS_X86
  } else if constexpr (path == algorithm::byte_classes_vbmi) {
    detail::multiply_codes_vbmi<F>(ca, cb, co, n);
#endif
  } else {
    detail::multiply_codes<F, detail::xsimd_arch_t<Arch>, path>(ca, cb, co, n);
  }
}

/// Sum of lmul_wide_product(a[i], b[i]) for i < n, in fp32, with instruction set Arch.
template <class Arch, lmul_element T>
float dot(const T* a, const T* b, std::size_t n) {
  require_kernel_arch<Arch>();
  using F = format_of_t<T>;
  const auto* ca = detail::codes(a);
  const auto* cb = detail::codes(b);
  constexpr algorithm path = dot_algorithm<F>(features_of<Arch>());
  if constexpr (path == algorithm::scalar) {
    return detail::dot_codes_scalar<F>(ca, cb, n);
#if LMUL_KERNELS_X86
  } else if constexpr (path == algorithm::byte_classes_vbmi) {
    return detail::dot_codes_vbmi<F>(ca, cb, n);
  } else if constexpr (path == algorithm::float_avx512) {
    return detail::dot_float_avx512<detail::xsimd_arch_t<Arch>>(ca, cb, n);
#endif
  } else {
    return detail::dot_codes<F, detail::xsimd_arch_t<Arch>, path>(ca, cb, n);
  }
}

/// The exact dot product of 8-bit codes: the exact sum of the wide products rounded once, so every
/// Arch gives the same bits. Arch = scalar (the default) counts classes one element at a time; the
/// vector archs sum the products per exponent window in fp32 lanes that never round
/// (exact_dot_windows.hpp).
template <class Arch = scalar, lmul_byte_element T>
float dot_exact(const T* a, const T* b, std::size_t n) {
  require_kernel_arch<Arch>();
  using F = format_of_t<T>;
  const auto* ca = detail::codes(a);
  const auto* cb = detail::codes(b);
  constexpr algorithm path = dot_exact_algorithm<F>(features_of<Arch>());
  if constexpr (path == algorithm::class_histogram) {
    return detail::dot_exact_codes<F>(ca, cb, n);
#if LMUL_KERNELS_X86
  } else if constexpr (path == algorithm::exact_windows_vbmi) {
    return detail::dot_exact_codes_vbmi<F>(ca, cb, n);
#endif
  } else {
    return detail::dot_exact_codes_xsimd<F, detail::xsimd_arch_t<Arch>>(ca, cb, n);
  }
}

/// The xsimd arch with half of A's register width that A's flags also enable (AVX2 under
/// AVX-512 BW), or A: the MX block of 32 codes fills an AVX2 register, not an AVX-512 one.
template <class A>
constexpr auto half_width_xsimd_arch() {
#if LMUL_KERNELS_X86
  if constexpr (std::is_base_of_v<xsimd::avx512bw, A>) return xsimd::avx2{};
  else return A{};
#else
  return A{};
#endif
}

/// sums[j] = sum of the wide products of codes a[i], b[i] of format F (8 bits, or an FP6 / FP4
/// format on the scalar arch) over block j (i from j * block to min(n, (j + 1) * block) - 1) in fp32,
/// for every j < ceil(n / block). block > 0. The VBMI arch sums two blocks of 32 per register; the
/// other vector archs run the dot kernel on each block (at half the register width for a block
/// shorter than one register, such as 32 codes on AVX-512 BW); blocks shorter than that, and the
/// scalar arch, use the table-word loop of kernels/table_word_sum.hpp (integer adds, no lmul_wide call per
/// element).
template <class Arch, class F>
void block_sums_of_codes(const typename F::storage* ca, const typename F::storage* cb,
                         std::size_t n, std::size_t block, float* sums) {
  constexpr algorithm path = dot_algorithm<F>(features_of<Arch>());
#if LMUL_KERNELS_X86
  if constexpr (path == algorithm::byte_classes_vbmi) {
    detail::block_sums_codes_vbmi<F>(ca, cb, n, block, sums);
    return;
  }
#endif
  if constexpr (path == algorithm::byte_classes) {
    using A = detail::xsimd_arch_t<Arch>;
    using H = decltype(half_width_xsimd_arch<A>());
    constexpr std::size_t full = xsimd::batch<std::uint8_t, A>::size;
    constexpr std::size_t half = xsimd::batch<std::uint8_t, H>::size;
    for (std::size_t first = 0, j = 0; first < n; first += block, ++j) {
      const std::size_t count = n - first < block ? n - first : block;
      const auto *x = ca + first, *y = cb + first;
      sums[j] = count >= full   ? detail::dot_codes<F, A, path>(x, y, count)
                : count >= half ? detail::dot_codes<F, H, path>(x, y, count)
                                : detail::wide_block_sum<F>(x, y, count);
    }
  } else if constexpr (path != algorithm::byte_classes_vbmi) {
    for (std::size_t first = 0, j = 0; first < n; first += block, ++j) {
      const std::size_t count = n - first < block ? n - first : block;
      sums[j] = detail::wide_block_sum<F>(ca + first, cb + first, count);
    }
  }
}

/// The per-block sums of lmul_mx_dot: sums[j] = the fp32 sum of lmul_wide_product(a[i], b[i])
/// over block j (i from j * block to min(n, (j + 1) * block) - 1), for every j < ceil(n / block).
/// block > 0. T is an 8-bit element type (block_sums_of_codes) or an OCP MX FP6 / FP4 type: on the
/// vector archs those codes are rewritten, a chunk at a time on the stack, as codes of the 8-bit
/// format with the same M (kernels/stand_in_codes.hpp: the same wide products) by a byte-table lookup in
/// registers, and summed by that format's kernel; a block longer than a chunk is summed chunk by
/// chunk and the chunk sums are added in order. The scalar arch sums FP6 / FP4 codes directly.
template <class Arch, lmul_element T>
  requires(format_of_t<T>::total_bits == 8 || detail::is_narrow_mx_format<format_of_t<T>>)
void block_sums(const T* a, const T* b, std::size_t n, std::size_t block, float* sums) {
  require_kernel_arch<Arch>();
  using F = format_of_t<T>;
  const auto* ca = detail::codes(a);
  const auto* cb = detail::codes(b);
  if constexpr (F::total_bits == 8 || !features_of<Arch>().vectors) {
    block_sums_of_codes<Arch, F>(ca, cb, n, block, sums);
  } else {
    using W = detail::stand_in_format_t<F>;
    using A = detail::xsimd_arch_t<Arch>;
    constexpr auto& wide = detail::stand_in_codes_v<F>;
    static constexpr auto table =
        detail::make_lane_table<wide.size / 16>(wide.code, 0, wide.size);
    constexpr std::size_t chunk = 2048;  // codes per operand rewritten at a time: 4 KiB of stack
    alignas(64) std::uint8_t xa[chunk], xb[chunk];
    // Codes are read by their total_bits low bits (bytes filled from raw memory may have more).
    constexpr std::uint8_t code_mask = std::uint8_t(F::code_mask);
    const auto rewrite = [&](std::size_t first, std::size_t count) {
#if LMUL_KERNELS_X86
      if constexpr (std::is_same_v<Arch, avx512_vbmi>) {  // one AND and one vpermb per 64 codes
        static constexpr std::array<std::uint8_t, 64> bytes = detail::padded_to_64(wide.code);
        detail::lookup_bytes_vbmi(bytes, ca + first, xa, count, code_mask);
        detail::lookup_bytes_vbmi(bytes, cb + first, xb, count, code_mask);
        return;
      }
#endif
      detail::lookup_bytes<A>(table, ca + first, xa, count, code_mask);
      detail::lookup_bytes<A>(table, cb + first, xb, count, code_mask);
    };
    if (block <= chunk) {
      const std::size_t step = chunk / block * block;  // whole blocks per chunk
      for (std::size_t first = 0; first < n; first += step) {
        const std::size_t count = n - first < step ? n - first : step;
        rewrite(first, count);
        block_sums_of_codes<Arch, W>(xa, xb, count, block, sums + first / block);
      }
    } else {
      for (std::size_t first = 0, j = 0; first < n; first += block, ++j) {
        const std::size_t end = n - first < block ? n : first + block;
        float sum = 0.f;
        for (std::size_t k = first; k < end; k += chunk) {
          const std::size_t count = end - k < chunk ? end - k : chunk;
          rewrite(k, count);
          float part;
          block_sums_of_codes<Arch, W>(xa, xb, count, count, &part);
          sum += part;
        }
        sums[j] = sum;
      }
    }
  }
}

}  // inline namespace LMUL_ISA
}  // namespace kernels
}  // namespace lmul

#ifdef LMUL_KERNELS_POP_DIAGNOSTICS
#pragma GCC diagnostic pop
#undef LMUL_KERNELS_POP_DIAGNOSTICS
#endif
