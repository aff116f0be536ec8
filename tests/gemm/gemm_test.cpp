// lmul_gemm and lmul_gemm_bt against the naive triple loop of scalar wide products (spec 3, 4).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include <lmul/gemm.hpp>
#include <lmul/gemm/gemm_for_arch.hpp>
#include <lmul/small_float.hpp>

#include "gemm_reference.hpp"

namespace {

using lmul_gemm_test::matches_reference;
using lmul_gemm_test::naive_reference;

struct shape {
  std::size_t m, n, k;
};
// Odd sizes; k > 256 and m > 128 cross the depth and row blocks; n > 2048 crosses the column block.
const shape test_shapes[] = {{1, 1, 1},      {7, 13, 5},    {65, 33, 129},
                             {1, 100, 3},    {100, 1, 300}, {17, 40, 600},
                             {130, 70, 257}, {9, 9, 1},     {2, 2100, 3}};

/// N(0, 1) values rounded to T, with about 1 in 10 set to +0 or -0 (exercises the zero masks).
template <class T>
std::vector<T> random_matrix(std::size_t count, std::uint32_t seed, float scale = 1.0f) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> normal(0.0f, scale);
  std::uniform_int_distribution<int> tenth(0, 9);
  std::vector<T> out(count);
  for (auto& x : out) {
    const float v = normal(gen);
    const int r = tenth(gen);
    x = T(r == 0 ? 0.0f : (r == 1 ? -0.0f : v));
  }
  return out;
}

template <class T>
class GemmTest : public ::testing::Test {};
using element_types = ::testing::Types<float, lmul::float8_e4m3fn, lmul::float8_e5m2,
                                       lmul::lmul<3, 4>, lmul::lmul<2, 5>, lmul::lmul<4, 3>,
                                       lmul::lmul<5, 2>, lmul::lmul<1, 6>, lmul::lmul<7, 8>,
                                       // 16 bits, and 15 bits in 16-bit storage: lmul_gemm runs
                                       // the compiled kernels for the first, the header's scalar
                                       // loop for the second (runtime::compiled_formats)
                                       lmul::lmul<10, 5>, lmul::lmul<10, 4>>;
TYPED_TEST_SUITE(GemmTest, element_types);

// Plain and padded leading dimensions; the padding of C must stay untouched.
template <class T, class Gemm>
void check_gemm(const shape& s, std::size_t pad, bool transposed_b, Gemm gemm, std::uint32_t seed) {
  const std::size_t lda = s.k + pad, ldb = (transposed_b ? s.k : s.n) + 2 * pad,
                    ldc = s.n + 3 * pad;
  const std::size_t b_rows = transposed_b ? s.n : s.k;
  const auto a = random_matrix<T>(s.m * lda, seed);
  const auto b = random_matrix<T>(b_rows * ldb, seed + 1);
  const float sentinel = 12345.0f;
  std::vector<float> c(s.m * ldc, sentinel);
  gemm(s.m, s.n, s.k, a.data(), lda, b.data(), ldb, c.data(), ldc);
  const auto a_at = [&](std::size_t i, std::size_t p) { return a[i * lda + p]; };
  const auto b_at = [&](std::size_t p, std::size_t j) {
    return transposed_b ? b[j * ldb + p] : b[p * ldb + j];
  };
  const auto expected = naive_reference<T>(s.m, s.n, s.k, a_at, b_at);
  for (std::size_t i = 0; i < s.m; ++i) {
    for (std::size_t j = 0; j < ldc; ++j) {
      if (j < s.n) {
        ASSERT_TRUE(matches_reference(c[i * ldc + j], expected[i * s.n + j], s.k))
            << s.m << "x" << s.n << "x" << s.k << " pad " << pad << " at (" << i << ", " << j
            << ")";
      } else {
        ASSERT_EQ(c[i * ldc + j], sentinel) << "padding of C written at (" << i << ", " << j << ")";
      }
    }
  }
}

TYPED_TEST(GemmTest, MatchesNaiveLoopForOddShapes) {
  std::uint32_t seed = 1;
  for (const shape& s : test_shapes) {
    for (std::size_t pad : {std::size_t{0}, std::size_t{3}}) {
      check_gemm<TypeParam>(
          s, pad, false, [](auto... args) { lmul::lmul_gemm(args...); }, seed += 2);
    }
  }
}

