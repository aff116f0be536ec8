// lmul/detail/isa_namespace.hpp -- LMUL_ISA: an inline namespace named after the build mode and
// every instruction-set extension the unit is compiled for.
//
// Every function lmul defines in a header lives in `inline namespace LMUL_ISA` (inside lmul, or
// lmul::detail etc.); types do not. Callers see no difference (lmul::lmul_product still names it),
// but the linker does: a -march=native unit's copy of an inline function is
// lmul::isa_static_x86_...1...::f, a default-flags unit's copy lmul::isa_static_x86_...0...::f, so
// the linker can never keep the first for both (which would run AVX-512 or AVX instructions on
// CPUs without them). The name holds:
//   - the mode: `static` (header-only: the kernels are instantiated in the unit, for the best
//     instruction set its flags allow) or `dispatched` (LMUL_RUNTIME_DISPATCH: the public functions
//     call lmul's compiled per-instruction-set tables, src/), because the two modes' bodies differ;
//   - one digit per extension macro the compilers define (all of them, not only those lmul's own
//     code branches on today: the compiler may use any of them in ordinary code generation), so
//     units that differ in any extension never share a copy. Two units with the same name were
//     compiled for the same extensions; the ODR test (tests/odr) compares their code.
#pragma once

#if defined(LMUL_RUNTIME_DISPATCH) && LMUL_RUNTIME_DISPATCH
#define LMUL_ISA_MODE dispatched
#else
#define LMUL_ISA_MODE static
#endif

// clang-format off
#define LMUL_ISA_CAT_(a, b) a##b
#define LMUL_ISA_CAT(a, b) LMUL_ISA_CAT_(a, b)
#define LMUL_ISA_JOIN_(d0, d1, d2, d3, d4, d5, d6, d7, d8, d9, d10, d11, d12, d13, d14, d15, d16, d17, d18, d19, d20, d21, d22, d23, d24, d25, d26, d27, d28, d29, d30, d31, d32, d33, d34, d35, d36, d37, d38, d39, d40, d41, d42, d43, d44, d45, d46, d47) \
  d0##d1##d2##d3##d4##d5##d6##d7##d8##d9##d10##d11##d12##d13##d14##d15##d16##d17##d18##d19##d20##d21##d22##d23##d24##d25##d26##d27##d28##d29##d30##d31##d32##d33##d34##d35##d36##d37##d38##d39##d40##d41##d42##d43##d44##d45##d46##d47
#define LMUL_ISA_JOIN(...) LMUL_ISA_JOIN_(__VA_ARGS__)

