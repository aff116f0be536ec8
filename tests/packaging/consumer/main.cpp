// Built by the packaging tests, once header-only (lmul::lmul) and once with runtime dispatch
// (lmul::dispatched): exits 0 only if lmul's kernels work from a consumer project built with the
// default flags.
#include <lmul/lmul.hpp>

#include <cstdio>
#include <vector>

int main() {
  const lmul::float8_e4m3fn x(1.5f), y(2.0f);
  // 1.5 * 2.0 = 3 exactly; L-Mul on e4m3 adds 2^-3 to the significand sum: 1.625 * 2 = 3.25.
  bool ok = float(x * y) == 3.0f && float(lmul::lmul_product(x, y)) == 3.25f;
  // The kernels: 100 products of 1.5 * 2.0 (3.25 each), as a dot, element-wise and GEMM.
  const std::vector<lmul::float8_e4m3fn> a(100, x), b(100, y);
  std::vector<lmul::float8_e4m3fn> out(100);
  lmul::lmul_multiply(a, b, out);
  std::vector<float> c(1);
  lmul::lmul_gemm(1, 1, 100, a.data(), 100, b.data(), 1, c.data(), 1);
  ok = ok && lmul::lmul_dot(a, b) == 325.0f && float(out[99]) == 3.25f && c[0] == 325.0f;
  std::printf("consumer (%s kernels): %s\n", lmul::selected_arch(), ok ? "ok" : "WRONG");
  return ok ? 0 : 1;
}