TYPED_TEST(GemmTest, TransposedBMatchesNaiveLoop) {
  std::uint32_t seed = 100;
  for (const shape& s : test_shapes) {
    for (std::size_t pad : {std::size_t{0}, std::size_t{5}}) {
      check_gemm<TypeParam>(
          s, pad, true, [](auto... args) { lmul::lmul_gemm_bt(args...); }, seed += 2);
    }
  }
}

TYPED_TEST(GemmTest, OtherInstructionSetsMatchNaiveLoop) {
  const shape s{37, 45, 300};
  int instruction_sets = 0;  // checked here: at least the baseline's (SSE2 or NEON)
#if XSIMD_WITH_AVX512BW
  // The 32-bit word kernel on AVX-512 (CPUs without BF16; the bf16 path has gemm_bf16_test.cpp).
  if (xsimd::available_architectures().avx512bw) {
    check_gemm<TypeParam>(
        s, 1, false, [](auto... args) { lmul::lmul_gemm_arch<xsimd::avx512bw>(args...); }, 5);
    check_gemm<TypeParam>(
        s, 1, true, [](auto... args) { lmul::lmul_gemm_bt_arch<xsimd::avx512bw>(args...); }, 6);
    ++instruction_sets;
  }
#endif
#if XSIMD_WITH_AVX2
  check_gemm<TypeParam>(
      s, 1, false, [](auto... args) { lmul::lmul_gemm_arch<xsimd::avx2>(args...); }, 7);
  check_gemm<TypeParam>(
      s, 1, true, [](auto... args) { lmul::lmul_gemm_bt_arch<xsimd::avx2>(args...); }, 8);
  ++instruction_sets;
#endif
#if XSIMD_WITH_SSE2
  check_gemm<TypeParam>(
      s, 1, false, [](auto... args) { lmul::lmul_gemm_arch<xsimd::sse2>(args...); }, 9);
  ++instruction_sets;
#endif
#if XSIMD_WITH_NEON64
  check_gemm<TypeParam>(
      s, 1, false, [](auto... args) { lmul::lmul_gemm_arch<xsimd::neon64>(args...); }, 10);
  ++instruction_sets;
#endif
  EXPECT_GE(instruction_sets, 1);
}

TYPED_TEST(GemmTest, ThreadsGiveTheSameBitsAsOneThread) {
  const shape s{203, 77, 300};
  const auto a = random_matrix<TypeParam>(s.m * s.k, 3);
  const auto b = random_matrix<TypeParam>(s.k * s.n, 4);
  std::vector<float> one(s.m * s.n), many(s.m * s.n), all(s.m * s.n);
  lmul::lmul_gemm(s.m, s.n, s.k, a.data(), s.k, b.data(), s.n, one.data(), s.n);
  lmul::lmul_gemm(s.m, s.n, s.k, a.data(), s.k, b.data(), s.n, many.data(), s.n, {.threads = 3});
  lmul::lmul_gemm(s.m, s.n, s.k, a.data(), s.k, b.data(), s.n, all.data(), s.n, {.threads = 0});
  // Bands start at whole micro-panels, so every entry is summed in the same order.
  for (std::size_t i = 0; i < one.size(); ++i) {
    ASSERT_EQ(std::bit_cast<std::uint32_t>(one[i]), std::bit_cast<std::uint32_t>(many[i])) << i;
    ASSERT_EQ(std::bit_cast<std::uint32_t>(one[i]), std::bit_cast<std::uint32_t>(all[i])) << i;
  }
}