#if defined(__x86_64__) || defined(__i386__)
#if defined(__SSE3__)
#define LMUL_ISA_X0 1
#else
#define LMUL_ISA_X0 0
#endif
#if defined(__SSSE3__)
#define LMUL_ISA_X1 1
#else
#define LMUL_ISA_X1 0
#endif
#if defined(__SSE4_1__)
#define LMUL_ISA_X2 1
#else
#define LMUL_ISA_X2 0
#endif
#if defined(__SSE4_2__)
#define LMUL_ISA_X3 1
#else
#define LMUL_ISA_X3 0
#endif
#if defined(__POPCNT__)
#define LMUL_ISA_X4 1
#else
#define LMUL_ISA_X4 0
#endif
#if defined(__AVX__)
#define LMUL_ISA_X5 1
#else
#define LMUL_ISA_X5 0
#endif
#if defined(__AVX2__)
#define LMUL_ISA_X6 1
#else
#define LMUL_ISA_X6 0
#endif
#if defined(__FMA__)
#define LMUL_ISA_X7 1
#else
#define LMUL_ISA_X7 0
#endif
#if defined(__F16C__)
#define LMUL_ISA_X8 1
#else
#define LMUL_ISA_X8 0
#endif
#if defined(__BMI__)
#define LMUL_ISA_X9 1
#else
#define LMUL_ISA_X9 0
#endif
#if defined(__BMI2__)
#define LMUL_ISA_X10 1
#else
#define LMUL_ISA_X10 0
#endif
#if defined(__LZCNT__)
#define LMUL_ISA_X11 1
#else
#define LMUL_ISA_X11 0
#endif
#if defined(__MOVBE__)
#define LMUL_ISA_X12 1
#else
#define LMUL_ISA_X12 0
#endif
#if defined(__AVX512F__)
#define LMUL_ISA_X13 1
#else
#define LMUL_ISA_X13 0
#endif
#if defined(__AVX512CD__)
#define LMUL_ISA_X14 1
#else
#define LMUL_ISA_X14 0
#endif
#if defined(__AVX512DQ__)
#define LMUL_ISA_X15 1
#else
#define LMUL_ISA_X15 0
#endif
#if defined(__AVX512BW__)
#define LMUL_ISA_X16 1
#else
#define LMUL_ISA_X16 0
#endif
#if defined(__AVX512VL__)
#define LMUL_ISA_X17 1
#else
#define LMUL_ISA_X17 0
#endif
#if defined(__AVX512VBMI__)
#define LMUL_ISA_X18 1
#else
#define LMUL_ISA_X18 0
#endif
#if defined(__AVX512VBMI2__)
#define LMUL_ISA_X19 1
#else
#define LMUL_ISA_X19 0
#endif
#if defined(__AVX512VNNI__)
#define LMUL_ISA_X20 1
#else
#define LMUL_ISA_X20 0
#endif
#if defined(__AVX512BITALG__)
#define LMUL_ISA_X21 1
#else
#define LMUL_ISA_X21 0
#endif
#if defined(__AVX512VPOPCNTDQ__)
#define LMUL_ISA_X22 1
#else
#define LMUL_ISA_X22 0
#endif
#if defined(__AVX512IFMA__)
#define LMUL_ISA_X23 1
#else
#define LMUL_ISA_X23 0
#endif
#if defined(__AVX512BF16__)
#define LMUL_ISA_X24 1
#else
#define LMUL_ISA_X24 0
#endif
#if defined(__AVX512FP16__)
#define LMUL_ISA_X25 1
#else
#define LMUL_ISA_X25 0
#endif
#if defined(__GFNI__)
#define LMUL_ISA_X26 1
#else
#define LMUL_ISA_X26 0
#endif
#if defined(__VAES__)
#define LMUL_ISA_X27 1
#else
#define LMUL_ISA_X27 0
#endif
#if defined(__VPCLMULQDQ__)
#define LMUL_ISA_X28 1
#else
#define LMUL_ISA_X28 0
#endif
#if defined(__AVXVNNI__)
#define LMUL_ISA_X29 1
#else
#define LMUL_ISA_X29 0
#endif
#if defined(__AVX512ER__)
#define LMUL_ISA_X30 1
#else
#define LMUL_ISA_X30 0
#endif
#if defined(__AVX512PF__)
#define LMUL_ISA_X31 1
#else
#define LMUL_ISA_X31 0
#endif
#if defined(__AVX512VP2INTERSECT__)
#define LMUL_ISA_X32 1
#else
#define LMUL_ISA_X32 0
#endif
#if defined(__AMX_TILE__)
#define LMUL_ISA_X33 1
#else
#define LMUL_ISA_X33 0
#endif
#if defined(__AVXIFMA__)
#define LMUL_ISA_X34 1
#else
#define LMUL_ISA_X34 0
#endif
#if defined(__AVXVNNIINT8__)
#define LMUL_ISA_X35 1
#else
#define LMUL_ISA_X35 0
#endif
#if defined(__AVXNECONVERT__)
#define LMUL_ISA_X36 1
#else
#define LMUL_ISA_X36 0
#endif
#if defined(__SHA__)
#define LMUL_ISA_X37 1
#else
#define LMUL_ISA_X37 0
#endif
#if defined(__AES__)
#define LMUL_ISA_X38 1
#else
#define LMUL_ISA_X38 0
#endif
#if defined(__PCLMUL__)
#define LMUL_ISA_X39 1
#else
#define LMUL_ISA_X39 0
#endif
#if defined(__ADX__)
#define LMUL_ISA_X40 1
#else
#define LMUL_ISA_X40 0
#endif
#if defined(__RDRND__)
#define LMUL_ISA_X41 1
#else
#define LMUL_ISA_X41 0
#endif
#if defined(__RDSEED__)
#define LMUL_ISA_X42 1
#else
#define LMUL_ISA_X42 0
#endif
#if defined(__FMA4__)
#define LMUL_ISA_X43 1
#else
#define LMUL_ISA_X43 0
#endif
#if defined(__XOP__)
#define LMUL_ISA_X44 1
#else
#define LMUL_ISA_X44 0
#endif
#if defined(__SSE4A__)
#define LMUL_ISA_X45 1
#else
#define LMUL_ISA_X45 0
#endif
#if defined(__TBM__)
#define LMUL_ISA_X46 1
#else
#define LMUL_ISA_X46 0
#endif
#if defined(__ABM__)
#define LMUL_ISA_X47 1
#else
#define LMUL_ISA_X47 0
#endif
#define LMUL_ISA_DIGITS LMUL_ISA_JOIN(LMUL_ISA_X0, LMUL_ISA_X1, LMUL_ISA_X2, LMUL_ISA_X3, LMUL_ISA_X4, LMUL_ISA_X5, LMUL_ISA_X6, LMUL_ISA_X7, LMUL_ISA_X8, LMUL_ISA_X9, LMUL_ISA_X10, LMUL_ISA_X11, LMUL_ISA_X12, LMUL_ISA_X13, LMUL_ISA_X14, LMUL_ISA_X15, LMUL_ISA_X16, LMUL_ISA_X17, LMUL_ISA_X18, LMUL_ISA_X19, LMUL_ISA_X20, LMUL_ISA_X21, LMUL_ISA_X22, LMUL_ISA_X23, LMUL_ISA_X24, LMUL_ISA_X25, LMUL_ISA_X26, LMUL_ISA_X27, LMUL_ISA_X28, LMUL_ISA_X29, LMUL_ISA_X30, LMUL_ISA_X31, LMUL_ISA_X32, LMUL_ISA_X33, LMUL_ISA_X34, LMUL_ISA_X35, LMUL_ISA_X36, LMUL_ISA_X37, LMUL_ISA_X38, LMUL_ISA_X39, LMUL_ISA_X40, LMUL_ISA_X41, LMUL_ISA_X42, LMUL_ISA_X43, LMUL_ISA_X44, LMUL_ISA_X45, LMUL_ISA_X46, LMUL_ISA_X47)
#define LMUL_ISA_ARCH _x86_

