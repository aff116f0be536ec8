// L-Mul is exact where the spec says it is: a normal-range V(k) is exact (spec 3, step 4) and the
// wide product of 8-bit formats is exact in fp32 (spec 3, "Wide product"). The expected values
// are computed here from the spec's formula in double, independently of the library's codes.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <lmul/corrected.hpp>
#include <lmul/lmul.hpp>

#include "random_pairs.hpp"

namespace {

/// V(k) of spec section 3 for finite nonzero x, y with M fraction bits and offset c (in units of
/// 1, i.e. c = 2^-l(M) for the paper): with x = +-(1 + a) 2^ex and y = +-(1 + b) 2^ey,
/// s = a + b + c and V = (1 + s - floor(s)) 2^(ex + ey + floor(s)): a carry out of the fraction
/// (s >= 1, or s >= 2 when c pushes a + b past 2) goes into the exponent.
double spec_lmul_value(double x, double y, double c) {
  int ex = 0, ey = 0;
  const double a = 2 * std::frexp(std::abs(x), &ex) - 1;  // frexp: |x| = m 2^ex, m in [1/2, 1)
  const double b = 2 * std::frexp(std::abs(y), &ey) - 1;
  const double s = a + b + c;
  const double carry = std::floor(s);
  const double magnitude = (1 + s - carry) * std::ldexp(1.0, ex - 1 + ey - 1 + int(carry));
  return (std::signbit(x) != std::signbit(y)) ? -magnitude : magnitude;
}

template <class T>
void expect_wide_product_exact_for_all_pairs() {
  using F = lmul::format_of_t<T>;
  const double c = std::ldexp(1.0, -lmul::paper_offset_exponent(F::mantissa_bits));
  int checked = 0;
  for (unsigned i = 0; i < (1u << F::total_bits); ++i) {
    for (unsigned j = 0; j < (1u << F::total_bits); ++j) {
      const T x = T::from_bits(typename F::storage(i)), y = T::from_bits(typename F::storage(j));
      const double dx = double(float(x)), dy = double(float(y));
      if (!std::isfinite(dx) || !std::isfinite(dy) || dx == 0 || dy == 0) continue;
      ASSERT_EQ(double(lmul::lmul_wide_product(x, y)), spec_lmul_value(dx, dy, c))
          << "codes " << i << ", " << j;
      ++checked;
    }
  }
  EXPECT_GT(checked, 40000);
}

TEST(LmulExact, WideProductOfE4m3fnIsExactForEveryPair) {
  expect_wide_product_exact_for_all_pairs<lmul::float8_e4m3fn>();
}
TEST(LmulExact, WideProductOfE5m2IsExactForEveryPair) {
  expect_wide_product_exact_for_all_pairs<lmul::float8_e5m2>();
}

template <int M>
void expect_simulation_exact_in_normal_range() {
  using F = lmul::format_traits<M, 8>;
  const double c = std::ldexp(1.0, -lmul::paper_offset_exponent(M));
  lmul_report::random_source random(M);
  for (int n = 0; n < 20000; ++n) {
    const float x = lmul_report::draw(random, lmul_report::distribution::log_uniform, -20, 20);
    const float y = lmul_report::draw(random, lmul_report::distribution::log_uniform, -20, 20);
    // The operands as lmul<M, 8> rounds them (nearest even), then the spec's formula.
    const double rx = lmul::detail::decode<F>(lmul::detail::encode<F>(double(x)));
    const double ry = lmul::detail::decode<F>(lmul::detail::encode<F>(double(y)));
    ASSERT_EQ(double(lmul::lmul_simulated<M>(x, y)), spec_lmul_value(rx, ry, c)) << x << " " << y;
  }
}

TEST(LmulExact, NormalRangeSimulationIsTheSpecValue) {
  expect_simulation_exact_in_normal_range<1>();
  expect_simulation_exact_in_normal_range<3>();
  expect_simulation_exact_in_normal_range<4>();
  expect_simulation_exact_in_normal_range<7>();
  expect_simulation_exact_in_normal_range<10>();
}

TEST(LmulExact, PaperFloatConstantForNormalOperandsAndResults) {
  // Spec section 3: bits(|x|) + bits(|y|) - 0x3F780000, then the XOR of the signs.
  lmul_report::random_source random(7);
  for (int n = 0; n < 100000; ++n) {
    const float x = lmul_report::draw(random, lmul_report::distribution::normal);
    const float y = lmul_report::draw(random, lmul_report::distribution::normal);
    if (std::abs(x) < 1e-30f || std::abs(y) < 1e-30f) continue;
    const std::uint32_t bx = std::bit_cast<std::uint32_t>(x), by = std::bit_cast<std::uint32_t>(y);
    const std::uint32_t expected =
        ((bx & 0x7FFFFFFFu) + (by & 0x7FFFFFFFu) - 0x3F780000u) | ((bx ^ by) & 0x80000000u);
    ASSERT_EQ(std::bit_cast<std::uint32_t>(lmul::lmul_product(x, y)), expected);
  }
}

TEST(LmulExact, MitchellIsExactWhenOneOperandIsAPowerOfTwo) {
  // a = 0: (1 + 0)(1 + b) = 1 + b = Mitchell's 1 + a + b, with no carry (b < 1).
  using F = lmul::float32_traits;
  lmul_report::random_source random(11);
  for (int n = 0; n < 10000; ++n) {
    const float power = std::ldexp(1.0f, int(random.next() % 40) - 20);
    const float y = lmul_report::draw(random, lmul_report::distribution::normal);
    const auto code = lmul::detail::lmul_codes_with<F, F>(
        std::bit_cast<std::uint32_t>(power), std::bit_cast<std::uint32_t>(y),
        lmul::detail::constant_offset{0}, lmul::overflow_mode::non_saturating);
    ASSERT_EQ(std::bit_cast<float>(code), power * y);
  }
}

}  // namespace
