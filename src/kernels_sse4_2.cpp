// The lmul_kernels unit for SSE4.2, compiled with its flags only (src/CMakeLists.txt).
#define LMUL_UNIT_NAMESPACE lmul_sse4_2
#define LMUL_UNIT_KERNEL_ARCH xsimd::sse4_2
#define LMUL_UNIT_GEMM_ARCH xsimd::sse4_2
#define LMUL_UNIT_TABLE table_sse4_2
#define LMUL_UNIT_ARCH_NAME "sse4_2"
#include "arch_unit.hpp"
