// The report's fp8 / bf16 / fp16 rows against the analytic error of rounding to M bits.
//
// Values log-uniform over whole binades have significands with density 1 / (x ln 2) on [1, 2).
// Round to nearest with M fraction bits puts grid points g_j = 1 + 2 j h (h = 2^-(M+1)) and
// x in [g_j - h, g_j + h) goes to g_j. The mean relative error of one rounding is therefore
//   mean |d| = (1 / ln 2) sum_j int_{cell j within [1, 2)} |g_j - x| / x^2 dx.
// With x = g (1 + s) the half-cell integrals are dimensionless and have closed forms:
//   above g, up to s = v:   int_0^v s / (1 + s)^2 ds   = log1p(v) - v / (1 + v)          =: Q(v)
//   below g, from s = -u:   int_-u^0 -s / (1 + s)^2 ds = log1p(-u) + u / (1 - u)      = Q(-u)
// and the mean square uses (g - x)^2 / x^3:
//   int_0^v s^2 / (1 + s)^3 ds = log1p(v) - v (2 + 3v) / (2 (1 + v)^2)                 =: P(v)
//   int_-u^0 s^2 / (1 + s)^3 ds = -P(-u).
// (log1p keeps the small differences accurate for M <= 10.) Both moments are exact; the only
// tolerance needed is the sampling error of the measurement.
//
// A product row rounds three times (both operands, then the product): to first order in h the
// relative error is d_x + d_y + d_p with independent zero-mean d's, so its mean square is
// 3 E[d^2]. It is not exact: products of coarse grid values often land on the grid (a power-of-two
// operand makes d_p = 0), which lowers the product error by O(2^-M) relative (3.5% measured at
// M = 2 and 3, 0.1% at M = 7 and 10). The test allows h relative on top of sampling.
#include <gtest/gtest.h>

#include <cmath>
#include <lmul/lmul.hpp>

#include "error_stats.hpp"
#include "product_methods.hpp"
#include "random_pairs.hpp"

namespace {

struct rounding_moments {
  double mean_abs = 0, mean_square = 0;
};

double q_integral(double v) { return std::log1p(v) - v / (1 + v); }
double p_integral(double v) { return std::log1p(v) - v * (2 + 3 * v) / (2 * (1 + v) * (1 + v)); }

rounding_moments analytic_rounding_moments(int M) {
  const double h = std::ldexp(1.0, -(M + 1));
  rounding_moments m;
  for (int j = 0; j <= (1 << M); ++j) {
    const double g = 1 + 2 * j * h;
    const double u = (g - std::max(1.0, g - h)) / g;  // relative extent below g (0 at g = 1)
    const double v = (std::min(2.0, g + h) - g) / g;  // relative extent above g (0 at g = 2)
    m.mean_abs += q_integral(-u) + q_integral(v);
    m.mean_square += -p_integral(-u) + p_integral(v);
  }
  m.mean_abs /= std::log(2.0);
  m.mean_square /= std::log(2.0);
  return m;
}

TEST(RoundingError, AnalyticMomentsMatchTheContinuumLimit) {
  // For small h: mean |d| -> h / (4 ln 2) and E[d^2] -> h^2 / (8 ln 2) (uniform error on
  // [-h, h] times E[1/x] = 1/(2 ln 2), E[1/x^2] = 3/(8 ln 2)). Checks the closed forms above;
  // the finite-h corrections are O(h) relative, about 1e-3 at M = 10.
  const double h = std::ldexp(1.0, -11);
  const rounding_moments m = analytic_rounding_moments(10);
  EXPECT_NEAR(m.mean_abs / (h / (4 * std::log(2.0))), 1.0, 2e-3);
  EXPECT_NEAR(m.mean_square / (h * h / (8 * std::log(2.0))), 1.0, 2e-3);
}

// Over [2^-4, 2^4]: whole binades inside the normal range of every format tested.
constexpr double low_log2 = -4, high_log2 = 4;
constexpr std::size_t samples = 400000;

template <class F>
void expect_single_rounding_matches() {
  lmul_report::random_source random(1234);
  lmul_report::error_stats stats;
  for (std::size_t n = 0; n < samples; ++n) {
    const float x =
        lmul_report::draw(random, lmul_report::distribution::log_uniform, low_log2, high_log2);
    stats.add(lmul::detail::decode<F>(lmul::detail::encode<F>(double(x))), double(x));
  }
  const double expected = analytic_rounding_moments(F::mantissa_bits).mean_abs;
  EXPECT_NEAR(stats.mean(), expected, 5 * stats.mean_standard_error() + 1e-9)
      << "M = " << F::mantissa_bits;
}

TEST(RoundingError, OneRoundingMatchesAnalyticMean) {
  expect_single_rounding_matches<lmul::e5m2_traits>();
  expect_single_rounding_matches<lmul::e4m3fn_traits>();
  expect_single_rounding_matches<lmul::format_traits<7, 8>>();   // bf16
  expect_single_rounding_matches<lmul::format_traits<10, 5>>();  // fp16
}

template <class F>
void expect_product_row_rms_matches() {
  lmul_report::random_source random(99);
  lmul_report::error_stats stats;
  for (std::size_t n = 0; n < samples; ++n) {
    // Operands in [2^-2, 2^2]: products stay inside every tested format's normal range.
    const float x = lmul_report::draw(random, lmul_report::distribution::log_uniform, -2, 2);
    const float y = lmul_report::draw(random, lmul_report::distribution::log_uniform, -2, 2);
    stats.add(lmul_report::exactly_rounded_in<F>(x, y), double(x) * double(y));
  }
  const double h = std::ldexp(1.0, -(F::mantissa_bits + 1));
  const double expected = std::sqrt(3 * analytic_rounding_moments(F::mantissa_bits).mean_square);
  const double sampling = 5 * stats.rms() / std::sqrt(double(samples));
  EXPECT_NEAR(stats.rms(), expected, expected * h + sampling) << "M = " << F::mantissa_bits;
}

TEST(RoundingError, ProductRowsMatchThreeIndependentRoundings) {
  expect_product_row_rms_matches<lmul::e5m2_traits>();
  expect_product_row_rms_matches<lmul::e4m3fn_traits>();
  expect_product_row_rms_matches<lmul::format_traits<7, 8>>();
  expect_product_row_rms_matches<lmul::format_traits<10, 5>>();
}

}  // namespace
