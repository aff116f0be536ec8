// Compiled (syntax only) by the packaging tests with an include directory whose xsimd/xsimd.hpp and
// immintrin.h are #error: lmul::core and the public kernel and GEMM headers (which call the
// compiled kernels) need neither, so they compile on any architecture with any C++20 compiler.
#include <lmul/convert.hpp>
#include <lmul/corrected.hpp>
#include <lmul/energy.hpp>
#include <lmul/format_traits.hpp>
#include <lmul/limits.hpp>
#include <lmul/product.hpp>
#include <lmul/scalar.hpp>
#include <lmul/small_float.hpp>
// Public API above the core: no SIMD code in the caller's unit.
#include <lmul/gemm.hpp>
#include <lmul/kernels.hpp>
#include <lmul/lmul.hpp>

#include <vector>

float use() {
  const std::vector<lmul::float8_e4m3fn> a(8), b(8);
  std::vector<float> c(1);
  lmul::lmul_gemm(1, 1, 8, a.data(), 8, b.data(), 1, c.data(), 1);
  return lmul::lmul_dot(a, b) + lmul::lmul_dot_exact(a, b) + c[0];
}
