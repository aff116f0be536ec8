// The lmul_kernels unit for AVX-512 F/CD/DQ/BW/VL, compiled with its flags only (src/CMakeLists.txt).
#define LMUL_UNIT_NAMESPACE lmul_avx512bw
#define LMUL_UNIT_KERNEL_ARCH xsimd::avx512bw
#define LMUL_UNIT_GEMM_ARCH xsimd::avx512bw
#define LMUL_UNIT_TABLE table_avx512bw
#define LMUL_UNIT_ARCH_NAME "avx512bw"
#include "arch_unit.hpp"
