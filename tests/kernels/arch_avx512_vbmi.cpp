// Kernel tests for the avx512_vbmi instruction set (compiled with its flags by CMakeLists.txt).
#define LMUL_TEST_ARCH lmul::kernels::avx512_vbmi
#include "arch_tests.hpp"
