// The README's quick-start snippet, compiled as part of the build so that it cannot rot.
#include <lmul/lmul.hpp>

#include <iostream>
#include <vector>

int main() {
  // An L-Mul scalar type: 3 fraction bits, 4 exponent bits (the e4m3 layout, IEEE-style specials).
  using l3e4 = lmul::lmul<3, 4>;
  const l3e4 x(1.25f), y(1.25f);
  // (1 + a)(1 + b) becomes 1 + a + b + 2^-3: 1 + 0.25 + 0.25 + 0.125 = 1.625 (exact: 1.5625).
  std::cout << "L-Mul 1.25 * 1.25 = " << x * y << "\n";

  // OCP float8: operator* is the exactly rounded product; lmul_product applies L-Mul to it.
  const lmul::float8_e4m3fn a(1.375f), b(1.125f);  // exact product 1.546875
  std::cout << "e4m3fn: exact " << a * b << ", L-Mul " << lmul::lmul_product(a, b) << "\n";

  // L-Mul on fp32: bits(x) + bits(y) - 0x3F780000 for normal values, specials handled.
  std::cout << "fp32 L-Mul 3 * 0.75 = " << lmul::lmul_product(3.0f, 0.75f)
            << ", 0 * inf = " << lmul::lmul_product(0.0f, std::numeric_limits<float>::infinity())
            << "\n";

  // Kernels on spans or vectors: element-wise L-Mul (bit-identical to lmul_product on every
  // instruction set) and the L-Mul dot product accumulated in fp32.
  const std::vector<lmul::float8_e4m3fn> u(1000, a), v(1000, b);
  std::vector<lmul::float8_e4m3fn> w(1000);
  lmul::lmul_multiply(u, v, w);
  std::cout << "w[0] = " << w[0] << ", lmul_dot(u, v) = " << lmul::lmul_dot(u, v) << "\n";
}