// Special values (spec 3 table) placed in A and B; each product is then NaN, +-inf or +-0, and
// the sums must propagate them as IEEE addition does (the oracle sums the same terms in double).
TYPED_TEST(GemmTest, SpecialValuesPropagateLikeIeeeAddition) {
  using T = TypeParam;
  using limits = std::numeric_limits<float>;
  const std::size_t m = 21, n = 35, k = 270;
  auto a = random_matrix<T>(m * k, 11);
  auto b = random_matrix<T>(k * n, 12);
  const T nan = T(limits::quiet_NaN());
  // e4m3fn has no infinity: its conversion of inf gives NaN, which is what its kernel must see.
  const T inf = T(limits::infinity());
  a[2 * k + 5] = nan;         // row 2 of C: NaN everywhere
  b[7 * n + 3] = nan;         // column 3 of C: NaN everywhere
  a[4 * k + 9] = inf;         // row 4: +-inf, or NaN where b[9][j] is zero
  b[9 * n + 0] = T(0.0f);     // ... so (4, 0) is inf * 0 = NaN
  a[6 * k + 17] = inf;        // row 6: +inf * b and -inf * b' in the same row...
  a[6 * k + 200] = -inf;      // ... give NaN where both products are infinite with opposite signs
  b[100 * n + 20] = -inf;     // column 20
  a[10 * k + 100] = T(0.0f);  // (10, 20): 0 * -inf = NaN
  std::vector<float> c(m * n);
  lmul::lmul_gemm(m, n, k, a.data(), k, b.data(), n, c.data(), n);
  const auto expected = naive_reference<T>(
      m, n, k, [&](std::size_t i, std::size_t p) { return a[i * k + p]; },
      [&](std::size_t p, std::size_t j) { return b[p * n + j]; });
  std::size_t nans = 0;
  for (std::size_t i = 0; i < m * n; ++i) {
    ASSERT_TRUE(matches_reference(c[i], expected[i], k)) << "at (" << i / n << ", " << i % n << ")";
    nans += std::isnan(c[i]);
  }
  EXPECT_GE(nans, n + m - 1);               // at least row 2 and column 3
  EXPECT_TRUE(std::isnan(c[4 * n + 0]));    // inf * 0
  EXPECT_TRUE(std::isnan(c[10 * n + 20]));  // 0 * -inf
}

// Zero operands: an all-zero A gives +-0 sums; 0 * finite never contributes, whatever its word.
TYPED_TEST(GemmTest, ZeroOperandsGiveZeroProducts) {
  using T = TypeParam;
  const std::size_t m = 9, n = 40, k = 50;
  std::vector<T> a(m * k, T(-0.0f));
  const auto b = random_matrix<T>(k * n, 5);
  std::vector<float> c(m * n, 1.0f);
  lmul::lmul_gemm(m, n, k, a.data(), k, b.data(), n, c.data(), n);
  for (float x : c) ASSERT_EQ(x, 0.0f);
}

// OCP MX element formats (FP6, FP4): lmul_gemm runs the kernels of the 8-bit format with the same
// fraction width on rewritten copies of A and B; checked against the naive loop of their own wide
// products (no NaN/inf: these formats have none).
template <class T>
class GemmNarrowMxTest : public ::testing::Test {};
using narrow_mx_types =
    ::testing::Types<lmul::float6_e2m3fn, lmul::float6_e3m2fn, lmul::float4_e2m1fn>;
TYPED_TEST_SUITE(GemmNarrowMxTest, narrow_mx_types);

TYPED_TEST(GemmNarrowMxTest, MatchesNaiveLoop) {
  std::uint32_t seed = 300;
  for (const shape& s : test_shapes) {
    for (std::size_t pad : {std::size_t{0}, std::size_t{3}}) {
      check_gemm<TypeParam>(
          s, pad, false, [](auto... args) { lmul::lmul_gemm(args...); }, seed += 2);
      check_gemm<TypeParam>(
          s, pad, true, [](auto... args) { lmul::lmul_gemm_bt(args...); }, seed += 2);
    }
  }
}

TYPED_TEST(GemmNarrowMxTest, ThreadsAndZeros) {
  using T = TypeParam;
  const shape s{131, 67, 300};
  auto a = random_matrix<T>(s.m * s.k, 3);
  const auto b = random_matrix<T>(s.k * s.n, 4);
  for (std::size_t p = 0; p < s.k; ++p) a[5 * s.k + p] = T(-0.0f);  // row 5 of C: zeros
  std::vector<float> one(s.m * s.n), many(s.m * s.n, 1.0f);
  lmul::lmul_gemm(s.m, s.n, s.k, a.data(), s.k, b.data(), s.n, one.data(), s.n);
  lmul::lmul_gemm(s.m, s.n, s.k, a.data(), s.k, b.data(), s.n, many.data(), s.n, {.threads = 3});
  for (std::size_t i = 0; i < one.size(); ++i) {
    ASSERT_EQ(std::bit_cast<std::uint32_t>(one[i]), std::bit_cast<std::uint32_t>(many[i])) << i;
  }
  for (std::size_t j = 0; j < s.n; ++j) ASSERT_EQ(one[5 * s.n + j], 0.0f) << j;
}

