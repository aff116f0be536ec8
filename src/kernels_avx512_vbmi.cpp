// The lmul_kernels unit for AVX-512 BW plus VBMI, BF16 and BMI2, compiled with the AVX-512 BW flags
// only (src/CMakeLists.txt): the VBMI/BF16/BMI2 kernels carry target attributes.
#define LMUL_UNIT_NAMESPACE lmul_avx512_vbmi
#define LMUL_UNIT_KERNEL_ARCH kernels::avx512_vbmi  // this unit's lmul namespace
#define LMUL_UNIT_GEMM_ARCH kernels::avx512_vbmi  // bf16 GEMM for 8-bit formats (gemm/bf16_driver.hpp)
#define LMUL_UNIT_TABLE table_avx512_vbmi
#define LMUL_UNIT_ARCH_NAME "avx512_vbmi"
#include "arch_unit.hpp"
