// src/arch_tables.hpp -- the kernel tables of the units of the lmul_kernels library.
// Each is defined in the generated unit kernels_<arch>.cpp (src/arch_unit.cpp.in through
// arch_unit.hpp) of an entry of cmake/lmulArchs.cmake; the baseline one in dispatch.cpp.
#pragma once

#include <lmul/runtime/kernel_table.hpp>

#include "compiled_archs.hpp"  // generated: LMUL_COMPILED_ARCHS

namespace lmul::runtime {
const kernel_table& table_baseline();  // the target's baseline: scalar kernels, xsimd's default GEMM
#define LMUL_DECLARE_TABLE(name, cpu_test) const kernel_table& table_##name();
LMUL_COMPILED_ARCHS(LMUL_DECLARE_TABLE)
#undef LMUL_DECLARE_TABLE
}  // namespace lmul::runtime
