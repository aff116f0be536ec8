// Kernel tests for the neon64 instruction set (aarch64 only).
#define LMUL_TEST_ARCH xsimd::neon64
#include "arch_tests.hpp"
