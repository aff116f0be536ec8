// lmul/kernels/cpu_features.hpp -- whether the running CPU has each instruction set the kernels are
// written for: the one CPU test of lmul, used by kernels::arch_available (kernels/arch.hpp) and by
// the compiled library's dispatcher (src/dispatch.cpp). Each test includes the ones below it, as the
// kernels of an instruction set use its predecessors' too (the AVX2 unit is built with -mfma).
// __builtin_cpu_supports also checks that the OS saves the AVX / AVX-512 registers.
#pragma once

#include "../detail/isa_namespace.hpp"

namespace lmul {
namespace detail {
inline namespace LMUL_ISA {  // every function: see detail/isa_namespace.hpp

#if defined(__x86_64__) || defined(__i386__)
inline bool cpu_has_sse4_2() { return __builtin_cpu_supports("sse4.2"); }
inline bool cpu_has_avx2() {
  return cpu_has_sse4_2() && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
inline bool cpu_has_avx512bw() {
  return cpu_has_avx2() && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") &&
         __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl");
}
/// AVX-512 BW plus VBMI, BF16, VNNI and BMI2: kernels::avx512_vbmi.
inline bool cpu_has_avx512_vbmi() {
  return cpu_has_avx512bw() && __builtin_cpu_supports("avx512vbmi") &&
         __builtin_cpu_supports("avx512bf16") && __builtin_cpu_supports("avx512vnni") &&
         __builtin_cpu_supports("bmi2");
}
#elif defined(__aarch64__)
inline bool cpu_has_neon64() { return true; }  // NEON is part of every aarch64 CPU
#endif

}  // inline namespace LMUL_ISA
}  // namespace detail
}  // namespace lmul