// k = 0: C = 0 (the empty sum), padding untouched. m = 0 or n = 0: nothing written; a matrix
// without elements may be null.
TEST(GemmEmpty, ZeroSizes) {
  std::vector<float> c(3 * 5, 7.0f);
  const float* none = nullptr;
  lmul::lmul_gemm<float>(3, 4, 0, none, 0, none, 4, c.data(), 5);
  for (std::size_t i = 0; i < c.size(); ++i) EXPECT_EQ(c[i], i % 5 == 4 ? 7.0f : 0.0f) << i;
  const std::vector<float> b(6 * 4, 1.0f), a(4 * 6, 1.0f);
  EXPECT_NO_THROW(lmul::lmul_gemm<float>(0, 4, 6, none, 6, b.data(), 4, nullptr, 4));
  EXPECT_NO_THROW(lmul::lmul_gemm<float>(4, 0, 6, a.data(), 6, none, 0, nullptr, 0));
  EXPECT_NO_THROW(lmul::lmul_gemm_bt<float>(0, 0, 0, none, 0, none, 0, nullptr, 0));
  // The same with a real C: nothing written.
  std::vector<float> untouched(4 * 4, 7.0f);
  lmul::lmul_gemm<float>(0, 4, 6, a.data(), 6, b.data(), 4, untouched.data(), 4);
  lmul::lmul_gemm<float>(4, 0, 6, a.data(), 6, b.data(), 4, untouched.data(), 4);
  lmul::lmul_gemm_bt<float>(4, 0, 6, a.data(), 6, b.data(), 6, untouched.data(), 4);
  for (float x : untouched) EXPECT_EQ(x, 7.0f);
}

// Products derived by hand from spec 3.2-3.3 (not from the code).
TEST(GemmHandValues, SingleProducts) {
  float c = 0.0f;
  // fp32: bits(1.5) = 0x3FC00000; 2 * 0x3FC00000 - 0x3F780000 = 0x40080000 = 2.125.
  const float x = 1.5f;
  lmul::lmul_gemm(1, 1, 1, &x, 1, &x, 1, &c, 1);
  EXPECT_EQ(c, 2.125f);
  // e4m3fn: K(1.5) = 7*8 + 4 = 60; k = 120 - 7*8 + 2^(3-3) = 65 -> (1 + 1/8) * 2^(8-7) = 2.25.
  const auto y = lmul::float8_e4m3fn(1.5f);
  lmul::lmul_gemm(1, 1, 1, &y, 1, &y, 1, &c, 1);
  EXPECT_EQ(c, 2.25f);
  // e4m3fn 448 = code 0x7E, K = 126: k = 252 - 56 + 1 = 197 -> (1 + 5/8) * 2^(24-7) = 212992,
  // the wide product is exact in fp32 although it is far above e4m3fn's max.
  const auto big = lmul::float8_e4m3fn(-448.0f);
  const auto pos = lmul::float8_e4m3fn(448.0f);
  lmul::lmul_gemm(1, 1, 1, &big, 1, &pos, 1, &c, 1);
  EXPECT_EQ(c, -212992.0f);
  // 2 x 2 sum: [1.5 0] . [1.5 inf]^T = 2.125 + 0 * inf = NaN.
  const float a2[2] = {1.5f, 0.0f};
  const float b2[2] = {1.5f, std::numeric_limits<float>::infinity()};
  lmul::lmul_gemm(1, 1, 2, a2, 2, b2, 1, &c, 1);
  EXPECT_TRUE(std::isnan(c));
}

// fp32 operands across a wide exponent range: products underflow into the subnormals (or to
// zero) and subnormal operands appear, so tiles go through the exact fallback; all must agree.
TEST(GemmFloatRange, SubnormalAndUnderflowingProducts) {
  const std::size_t m = 19, n = 45, k = 280;
  std::mt19937 gen(21);
  std::uniform_int_distribution<int> exponent(-140, 50);
  std::uniform_real_distribution<float> significand(1.0f, 2.0f);
  std::bernoulli_distribution negative(0.5);
  const auto draw = [&] {
    const float v = std::ldexp(significand(gen), exponent(gen));
    return negative(gen) ? -v : v;
  };
  std::vector<float> a(m * k), b(k * n), c(m * n);
  for (auto& x : a) x = draw();
  for (auto& x : b) x = draw();
  lmul::lmul_gemm(m, n, k, a.data(), k, b.data(), n, c.data(), n);
  const auto expected = naive_reference<float>(
      m, n, k, [&](std::size_t i, std::size_t p) { return a[i * k + p]; },
      [&](std::size_t p, std::size_t j) { return b[p * n + j]; });
  for (std::size_t i = 0; i < m * n; ++i) ASSERT_TRUE(matches_reference(c[i], expected[i], k)) << i;
}

}  // namespace
