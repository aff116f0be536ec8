// Compiled (syntax only) by the packaging tests with an include directory whose xsimd/xsimd.hpp and
// immintrin.h are #error: lmul::core needs neither, so it compiles on any architecture with any
// C++20 compiler; the public kernel, GEMM and MX headers need neither in runtime-dispatch mode
// (the test defines LMUL_RUNTIME_DISPATCH=1: they call the compiled tables), only header-only.
#include <lmul/convert.hpp>
#include <lmul/corrected.hpp>
#include <lmul/energy.hpp>
#include <lmul/format_traits.hpp>
#include <lmul/limits.hpp>
#include <lmul/product.hpp>
#include <lmul/scalar.hpp>
#include <lmul/small_float.hpp>
#if defined(LMUL_RUNTIME_DISPATCH) && LMUL_RUNTIME_DISPATCH
// Public API above the core, runtime-dispatch mode: no SIMD code in the caller's unit.
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
#endif
