// The lmul_kernels unit for AVX2 with FMA, compiled with its flags only (src/CMakeLists.txt).
#define LMUL_UNIT_NAMESPACE lmul_avx2
#define LMUL_UNIT_KERNEL_ARCH xsimd::avx2
#define LMUL_UNIT_GEMM_ARCH xsimd::avx2
#define LMUL_UNIT_TABLE table_avx2
#define LMUL_UNIT_ARCH_NAME "avx2"
#include "arch_unit.hpp"
