// Kernel tests for the scalar instruction set (compiled with its flags by CMakeLists.txt).
#define LMUL_TEST_ARCH lmul::kernels::scalar
#define LMUL_TEST_ARCH_IS_SCALAR 1
#include "arch_tests.hpp"
