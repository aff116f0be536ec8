// lmul/kernels/arch.hpp -- the instruction sets the kernels are written for, and how one is picked.
//
// Every kernel is a template over an architecture tag:
//   lmul::kernels::scalar        plain C++ loops over the scalar definition (always available);
//   xsimd::sse4_2, xsimd::avx2, xsimd::avx512bw (or an xsimd arch derived from them, e.g.
//                                fma3<avx2>): xsimd batches, byte tables looked up with pshufb;
//   xsimd::neon64                (aarch64) xsimd batches, byte tables looked up with tbl;
//   lmul::kernels::avx512_vbmi   AVX-512 with VBMI (vpermi2b: 128-byte tables), BF16 (vdpbf16ps
//                                as an fp32 adder), VNNI (vpdpwssd: the exact dot's integer
//                                lanes) and BMI2 (pext), which xsimd 8.1 does not wrap.
// kernels::default_arch is the best of these that the compiler flags allow: the public API runs it
// header-only; with runtime dispatch the compiled library picks the best arch of the running CPU
// instead (dispatch/kernel_calls.hpp).
#pragma once

#include "../detail/isa_namespace.hpp"
#include "cpu_features.hpp"

#include <type_traits>

#include <xsimd/xsimd.hpp>

// x86 code (intrinsics, target attributes, cpuid) is compiled only for x86 targets.
#if defined(__x86_64__) || defined(__i386__)
#define LMUL_KERNELS_X86 1
#else
#define LMUL_KERNELS_X86 0
#endif

namespace lmul::kernels {

/// The portable fallback: one element at a time through the scalar definition (or its tables).
struct scalar {
  static bool available() { return true; }
};

/// AVX-512 BW plus VBMI, BF16 and BMI2. Its kernels carry GCC/Clang target attributes, so this
/// arch compiles in any translation unit built for AVX-512 BW; run it only where available().
struct avx512_vbmi {
  static bool available() {
#if LMUL_KERNELS_X86
    return detail::cpu_has_avx512_vbmi();
#else
    return false;
#endif
  }
};

}  // namespace lmul::kernels

namespace lmul::detail {
/// The xsimd arch whose kernels serve Arch, or void for scalar. avx512_vbmi falls back to its
/// AVX-512 BW base for the parts (16-bit and float kernels) that need no newer instruction.
template <class Arch>
struct xsimd_arch_of {
  using type = Arch;
};
template <>
struct xsimd_arch_of<kernels::scalar> {
  using type = void;
};
template <>
struct xsimd_arch_of<kernels::avx512_vbmi> {
  using type = xsimd::avx512bw;
};

template <class Arch>
using xsimd_arch_t = typename xsimd_arch_of<Arch>::type;

/// True for an xsimd arch with a byte-table lookup (pshufb from SSSE3 on, NEON's tbl) that the
/// kernels support.
template <class A>
inline constexpr bool is_supported_xsimd_arch =
#if LMUL_KERNELS_X86
    std::is_base_of_v<xsimd::sse4_2, A> || std::is_base_of_v<xsimd::avx2, A> ||
    std::is_base_of_v<xsimd::avx512bw, A>;
#elif defined(__aarch64__)
    std::is_base_of_v<xsimd::neon64, A>;
#else
    false;
#endif
}  // namespace lmul::detail

namespace lmul::kernels {

/// True when Arch can be used with the kernels at all (it may still be absent on the running CPU).
template <class Arch>
inline constexpr bool is_kernel_arch =
    std::is_same_v<Arch, scalar> || std::is_same_v<Arch, avx512_vbmi> ||
    detail::is_supported_xsimd_arch<Arch>;

/// The best arch the compile flags allow.
#if LMUL_KERNELS_X86 && defined(__AVX512VBMI__) && defined(__AVX512BF16__) && \
    defined(__AVX512VNNI__) && defined(__BMI2__) && defined(__AVX512BW__)
using default_arch = avx512_vbmi;
#else
using default_arch =
    std::conditional_t<detail::is_supported_xsimd_arch<xsimd::default_arch>, xsimd::default_arch,
                       scalar>;
#endif

inline namespace LMUL_ISA {  // every function: see detail/isa_namespace.hpp

/// Whether the running CPU has Arch (kernels/cpu_features.hpp, the dispatcher's test too).
template <class Arch>
bool arch_available() {
  if constexpr (std::is_same_v<Arch, scalar> || std::is_same_v<Arch, avx512_vbmi>) {
    return Arch::available();
#if LMUL_KERNELS_X86
  } else if constexpr (std::is_base_of_v<xsimd::avx512bw, Arch>) {
    return detail::cpu_has_avx512bw();
  } else if constexpr (std::is_base_of_v<xsimd::avx2, Arch>) {
    return detail::cpu_has_avx2();
  } else if constexpr (std::is_base_of_v<xsimd::sse4_2, Arch>) {
    return detail::cpu_has_sse4_2();
#endif
  } else {
    return xsimd::available_architectures().best >= Arch::version();  // NEON: aarch64's baseline
  }
}

}  // inline namespace LMUL_ISA

}  // namespace lmul::kernels
