// Mitchell's logarithmic multiply (L-Mul with offset 0) against its closed-form error.
//
// With x = (1 + a) 2^e, y = (1 + b) 2^f and fractions a, b in [0, 1), the integer addition of the
// bit patterns yields the significand g(a, b) = 1 + a + b when a + b < 1, and 2 (a + b) when the
// fraction carries (a + b >= 1). The exact significand is p = (1 + a)(1 + b).
//
// Maximum error. No carry: (g - p) / p = -ab / ((1 + a)(1 + b)), which grows with a and b, so on
// a + b <= 1 it is largest on the line a + b = 1, where ab is largest at a = b = 1/2.
// Carry: 1 - 2 (a + b) / ((1 + a)(1 + b)); its gradient vanishes nowhere inside a + b > 1 and it
// falls along the edges a = 1, b = 1 ((1 - b)/(2 (1 + b)) decreasing in b), so it is also largest
// on a + b = 1 at a = b = 1/2. There: g = 2, p = 9/4, relative error -(1/4)/(9/4) = -1/9.
//
// Mean over independent uniform a, b (the error is never positive, so mean |e| = -mean e):
//   E = 1 - I1 - I2, I1 = integral over T = {a + b < 1} of (1 + a + b)/((1 + a)(1 + b)),
//   I2 = integral over the rest C of 2 (a + b) / ((1 + a)(1 + b)).
// Partial fractions: (1 + a + b)/((1+a)(1+b)) = 1/(1+a) + 1/(1+b) - 1/((1+a)(1+b)) and
// 2 (a + b)/((1+a)(1+b)) = 2/(1+a) + 2/(1+b) - 4/((1+a)(1+b)). With
//   J1 = int_T 1/(1+a) = int_0^1 (1 - a)/(1 + a) da = 2 ln 2 - 1,
//   J2 = int_T 1/((1+a)(1+b)) = int_0^1 ln(2 - a)/(1 + a) da = ln 2 ln 3 + Li2(1/3) - Li2(2/3)
//        (substitute u = 1 + a: int_1^2 ln(3 - u)/u du = ln 3 ln 2 + int_1^2 ln(1 - u/3)/u du),
// and the full-square integrals ln 2 and (ln 2)^2, one gets I1 = 2 J1 - J2,
// I2 = 4 (ln 2 - J1) - 4 ((ln 2)^2 - J2), hence
//   E = 4 (ln 2)^2 - 1 - 3 J2 = 0.0384880 (3.85%).
#include <gtest/gtest.h>

#include <cmath>
#include <lmul/lmul.hpp>

#include "product_methods.hpp"

namespace {

double dilogarithm(double z) {  // Li2(z) = sum z^k / k^2, |z| < 1
  double sum = 0, power = 1;
  for (int k = 1; k < 400; ++k) {
    power *= z;
    sum += power / (double(k) * k);
  }
  return sum;
}

double mitchell_mean_error_closed_form() {
  const double ln2 = std::log(2.0), ln3 = std::log(3.0);
  const double j2 = ln2 * ln3 + dilogarithm(1.0 / 3) - dilogarithm(2.0 / 3);
  return 4 * ln2 * ln2 - 1 - 3 * j2;
}

double relative_error(float x, float y) {
  const double exact = double(x) * double(y);
  return (lmul_report::mitchell(x, y) - exact) / exact;  // the report's Mitchell row
}

TEST(Mitchell, ClosedFormConstantIsAsDerived) {
  // Guards the series: the known value of the mean Mitchell error, about 3.85%.
  EXPECT_NEAR(mitchell_mean_error_closed_form(), 0.03849, 5e-5);
}

TEST(Mitchell, MaximumErrorIsOneNinthAtBothFractionsOneHalf) {
  EXPECT_DOUBLE_EQ(relative_error(1.5f, 1.5f), -1.0 / 9);
  EXPECT_DOUBLE_EQ(relative_error(-3.0f, 0.75f), -1.0 / 9);  // scale and sign do not matter

  // Every fraction pair on a 2^-10 grid: no error beyond 1/9, and the worst is at (1/2, 1/2).
  constexpr int steps = 1024;
  double worst = 0;
  int worst_i = -1, worst_j = -1;
  for (int i = 0; i < steps; ++i) {
    for (int j = 0; j < steps; ++j) {
      const double e = -relative_error(1.0f + float(i) / steps, 1.0f + float(j) / steps);
      ASSERT_GE(e, 0.0) << "Mitchell never overestimates";
      if (e > worst) {
        worst = e;
        worst_i = i;
        worst_j = j;
      }
    }
  }
  EXPECT_DOUBLE_EQ(worst, 1.0 / 9);
  EXPECT_EQ(worst_i, steps / 2);
  EXPECT_EQ(worst_j, steps / 2);
}

TEST(Mitchell, MeanErrorOverUniformFractionsMatchesClosedForm) {
  // Midpoint rule on a 2048 x 2048 grid (fractions exact in float): the integrand is continuous
  // with a kink along a + b = 1, so the quadrature error is O(h^2), about 1e-7 here.
  constexpr int steps = 2048;
  double sum = 0;
  for (int i = 0; i < steps; ++i) {
    for (int j = 0; j < steps; ++j) {
      sum += -relative_error(1.0f + (float(i) + 0.5f) / steps, 1.0f + (float(j) + 0.5f) / steps);
    }
  }
  EXPECT_NEAR(sum / (double(steps) * steps), mitchell_mean_error_closed_form(), 1e-6);
}

}  // namespace
