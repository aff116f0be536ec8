// The lmul_kernels unit for aarch64 NEON, compiled with its flags only (src/CMakeLists.txt).
#define LMUL_UNIT_NAMESPACE lmul_neon64
#define LMUL_UNIT_KERNEL_ARCH xsimd::neon64
#define LMUL_UNIT_GEMM_ARCH xsimd::neon64
#define LMUL_UNIT_TABLE table_neon64
#define LMUL_UNIT_ARCH_NAME "neon64"
#include "arch_unit.hpp"
