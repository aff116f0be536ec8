// Built by the packaging tests: exits 0 only if lmul's headers work from a consumer project.
#include <lmul/lmul.hpp>

#include <cstdio>

int main() {
  const lmul::float8_e4m3fn x(1.5f), y(2.0f);
  // 1.5 * 2.0 = 3 exactly; L-Mul on e4m3 adds 2^-3 to the significand sum: 1.625 * 2 = 3.25.
  const bool ok = float(x * y) == 3.0f && float(lmul::lmul_product(x, y)) == 3.25f;
  std::printf("consumer: %s\n", ok ? "ok" : "WRONG");
  return ok ? 0 : 1;
}
