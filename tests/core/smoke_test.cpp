// Smoke test of the core types; the thorough suites live beside it.
#include <gtest/gtest.h>

#include <lmul/lmul.hpp>

TEST(CoreSmoke, SpecTrickyCasesE4m3fn) {
  // Spec section 2, "Tricky cases every test suite should hold".
  EXPECT_EQ(lmul::float8_e4m3fn(0x1p-10).bits(), 0x00);
  EXPECT_EQ(lmul::float8_e4m3fn(3 * 0x1p-10).bits(), 0x02);
  EXPECT_EQ(lmul::float8_e4m3fn(1.0625).bits(), 0x38);
  EXPECT_EQ(lmul::float8_e4m3fn(1.0625 + 0x1p-40).bits(), 0x39);
}

TEST(CoreSmoke, PaperFloatConstant) {
  // Spec section 3: bits(|x|) + bits(|y|) - 0x3F780000 for normal operands and results.
  const float x = 1.5f, y = 2.0f;
  const auto expected = std::bit_cast<std::uint32_t>(x) + std::bit_cast<std::uint32_t>(y) - 0x3F780000u;
  EXPECT_EQ(std::bit_cast<std::uint32_t>(lmul::lmul_product(x, y)), expected);
}
