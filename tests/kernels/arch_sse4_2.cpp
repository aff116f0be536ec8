// Kernel tests for the sse4_2 instruction set (compiled with its flags by CMakeLists.txt).
#define LMUL_TEST_ARCH xsimd::sse4_2
#include "arch_tests.hpp"
