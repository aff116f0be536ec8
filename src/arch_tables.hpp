// src/arch_tables.hpp -- the kernel tables of the units of the lmul_kernels library.
// Each is defined in src/kernels_<arch>.cpp (through arch_unit.hpp); which ones are built depends
// on the target (x86-64 or aarch64), see src/CMakeLists.txt.
#pragma once

#include <lmul/runtime/kernel_table.hpp>

namespace lmul::runtime {
const kernel_table& table_baseline();  // the target's baseline: scalar kernels, xsimd's default GEMM
#if defined(__x86_64__) || defined(__i386__)
const kernel_table& table_sse4_2();
const kernel_table& table_avx2();
const kernel_table& table_avx512bw();
const kernel_table& table_avx512_vbmi();
#elif defined(__aarch64__)
const kernel_table& table_neon64();
#endif
}  // namespace lmul::runtime
