// Kernel tests for the scalar instruction set (compiled with its flags by CMakeLists.txt).
#define LMUL_TEST_ARCH lmul::kernels::scalar
#include "arch_tests.hpp"
