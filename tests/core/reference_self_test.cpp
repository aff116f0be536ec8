// Checks of the reference itself against facts stated outside it (the spec's format table, the
// spec's tricky cases, hand-derived L-Mul values and the CPU's own double -> float rounding), so that
// an agreement between library and reference means something.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

#include "reference/reference.hpp"

namespace {

using lmul_ref::format_desc;
using lmul_ref::format_table;

const format_desc e4m3fn{3, 4, true};
const format_desc e5m2{2, 5, false};
const format_desc half{10, 5, false};
const format_desc bf16{7, 8, false};

TEST(Reference, SpecFormatTable) {
  // Spec section 1: max finite, min normal, min subnormal.
  struct row {
    format_desc d;
    double max_finite, min_normal, min_subnormal;
  };
  const row rows[] = {
      {e4m3fn, 448, 0x1p-6, 0x1p-9},
      {e5m2, 57344, 0x1p-14, 0x1p-16},
      {half, 65504, 0x1p-14, 0x1p-24},
      {bf16, (2 - 0x1p-7) * 0x1p127, 0x1p-126, 0x1p-133},
      {{3, 4, false}, (2 - 0x1p-3) * 0x1p7, 0x1p-6, 0x1p-9},
  };
  for (const row& r : rows) {
    const format_table t(r.d);
    EXPECT_EQ(t.max_finite(), r.max_finite) << "M=" << r.d.M << " E=" << r.d.E;
    EXPECT_EQ(t.values()[std::size_t{1} << r.d.M], r.min_normal);
    EXPECT_EQ(t.values()[1], r.min_subnormal);
  }
  EXPECT_EQ(format_table(e4m3fn).values()[0x78], 256.0);  // 0x78 is finite in e4m3fn
}

TEST(Reference, SpecTrickyCases) {
  const format_table t8(e4m3fn), t5(e5m2);
  const auto code = [](const format_table& t, double x, lmul_ref::overflow m =
                                                            lmul_ref::overflow::non_saturating) {
    return t.round(x < 0, std::fabs(x), 0, m);
  };
  EXPECT_EQ(code(t8, 0x1p-10).code, 0x00u);
  EXPECT_EQ(code(t8, 3 * 0x1p-10).code, 0x02u);
  EXPECT_EQ(code(t8, 5 * 0x1p-10).code, 0x02u);
  EXPECT_EQ(code(t8, 7 * 0x1p-10).code, 0x04u);
  EXPECT_EQ(code(t8, 15 * 0x1p-10).code, 0x08u);
  EXPECT_EQ(code(t8, 1.0625).code, 0x38u);
  EXPECT_EQ(code(t8, 1.1875).code, 0x3Au);
  EXPECT_EQ(code(t8, 464).code, 0x7Eu);
  EXPECT_TRUE(code(t8, 479).is_nan);
  EXPECT_EQ(code(t8, 479, lmul_ref::overflow::saturating).code, 0x7Eu);
  EXPECT_EQ(code(t8, 1.0625 + 0x1p-40).code, 0x39u);
  EXPECT_EQ(code(t5, 61439).code, 0x7Bu);
  EXPECT_EQ(code(t5, 61440).code, 0x7Cu);
  EXPECT_EQ(code(t5, 61440, lmul_ref::overflow::saturating).code, 0x7Bu);
  EXPECT_EQ(code(t5, 0x1p-17).code, 0x00u);
  EXPECT_EQ(code(t5, -0x1p-17).code, 0x80u);
}

TEST(Reference, LmulHandDerived) {
  // fp32: 1 * 1 = 1 + 2^-4 (l(23) = 4); 2 * 3 = (1 + 0 + 0.5 + 2^-4) * 4 = 6.25.
  EXPECT_EQ(lmul_ref::lmul_value(lmul_ref::fp32_desc, 0x3F800000u, 0x3F800000u).magnitude, 1.0625);
  EXPECT_EQ(lmul_ref::lmul_value(lmul_ref::fp32_desc, 0x40000000u, 0x40400000u).magnitude, 6.25);
  // e4m3 layout: 1 * 1 = 1 + 2^-3 (l(3) = 3). 1.5 * 1.5: the fractions 0.5 + 0.5 + 0.125 carry
  // into the exponent as the integer addition does: (1 + 0.125) * 2 = 2.25.
  EXPECT_EQ(lmul_ref::lmul_value(e4m3fn, 0x38, 0x38).magnitude, 1.125);
  EXPECT_EQ(lmul_ref::lmul_value(e4m3fn, 0x3C, 0x3C).magnitude, 2.25);
  // e4m3: smallest subnormal 2^-9 normalises to 1.0 * 2^-9: 2^-9 * 1 = 1.125 * 2^-9 (V(k), unrounded).
  EXPECT_EQ(lmul_ref::lmul_value(e4m3fn, 0x01, 0x38).magnitude, 1.125 * 0x1p-9);
  // Special operands (spec section 3 table).
  EXPECT_EQ(lmul_ref::lmul_value(e5m2, 0x7C, 0x00).kind, lmul_ref::value::nan);
  EXPECT_EQ(lmul_ref::lmul_value(e5m2, 0x7C, 0xBC).kind, lmul_ref::value::infinity);
  EXPECT_TRUE(lmul_ref::lmul_value(e5m2, 0x7C, 0xBC).negative);
  EXPECT_EQ(lmul_ref::lmul_value(e5m2, 0x80, 0x3C).magnitude, 0.0);
  EXPECT_TRUE(lmul_ref::lmul_value(e5m2, 0x80, 0x3C).negative);
}

TEST(Reference, FloatRoundingAgreesWithTheCpu) {
  // The CPU's double -> float conversion is IEEE round to nearest even, subnormals included.
  std::mt19937_64 rng(1);
  std::uniform_int_distribution<int> exponent(-160, 130);
  std::uniform_int_distribution<std::uint64_t> bits;
  for (int i = 0; i < 200000; ++i) {
    // Doubles with few significant bits land on float ties often.
    const int keep = 1 + int(bits(rng) % 52);
    const double sig = double(bits(rng) >> (64 - keep));
    const double x = std::ldexp(sig, exponent(rng) - keep);
    const float want = float(x);
    const float got = lmul_ref::round_to_float(false, x);
    ASSERT_EQ(std::bit_cast<std::uint32_t>(want), std::bit_cast<std::uint32_t>(got)) << x;
  }
  EXPECT_EQ(lmul_ref::round_to_float(false, 0x1p128, lmul_ref::overflow::saturating),
            std::numeric_limits<float>::max());
  EXPECT_TRUE(std::signbit(lmul_ref::round_to_float(true, 0x1p-151)));
}

TEST(Reference, TableRoundingWithResidual) {
  const format_table t(e4m3fn);
  // 1.0625 is the tie between 1 (0x38) and 1.125 (0x39): the residual decides, else even.
  EXPECT_EQ(t.round(false, 1.0625, 0).code, 0x38u);
  EXPECT_EQ(t.round(false, 1.0625, +1).code, 0x39u);
  EXPECT_EQ(t.round(false, 1.0625, -1).code, 0x38u);
  // Just below a table value, truncation gives the value below.
  EXPECT_EQ(t.round(false, 1.125, -1, lmul_ref::overflow::non_saturating,
                    lmul_ref::rounding::toward_zero).code, 0x38u);
  EXPECT_EQ(t.round(false, 1e9, 0, lmul_ref::overflow::non_saturating,
                    lmul_ref::rounding::toward_zero).code, 0x7Eu);
}

}  // namespace
