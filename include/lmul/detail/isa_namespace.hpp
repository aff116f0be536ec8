// lmul/detail/isa_namespace.hpp -- LMUL_ISA: an inline namespace named after the instruction-set
// extensions the unit is compiled for.
//
// Every function lmul defines in a header lives in `inline namespace LMUL_ISA` (inside lmul, or
// lmul::detail etc.); types do not. Callers see no difference (lmul::lmul_product still names it),
// but the linker does: the copy of an inline function that a -march=native unit compiles is
// lmul::isa_x86_...1...::f, the baseline unit's copy lmul::isa_x86_...0...::f, so the linker can
// never keep the first for both (which would run AVX-512 or AVX instructions on CPUs without them).
// The name has one digit per extension that compilers use for ordinary code generation; units
// with the same digits run on the same CPUs, so sharing their copies is harmless.
#pragma once

// clang-format off
#define LMUL_ISA_JOIN_(p, a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, q, r, s, t, u) \
  p##a##b##c##d##e##f##g##h##i##j##k##l##m##n##o##q##r##s##t##u
#define LMUL_ISA_JOIN(...) LMUL_ISA_JOIN_(__VA_ARGS__)

#if defined(__x86_64__) || defined(__i386__)
#if defined(__SSE3__)
#define LMUL_ISA_D1 1
#else
#define LMUL_ISA_D1 0
#endif
#if defined(__SSSE3__)
#define LMUL_ISA_D2 1
#else
#define LMUL_ISA_D2 0
#endif
#if defined(__SSE4_1__)
#define LMUL_ISA_D3 1
#else
#define LMUL_ISA_D3 0
#endif
#if defined(__SSE4_2__)
#define LMUL_ISA_D4 1
#else
#define LMUL_ISA_D4 0
#endif
#if defined(__POPCNT__)
#define LMUL_ISA_D5 1
#else
#define LMUL_ISA_D5 0
#endif
#if defined(__AVX__)
#define LMUL_ISA_D6 1
#else
#define LMUL_ISA_D6 0
#endif
#if defined(__AVX2__)
#define LMUL_ISA_D7 1
#else
#define LMUL_ISA_D7 0
#endif
#if defined(__FMA__)
#define LMUL_ISA_D8 1
#else
#define LMUL_ISA_D8 0
#endif
#if defined(__F16C__)
#define LMUL_ISA_D9 1
#else
#define LMUL_ISA_D9 0
#endif
#if defined(__BMI__)
#define LMUL_ISA_D10 1
#else
#define LMUL_ISA_D10 0
#endif
#if defined(__BMI2__)
#define LMUL_ISA_D11 1
#else
#define LMUL_ISA_D11 0
#endif
#if defined(__LZCNT__)
#define LMUL_ISA_D12 1
#else
#define LMUL_ISA_D12 0
#endif
#if defined(__MOVBE__)
#define LMUL_ISA_D13 1
#else
#define LMUL_ISA_D13 0
#endif
#if defined(__AVX512F__)
#define LMUL_ISA_D14 1
#else
#define LMUL_ISA_D14 0
#endif
#if defined(__AVX512BW__) && defined(__AVX512DQ__) && defined(__AVX512VL__) && defined(__AVX512CD__)
#define LMUL_ISA_D15 1
#elif defined(__AVX512BW__) || defined(__AVX512DQ__) || defined(__AVX512VL__) || defined(__AVX512CD__)
#define LMUL_ISA_D15 2
#else
#define LMUL_ISA_D15 0
#endif
#if defined(__AVX512VBMI__) || defined(__AVX512VBMI2__) || defined(__AVX512VNNI__) || defined(__AVX512BITALG__) || defined(__AVX512VPOPCNTDQ__) || defined(__AVX512IFMA__)
#define LMUL_ISA_D16 1
#else
#define LMUL_ISA_D16 0
#endif
#if defined(__AVX512BF16__)
#define LMUL_ISA_D17 1
#else
#define LMUL_ISA_D17 0
#endif
#if defined(__AVX512FP16__)
#define LMUL_ISA_D18 1
#else
#define LMUL_ISA_D18 0
#endif
#if defined(__GFNI__) || defined(__VAES__) || defined(__VPCLMULQDQ__)
#define LMUL_ISA_D19 1
#else
#define LMUL_ISA_D19 0
#endif
#if defined(__AVXVNNI__) || defined(__AVX512ER__)
#define LMUL_ISA_D20 1
#else
#define LMUL_ISA_D20 0
#endif
#define LMUL_ISA LMUL_ISA_JOIN(isa_x86_, LMUL_ISA_D1, LMUL_ISA_D2, LMUL_ISA_D3, LMUL_ISA_D4, \
  LMUL_ISA_D5, LMUL_ISA_D6, LMUL_ISA_D7, LMUL_ISA_D8, LMUL_ISA_D9, LMUL_ISA_D10, LMUL_ISA_D11, \
  LMUL_ISA_D12, LMUL_ISA_D13, LMUL_ISA_D14, LMUL_ISA_D15, LMUL_ISA_D16, LMUL_ISA_D17, \
  LMUL_ISA_D18, LMUL_ISA_D19, LMUL_ISA_D20)

#elif defined(__aarch64__)
// NEON is aarch64's baseline; the optional extensions compilers use for ordinary code.
#if defined(__ARM_FEATURE_SVE)
#define LMUL_ISA_A1 1
#else
#define LMUL_ISA_A1 0
#endif
#if defined(__ARM_FEATURE_SVE2)
#define LMUL_ISA_A2 1
#else
#define LMUL_ISA_A2 0
#endif
#if defined(__ARM_FEATURE_DOTPROD)
#define LMUL_ISA_A3 1
#else
#define LMUL_ISA_A3 0
#endif
#if defined(__ARM_FEATURE_FP16_VECTOR_ARITHMETIC)
#define LMUL_ISA_A4 1
#else
#define LMUL_ISA_A4 0
#endif
#if defined(__ARM_FEATURE_BF16) || defined(__ARM_FEATURE_BF16_VECTOR_ARITHMETIC)
#define LMUL_ISA_A5 1
#else
#define LMUL_ISA_A5 0
#endif
#if defined(__ARM_FEATURE_MATMUL_INT8)
#define LMUL_ISA_A6 1
#else
#define LMUL_ISA_A6 0
#endif
#if defined(__ARM_FEATURE_ATOMICS)
#define LMUL_ISA_A7 1
#else
#define LMUL_ISA_A7 0
#endif
#define LMUL_ISA LMUL_ISA_JOIN(isa_a64_, LMUL_ISA_A1, LMUL_ISA_A2, LMUL_ISA_A3, LMUL_ISA_A4, \
  LMUL_ISA_A5, LMUL_ISA_A6, LMUL_ISA_A7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

#else
#define LMUL_ISA isa_generic
#endif
// clang-format on