#elif defined(__aarch64__)
#if defined(__ARM_FEATURE_SVE)
#define LMUL_ISA_A0 1
#else
#define LMUL_ISA_A0 0
#endif
#if defined(__ARM_FEATURE_SVE2)
#define LMUL_ISA_A1 1
#else
#define LMUL_ISA_A1 0
#endif
#if defined(__ARM_FEATURE_DOTPROD)
#define LMUL_ISA_A2 1
#else
#define LMUL_ISA_A2 0
#endif
#if defined(__ARM_FEATURE_FP16_VECTOR_ARITHMETIC)
#define LMUL_ISA_A3 1
#else
#define LMUL_ISA_A3 0
#endif
#if defined(__ARM_FEATURE_FP16_SCALAR_ARITHMETIC)
#define LMUL_ISA_A4 1
#else
#define LMUL_ISA_A4 0
#endif
#if defined(__ARM_FEATURE_BF16)
#define LMUL_ISA_A5 1
#else
#define LMUL_ISA_A5 0
#endif
#if defined(__ARM_FEATURE_BF16_VECTOR_ARITHMETIC)
#define LMUL_ISA_A6 1
#else
#define LMUL_ISA_A6 0
#endif
#if defined(__ARM_FEATURE_MATMUL_INT8)
#define LMUL_ISA_A7 1
#else
#define LMUL_ISA_A7 0
#endif
#if defined(__ARM_FEATURE_ATOMICS)
#define LMUL_ISA_A8 1
#else
#define LMUL_ISA_A8 0
#endif
#if defined(__ARM_FEATURE_CRC32)
#define LMUL_ISA_A9 1
#else
#define LMUL_ISA_A9 0
#endif
#if defined(__ARM_FEATURE_AES)
#define LMUL_ISA_A10 1
#else
#define LMUL_ISA_A10 0
#endif
#if defined(__ARM_FEATURE_SHA2)
#define LMUL_ISA_A11 1
#else
#define LMUL_ISA_A11 0
#endif
#if defined(__ARM_FEATURE_SHA3)
#define LMUL_ISA_A12 1
#else
#define LMUL_ISA_A12 0
#endif
#if defined(__ARM_FEATURE_SM4)
#define LMUL_ISA_A13 1
#else
#define LMUL_ISA_A13 0
#endif
#if defined(__ARM_FEATURE_FMA)
#define LMUL_ISA_A14 1
#else
#define LMUL_ISA_A14 0
#endif
#if defined(__ARM_FEATURE_QRDMX)
#define LMUL_ISA_A15 1
#else
#define LMUL_ISA_A15 0
#endif
#if defined(__ARM_FEATURE_COMPLEX)
#define LMUL_ISA_A16 1
#else
#define LMUL_ISA_A16 0
#endif
#if defined(__ARM_FEATURE_JCVT)
#define LMUL_ISA_A17 1
#else
#define LMUL_ISA_A17 0
#endif
#if defined(__ARM_FEATURE_FRINT)
#define LMUL_ISA_A18 1
#else
#define LMUL_ISA_A18 0
#endif
#if defined(__ARM_FEATURE_RCPC)
#define LMUL_ISA_A19 1
#else
#define LMUL_ISA_A19 0
#endif
#if defined(__ARM_FEATURE_SME)
#define LMUL_ISA_A20 1
#else
#define LMUL_ISA_A20 0
#endif
#define LMUL_ISA_DIGITS LMUL_ISA_JOIN(LMUL_ISA_A0, LMUL_ISA_A1, LMUL_ISA_A2, LMUL_ISA_A3, LMUL_ISA_A4, LMUL_ISA_A5, LMUL_ISA_A6, LMUL_ISA_A7, LMUL_ISA_A8, LMUL_ISA_A9, LMUL_ISA_A10, LMUL_ISA_A11, LMUL_ISA_A12, LMUL_ISA_A13, LMUL_ISA_A14, LMUL_ISA_A15, LMUL_ISA_A16, LMUL_ISA_A17, LMUL_ISA_A18, LMUL_ISA_A19, LMUL_ISA_A20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
#define LMUL_ISA_ARCH _a64_

#else
#define LMUL_ISA_DIGITS 0
#define LMUL_ISA_ARCH _generic_
#endif

#define LMUL_ISA LMUL_ISA_CAT(LMUL_ISA_CAT(LMUL_ISA_CAT(isa_, LMUL_ISA_MODE), LMUL_ISA_ARCH), \
  LMUL_ISA_DIGITS)
// clang-format on
