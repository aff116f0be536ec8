// Bad arguments: std::invalid_argument and C untouched (spec 4 "Bad input").
#include <cstddef>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

#include <lmul/gemm.hpp>
#include <lmul/small_float.hpp>

namespace {

using e4m3 = lmul::float8_e4m3fn;

class GemmArguments : public ::testing::Test {
 protected:
  static constexpr std::size_t m = 4, n = 5, k = 6;
  std::vector<e4m3> a = std::vector<e4m3>(m * k, e4m3(1.0f));
  std::vector<e4m3> b = std::vector<e4m3>(k * n, e4m3(1.0f));
  std::vector<float> c = std::vector<float>(m * n, -3.0f);

  void expect_c_untouched() {
    for (float x : c) ASSERT_EQ(x, -3.0f);
  }
};

TEST_F(GemmArguments, LeadingDimensionsTooSmall) {
  EXPECT_THROW(lmul::lmul_gemm(m, n, k, a.data(), k - 1, b.data(), n, c.data(), n),
               std::invalid_argument);
  EXPECT_THROW(lmul::lmul_gemm(m, n, k, a.data(), k, b.data(), n - 1, c.data(), n),
               std::invalid_argument);
  EXPECT_THROW(lmul::lmul_gemm(m, n, k, a.data(), k, b.data(), n, c.data(), n - 1),
               std::invalid_argument);
  // Transposed B is n x k: its leading dimension must be at least k.
  EXPECT_THROW(lmul::lmul_gemm_bt(m, n, k, a.data(), k, b.data(), k - 1, c.data(), n),
               std::invalid_argument);
  EXPECT_THROW(lmul::lmul_gemm_bt(m, n, k, a.data(), k - 1, b.data(), k, c.data(), n),
               std::invalid_argument);
  EXPECT_THROW(lmul::lmul_gemm_bt(m, n, k, a.data(), k, b.data(), k, c.data(), n - 1),
               std::invalid_argument);
  expect_c_untouched();
}

TEST_F(GemmArguments, NullPointersWithElements) {
  const e4m3* none = nullptr;
  EXPECT_THROW(lmul::lmul_gemm(m, n, k, none, k, b.data(), n, c.data(), n), std::invalid_argument);
  EXPECT_THROW(lmul::lmul_gemm(m, n, k, a.data(), k, none, n, c.data(), n), std::invalid_argument);
  EXPECT_THROW(lmul::lmul_gemm(m, n, k, a.data(), k, b.data(), n, nullptr, n),
               std::invalid_argument);
  EXPECT_THROW(lmul::lmul_gemm_bt(m, n, k, none, k, b.data(), k, c.data(), n),
               std::invalid_argument);
  expect_c_untouched();
}

TEST_F(GemmArguments, OutputOverlappingAnInput) {
  std::vector<float> x(64, 1.0f);
  const std::vector<float> before = x;
  // C (2 x 2 at x + 3) overlaps A (2 x 3 at x).
  EXPECT_THROW(lmul::lmul_gemm<float>(2, 2, 3, x.data(), 3, x.data() + 20, 2, x.data() + 3, 2),
               std::invalid_argument);
  // C overlaps B exactly (in place is not allowed for a matrix product).
  EXPECT_THROW(lmul::lmul_gemm<float>(2, 2, 2, x.data() + 30, 2, x.data(), 2, x.data(), 2),
               std::invalid_argument);
  EXPECT_EQ(x, before);
}

TEST_F(GemmArguments, MessagesNameTheFunctionAndTheArgument) {
  try {
    lmul::lmul_gemm_bt(m, n, k, a.data(), k, b.data(), 2, c.data(), n);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("lmul_gemm_bt"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("ldbt"), std::string::npos) << e.what();
  }
}

}  // namespace
