// Kernel tests for the avx2 instruction set (compiled with its flags by CMakeLists.txt).
#define LMUL_TEST_ARCH xsimd::avx2
#include "arch_tests.hpp"
