// fp32 L-Mul (lmul::lmul_product on float): the paper's constant, the special-operand table of
// spec section 3, and random / boundary / special operands against the reference.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "core_test_support.hpp"

namespace {

using lmul_ref::fp32_desc;
using lmul_ref::overflow;

float from_bits(std::uint32_t b) { return std::bit_cast<float>(b); }
std::uint32_t bits_of(float f) { return std::bit_cast<std::uint32_t>(f); }

constexpr float inf = std::numeric_limits<float>::infinity();
constexpr float nan = std::numeric_limits<float>::quiet_NaN();
constexpr float max_float = std::numeric_limits<float>::max();

TEST(FloatLmul, HandDerivedValues) {
  // (1 + a)(1 + b) ~ 1 + a + b + 2^-4 for fp32 (l(23) = 4).
  EXPECT_EQ(lmul::lmul_product(1.0f, 1.0f), 1.0625f);
  EXPECT_EQ(lmul::lmul_product(2.0f, 3.0f), 6.25f);              // (1 + 0.5 + 2^-4) * 4
  EXPECT_EQ(lmul::lmul_product(-2.0f, 3.0f), -6.25f);
  EXPECT_EQ(lmul::lmul_product(1.5f, 1.5f), 2.125f);             // fractions carry: (1 + 1/16) * 2
  EXPECT_EQ(lmul::lmul_product(0.5f, 0.25f), 0.125f * 1.0625f);
}

TEST(FloatLmul, PaperConstantForNormalOperandsAndResults) {
  // Spec section 3: bits(|x|) + bits(|y|) - 0x3F780000, sign = XOR, whenever x, y and the result
  // are normal. 0x3F780000 = (127 << 23) - (1 << (23 - 4)).
  static_assert((127u << 23) - (1u << (23 - 4)) == 0x3F780000u);
  std::mt19937 rng(7);
  std::uniform_int_distribution<std::uint32_t> normal_magnitude(0x00800000u, 0x7F7FFFFFu);
  std::uniform_int_distribution<std::uint32_t> sign(0, 1);
  std::uint64_t checked = 0, mismatches = 0;
  while (checked < 2000000) {
    const std::uint32_t ax = normal_magnitude(rng), ay = normal_magnitude(rng);
    const std::int64_t sum = std::int64_t(ax) + std::int64_t(ay) - 0x3F780000;
    if (sum < 0x00800000 || sum >= 0x7F800000) continue;  // result not normal
    const std::uint32_t sx = sign(rng) << 31, sy = sign(rng) << 31;
    const std::uint32_t expected = std::uint32_t(sum) | (sx ^ sy);
    const float got = lmul::lmul_product(from_bits(ax | sx), from_bits(ay | sy));
    ++checked;
    if (bits_of(got) != expected && ++mismatches <= 5) {
      ADD_FAILURE() << core_test::hex(ax | sx) << " * " << core_test::hex(ay | sy) << ": got "
                    << core_test::hex(bits_of(got)) << ", expected " << core_test::hex(expected);
    }
  }
  EXPECT_EQ(mismatches, 0u);
}

TEST(FloatLmul, SpecialOperandTable) {
  // Spec section 3 table; the paper's PTX kernel gets 0 * 0.5 wrong (NaN), the library must not.
  EXPECT_TRUE(std::isnan(lmul::lmul_product(nan, 1.0f)));
  EXPECT_TRUE(std::isnan(lmul::lmul_product(1.0f, nan)));
  EXPECT_TRUE(std::isnan(lmul::lmul_product(nan, inf)));
  EXPECT_TRUE(std::isnan(lmul::lmul_product(nan, 0.0f)));
  EXPECT_TRUE(std::isnan(lmul::lmul_product(inf, 0.0f)));
  EXPECT_TRUE(std::isnan(lmul::lmul_product(-0.0f, inf)));
  EXPECT_TRUE(std::isnan(lmul::lmul_product(inf, -0.0f, lmul::overflow_mode::saturating)));
  EXPECT_EQ(lmul::lmul_product(inf, 2.0f), inf);
  EXPECT_EQ(lmul::lmul_product(inf, -2.0f), -inf);
  EXPECT_EQ(lmul::lmul_product(-inf, -inf), inf);
  EXPECT_EQ(lmul::lmul_product(-inf, 1e-45f), -inf);  // subnormal operand
  EXPECT_EQ(bits_of(lmul::lmul_product(0.0f, 0.5f)), 0u);
  EXPECT_EQ(bits_of(lmul::lmul_product(-0.0f, 0.5f)), 0x80000000u);
  EXPECT_EQ(bits_of(lmul::lmul_product(0.0f, -max_float)), 0x80000000u);
  EXPECT_EQ(bits_of(lmul::lmul_product(-0.0f, -0.0f)), 0u);
  // Underflow: 2^-100 * 2^-100 is far below 2^-149: signed zero, never a wrapped-around huge value.
  EXPECT_EQ(bits_of(lmul::lmul_product(0x1p-100f, 0x1p-100f)), 0u);
  EXPECT_EQ(bits_of(lmul::lmul_product(-0x1p-100f, 0x1p-100f)), 0x80000000u);
  // Into the subnormals: 2^-75 * 2^-75 -> V = 1.0625 * 2^-150: nearest of {0, 2^-149} is 2^-149.
  EXPECT_EQ(lmul::lmul_product(0x1p-75f, 0x1p-75f), 0x1p-149f);
  // V = 1.0625 * 2^-140 = 17 * 2^-144, a multiple of 2^-149: exact.
  EXPECT_EQ(lmul::lmul_product(0x1p-70f, 0x1p-70f), 17 * 0x1p-144f);
  // Overflow: inf, or max finite in saturating mode.
  EXPECT_EQ(lmul::lmul_product(0x1p100f, 0x1p100f), inf);
  EXPECT_EQ(lmul::lmul_product(-0x1p100f, 0x1p100f), -inf);
  EXPECT_EQ(lmul::lmul_product(0x1p100f, 0x1p100f, lmul::overflow_mode::saturating), max_float);
  EXPECT_EQ(lmul::lmul_product(0x1p100f, -0x1p100f, lmul::overflow_mode::saturating), -max_float);
  // 2^127 * 1 -> 1.0625 * 2^127 is finite.
  EXPECT_EQ(lmul::lmul_product(0x1p127f, 1.0f), 1.0625f * 0x1p127f);
}

/// Special and boundary fp32 codes, both signs.
std::vector<std::uint32_t> float_boundary_codes() {
  std::vector<std::uint32_t> codes = {
      0x00000000, 0x00000001, 0x00000002, 0x00000003, 0x00400000, 0x007FFFFF,  // 0, subnormals
      0x00800000, 0x00800001, 0x00FFFFFF,                                      // min normals
      0x1F800000, 0x20000000,                                                  // ~ sqrt(min)
      0x3F7FFFFF, 0x3F800000, 0x3F800001, 0x3FC00000, 0x40000000,              // around 1
      0x5F7FFFFF, 0x5F800000,                                                  // ~ sqrt(max)
      0x7F000000, 0x7F7FFFFE, 0x7F7FFFFF,                                      // largest finite
      0x7F800000, 0x7FC00000, 0x7F800001, 0x7FFFFFFF,                          // inf, NaNs
  };
  const std::size_t n = codes.size();
  for (std::size_t i = 0; i < n; ++i) codes.push_back(codes[i] | 0x80000000u);
  return codes;
}

TEST(FloatLmul, RandomBoundaryAndSpecialOperandsAgainstReference) {
  core_test::mismatch_log product("lmul_product(float)"), saturating("saturating"),
      wide("lmul_wide_product(float)");
  const auto check = [&](std::uint32_t x, std::uint32_t y) {
    const float a = from_bits(x), b = from_bits(y);
    const lmul_ref::value v = lmul_ref::lmul_value(fp32_desc, x, y);
    const auto inputs = [&] { return core_test::hex(x) + " * " + core_test::hex(y); };
    product.check(lmul_ref::round_to_float(v), lmul::lmul_product(a, b), inputs);
    saturating.check(lmul_ref::round_to_float(v, overflow::saturating),
                     lmul::lmul_product(a, b, lmul::overflow_mode::saturating), inputs);
    wide.check(lmul_ref::round_to_float(v), lmul::lmul_wide_product(a, b), inputs);
  };
  std::mt19937 rng(99);
  std::uniform_int_distribution<std::uint32_t> any_bits;
  const std::vector<std::uint32_t> specials = float_boundary_codes();
  for (const std::uint32_t x : specials) {
    for (const std::uint32_t y : specials) check(x, y);
    for (int i = 0; i < 20000; ++i) {
      const std::uint32_t r = any_bits(rng);
      check(x, r);
      check(r, x);
    }
  }
  // k (spec 3.2) near the overflow threshold and through the subnormal range down to zero.
  const std::int64_t unit = std::int64_t{1} << 23;
  const std::int64_t offset = std::int64_t{1} << (23 - 4);
  std::uniform_int_distribution<std::uint32_t> normal_magnitude(0x00800000u, 0x7F7FFFFFu);
  std::uniform_int_distribution<std::int64_t> overflow_band(0x7F7FFFFF - unit, 0x7F7FFFFF + unit);
  std::uniform_int_distribution<std::int64_t> underflow_band(-26 * unit, 2 * unit);
  for (int i = 0; i < 1000000;) {
    const std::uint32_t x = normal_magnitude(rng);
    const std::int64_t k = (i % 2) ? overflow_band(rng) : underflow_band(rng);
    const std::int64_t y = k - std::int64_t(x) + (std::int64_t{127} << 23) - offset;
    if (y < 0x00800000 || y > 0x7F7FFFFF) continue;  // keep to normal y: K(y) = bits(y)
    const std::uint32_t signs = any_bits(rng);
    check(x | (signs & 0x80000000u), std::uint32_t(y) | ((signs << 1) & 0x80000000u));
    ++i;
  }
  // Random bit patterns (every class), and random values of moderate magnitude.
  for (int i = 0; i < 1000000; ++i) check(any_bits(rng), any_bits(rng));
  std::uniform_int_distribution<std::uint32_t> moderate(0x30000000u, 0x50000000u);
  for (int i = 0; i < 1000000; ++i) {
    check(moderate(rng) | (any_bits(rng) & 0x80000000u), moderate(rng));
  }
}

/// lmul_simulated<M>: x and y rounded to M fraction bits (lmul<M,8>), L-Mul, exact as a float.
template <int M>
void check_simulated(lmul::rounding_mode mode, lmul_ref::rounding ref_mode) {
  const lmul_ref::format_desc d{M, 8, false};
  const lmul_ref::format_table table(d);
  core_test::mismatch_log log("lmul_simulated<" + std::to_string(M) + ">");
  std::mt19937 rng(M);
  std::uniform_int_distribution<std::uint32_t> any_bits;
  std::uniform_int_distribution<std::uint32_t> moderate(0x30000000u, 0x50000000u);
  const auto to_format = [&](float x) {
    if (std::isnan(x)) return lmul_ref::expected{true, 0};
    if (std::isinf(x)) return table.overflowed(std::signbit(x), overflow::non_saturating);
    return table.round(std::signbit(x), std::fabs(double(x)), 0, overflow::non_saturating,
                       ref_mode);
  };
  for (int i = 0; i < 200000; ++i) {
    const float x = from_bits(i % 2 ? any_bits(rng) : moderate(rng) | (any_bits(rng) << 31));
    const float y = from_bits(i % 2 ? any_bits(rng) : moderate(rng));
    const lmul_ref::expected cx = to_format(x), cy = to_format(y);
    float want;
    if (cx.is_nan || cy.is_nan) {
      want = nan;
    } else {
      const lmul_ref::expected r = table.round(lmul_ref::lmul_value(d, cx.code, cy.code));
      const lmul_ref::value v = lmul_ref::decode(d, r.code);
      want = r.is_nan ? nan
                      : (v.kind == lmul_ref::value::infinity ? inf : float(v.magnitude)) *
                            (v.negative ? -1.0f : 1.0f);
    }
    log.check(want, lmul::lmul_simulated<M>(x, y, mode),
              [&] { return core_test::show(x) + " * " + core_test::show(y); });
  }
}

TEST(FloatLmul, SimulatedMBitProduct) {
  check_simulated<3>(lmul::rounding_mode::nearest_even, lmul_ref::rounding::nearest_even);
  check_simulated<4>(lmul::rounding_mode::nearest_even, lmul_ref::rounding::nearest_even);
  check_simulated<7>(lmul::rounding_mode::nearest_even, lmul_ref::rounding::nearest_even);
  check_simulated<3>(lmul::rounding_mode::toward_zero, lmul_ref::rounding::toward_zero);
  check_simulated<4>(lmul::rounding_mode::toward_zero, lmul_ref::rounding::toward_zero);
  check_simulated<7>(lmul::rounding_mode::toward_zero, lmul_ref::rounding::toward_zero);
}

}  // namespace
