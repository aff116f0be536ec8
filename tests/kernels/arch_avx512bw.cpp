// Kernel tests for the avx512bw instruction set (compiled with its flags by CMakeLists.txt).
#define LMUL_TEST_ARCH xsimd::avx512bw
#include "arch_tests.hpp"
