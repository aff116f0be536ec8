// tests/kernels/arch_tests.hpp -- the kernel tests for one instruction set.
//
// Each arch_<name>.cpp defines LMUL_TEST_ARCH and includes this file; CMake compiles each of them
// into its own executable with that arch's flags (no -march=native), so every instruction set the
// CPU supports is tested, not only the best one. A test skips when the running CPU lacks the arch.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <utility>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <lmul/kernels/span_kernels.hpp>

#include "reference.hpp"

#ifndef LMUL_TEST_ARCH
#error "define LMUL_TEST_ARCH before including arch_tests.hpp"
#endif
#ifndef LMUL_TEST_ARCH_IS_SCALAR
#define LMUL_TEST_ARCH_IS_SCALAR 0
#endif

namespace {

using arch = LMUL_TEST_ARCH;
using namespace lmul_test;

#define LMUL_REQUIRE_ARCH()                                                                     \
  if (!lmul::kernels::arch_available<arch>()) GTEST_SKIP() << "this CPU lacks the instruction set"

template <class T>
void multiply(const std::vector<T>& a, const std::vector<T>& b, std::vector<T>& out) {
  lmul::kernels::multiply<arch>(a.data(), b.data(), out.data(), a.size());
}

template <class T>
std::string describe(const T* a, const T* b, const T* out, long i) {
  if (i < 0) return "all match";
  return "element " + std::to_string(i) + ": codes " + std::to_string(lmul::to_code(a[i])) + " * " +
         std::to_string(lmul::to_code(b[i])) + " gave " + std::to_string(lmul::to_code(out[i])) +
         ", the reference gives " + expected_product(a[i], b[i]);
}

// ---- element types --------------------------------------------------------------------------

template <class T>
class ByteKernels : public ::testing::Test {};
using byte_types = ::testing::Types<lmul::float8_e4m3fn, lmul::float8_e5m2, lmul::lmul<1, 6>,
                                    lmul::lmul<2, 5>, lmul::lmul<3, 4>, lmul::lmul<4, 3>,
                                    lmul::lmul<5, 2>>;
TYPED_TEST_SUITE(ByteKernels, byte_types);

template <class T>
class WideKernels : public ::testing::Test {};
using wide_types = ::testing::Types<float, lmul::lmul<7, 8>, lmul::lmul<8, 7>, lmul::lmul<9, 6>,
                                    lmul::lmul<10, 5>, lmul::lmul<11, 4>, lmul::lmul<12, 3>,
                                    lmul::lmul<13, 2>,
                                    // formats narrower than their storage (6, 15 and 24 bits)
                                    lmul::lmul<2, 3>, lmul::lmul<10, 4>, lmul::lmul<15, 8>,
                                    // OCP MX FP6 / FP4: 6 and 4 bits, no inf and no NaN
                                    lmul::float6_e2m3fn, lmul::float6_e3m2fn, lmul::float4_e2m1fn>;
TYPED_TEST_SUITE(WideKernels, wide_types);

template <class T>
class AllKernels : public ::testing::Test {};
using all_types = ::testing::Types<float, lmul::float8_e4m3fn, lmul::float8_e5m2, lmul::lmul<1, 6>,
                                   lmul::lmul<2, 5>, lmul::lmul<3, 4>, lmul::lmul<4, 3>,
                                   lmul::lmul<5, 2>, lmul::lmul<7, 8>, lmul::lmul<10, 5>,
                                   lmul::lmul<13, 2>,
                                   // formats narrower than their storage (6, 15 and 24 bits)
                                   lmul::lmul<2, 3>, lmul::lmul<10, 4>, lmul::lmul<15, 8>,
                                   // OCP MX FP6 / FP4: 6 and 4 bits, no inf and no NaN
                                   lmul::float6_e2m3fn, lmul::float6_e3m2fn, lmul::float4_e2m1fn>;
TYPED_TEST_SUITE(AllKernels, all_types);

// ---- lmul_multiply --------------------------------------------------------------------------

TYPED_TEST(ByteKernels, MultiplyAllPairsBitIdentical) {
  LMUL_REQUIRE_ARCH();
  using T = TypeParam;
  std::vector<T> a(65536), b(65536), out(65536);
  for (std::size_t i = 0; i < 65536; ++i) {
    a[i] = from_code<T>(i >> 8);
    b[i] = from_code<T>(i & 0xFF);
  }
  multiply(a, b, out);
  const long bad = first_mismatch(a.data(), b.data(), out.data(), a.size());
  EXPECT_EQ(bad, -1) << describe(a.data(), b.data(), out.data(), bad);
}

TYPED_TEST(WideKernels, MultiplyRandomPairsBitIdentical) {
  LMUL_REQUIRE_ARCH();
  using T = TypeParam;
  // 10^7 pairs (10^6 for the scalar arch, the definition itself, checked exhaustively for 8 and
  // 16 bits by tests/core).
  const std::size_t total = LMUL_TEST_ARCH_IS_SCALAR ? 1'000'000 : 10'000'000;
  constexpr std::size_t chunk = 1 << 16;
  code_source<T> source(0x5eed + sizeof(T));
  std::vector<T> a(chunk), b(chunk), out(chunk);
  for (std::size_t done = 0; done < total; done += chunk) {
    for (std::size_t i = 0; i < chunk; ++i) {
      a[i] = source();
      b[i] = source();
    }
    multiply(a, b, out);
    const long bad = first_mismatch(a.data(), b.data(), out.data(), chunk);
    ASSERT_EQ(bad, -1) << describe(a.data(), b.data(), out.data(), bad);
  }
}

TYPED_TEST(WideKernels, MultiplyAllBoundaryPairsBitIdentical) {
  LMUL_REQUIRE_ARCH();
  using T = TypeParam;
  const std::vector<T> values = boundary_values<T>();
  std::vector<T> a, b;
  for (T x : values) {
    for (T y : values) {
      a.push_back(x);
      b.push_back(y);
    }
  }
  std::vector<T> out(a.size());
  multiply(a, b, out);
  const long bad = first_mismatch(a.data(), b.data(), out.data(), a.size());
  EXPECT_EQ(bad, -1) << describe(a.data(), b.data(), out.data(), bad);
}

TYPED_TEST(WideKernels, MultiplyOnePairAtEveryExponent) {
  LMUL_REQUIRE_ARCH();
  using T = TypeParam;
  // n: two blocks of the widest block test (16 registers of 32) and a tail.
  const auto multiply_of = [](const T* a, const T* b, T* out, std::size_t n) {
    lmul::kernels::multiply<arch>(a, b, out, n);
  };
  EXPECT_EQ(multiply_of_one_pair_at_every_exponent<T>(multiply_of, 2 * 16 * 32 + 37), "");
}

TYPED_TEST(AllKernels, MultiplyEveryLengthOffsetAndInPlace) {
  LMUL_REQUIRE_ARCH();
  using T = TypeParam;
  code_source<T> source(42);
  for (std::size_t n = 0; n <= 130; ++n) {
    for (std::size_t offset = 0; offset < 4; ++offset) {  // unaligned starts
      std::vector<T> a(n + offset), b(n + offset), out(n + offset + 1);
      for (auto& x : a) x = source();
      for (auto& x : b) x = source();
      const T guard = from_code<T>(0x5A);
      out[offset + n] = guard;
      lmul::kernels::multiply<arch>(a.data() + offset, b.data() + offset, out.data() + offset, n);
      for (std::size_t i = 0; i < n; ++i) {
        ASSERT_TRUE(is_product(a[offset + i], b[offset + i], out[offset + i])) << "n=" << n << " i=" << i;
      }
      const std::vector<T> expected(out.begin() + long(offset), out.begin() + long(offset + n));
      ASSERT_EQ(lmul::to_code(out[offset + n]), lmul::to_code(guard)) << "wrote past the end, n=" << n;
      // In place: out = a, then out = b.
      std::vector<T> in_a(a), in_b(b);
      lmul::kernels::multiply<arch>(in_a.data() + offset, b.data() + offset, in_a.data() + offset, n);
      lmul::kernels::multiply<arch>(a.data() + offset, in_b.data() + offset, in_b.data() + offset, n);
      for (std::size_t i = 0; i < n; ++i) {
        ASSERT_EQ(lmul::to_code(in_a[offset + i]), lmul::to_code(expected[i])) << "in place a, n=" << n;
        ASSERT_EQ(lmul::to_code(in_b[offset + i]), lmul::to_code(expected[i])) << "in place b, n=" << n;
      }
    }
  }
}

// ---- lmul_dot -------------------------------------------------------------------------------

template <class T>
float dot(const std::vector<T>& a, const std::vector<T>& b) {
  return lmul::kernels::dot<arch>(a.data(), b.data(), a.size());
}

TYPED_TEST(AllKernels, DotWithinSpecBound) {
  LMUL_REQUIRE_ARCH();
  using T = TypeParam;
  std::vector<std::size_t> lengths(131);
  std::iota(lengths.begin(), lengths.end(), 0);
  for (std::size_t n : {1000, 4096, 65536, 100003}) lengths.push_back(n);
  for (std::size_t n : lengths) {
    const auto a = finite_values<T>(n, 7 * n + 1), b = finite_values<T>(n, 11 * n + 3);
    long double sum, sum_abs;
    reference_sum(a, b, sum, sum_abs);
    const float got = dot(a, b);
    ASSERT_LE(std::fabs(got - sum), dot_tolerance(n, sum_abs))
        << "n=" << n << " dot=" << got << " exact=" << double(sum);
  }
}

TYPED_TEST(AllKernels, DotUnalignedStarts) {
  LMUL_REQUIRE_ARCH();
  using T = TypeParam;
  const auto a = finite_values<T>(300, 5), b = finite_values<T>(300, 6);
  for (std::size_t offset = 1; offset < 4; ++offset) {
    const std::vector<T> sa(a.begin() + offset, a.end()), sb(b.begin() + offset, b.end());
    long double sum, sum_abs;
    reference_sum(sa, sb, sum, sum_abs);
    const float got = lmul::kernels::dot<arch>(a.data() + offset, b.data() + offset, sa.size());
    ASSERT_LE(std::fabs(got - sum), dot_tolerance(sa.size(), sum_abs)) << "offset " << offset;
  }
}

TYPED_TEST(WideKernels, DotOfEqualPairsIsTheirExactMultiple) {
  LMUL_REQUIRE_ARCH();
  using T = TypeParam;
  using F = format_t<T>;
  if constexpr (F::mantissa_bits > 17) {
    GTEST_SKIP() << "wide products of more than 18 significant bits: sums of 64 are not exact";
  } else {
    // 64 copies of one pair: every partial sum j * p (j <= 64, p with at most 18 significant bits)
    // is exact, so the dot must be 64 * p bit for bit; the pair fills whole registers, so this
    // reaches the vector paths' tests for whole registers, not only the lanes beside zeros
    // (subnormal operands beside large ones, k at both ends of the normal range, ...).
    constexpr std::size_t n = 64;
    const std::vector<T> values = boundary_values<T>();
    std::vector<std::pair<T, T>> pairs;
    for (T x : values) {
      for (T y : values) pairs.emplace_back(x, y);
    }
    code_source<T> source(0xd07 + sizeof(T));
    for (int i = 0; i < 50000; ++i) {
      const T x = source();
      pairs.emplace_back(x, source());
    }
    for (const auto& [x, y] : pairs) {
      const float p = wide_product(x, y);
      if (!std::isnan(p) && !std::isinf(p) && std::fabs(double(p)) * n >= 0x1p127) {
        continue;  // partial sums near the top of fp32's range: rounding allowed
      }
      const std::vector<T> a(n, x), b(n, y);
      const float got = dot(a, b);
      if (std::isnan(p)) {
        ASSERT_TRUE(std::isnan(got)) << "codes " << +lmul::to_code(x) << " * " << +lmul::to_code(y);
      } else {
        ASSERT_EQ(got, float(double(p) * n)) << "codes " << +lmul::to_code(x) << " * " << +lmul::to_code(y);
      }
    }
  }
}

TYPED_TEST(WideKernels, DotOfOneIrregularPairAmongRegularOnes) {
  LMUL_REQUIRE_ARCH();
  using T = TypeParam;
  using F = format_t<T>;
  // Long vectors of regular pairs (every operand normal, every product a normal code: the
  // 16-bit dot checks such data a block of registers at a time) with one boundary pair among
  // them, at a position that moves through blocks and lanes. The regular pairs' products are
  // +-2^e0 exactly (x0 = 2^a, y0 = 2^b (1 + f) with f + the offset = 1: spec 3), alternating in
  // sign so that they cancel; e0 lies 30 binades below the boundary product where the format
  // allows, so the bound (gamma_n * sum |p_i|) is dominated by that product and a wrong product
  // (a boundary operand taken as regular) fails it.
  constexpr int M = F::mantissa_bits;
  constexpr std::size_t n = 2048 + 37;
  const int min_e = F::min_exponent, max_e = F::max_exponent;
  const std::vector<T> values = boundary_values<T>();
  std::size_t case_index = 0;
  for (T x : values) {
    for (T y : values) {
      const float p = wide_product(x, y);
      int e_p = 0;  // for NaN, inf and zero products any background does
      if (p != 0.0f && std::isfinite(p)) std::frexp(p, &e_p);
      // Background product exponent e0 = a + b + 1, a and b normal, e0 a normal product exponent.
      const int e0 = std::clamp(e_p - 30, min_e, max_e - 2);
      for (const int side : {0, 1, 2}) {
        // 0, 1: one side of the background as small as the format allows, the other as large as
        // e0 then needs: a block test that misses a zero, subnormal, inf or NaN operand can be
        // hidden by its k test only where the partner side is small (or large). 2: both sides
        // near the square root of 2^e0, inside a narrow exponent window around 1 where e0 is
        // moderate (the bf16 dot's cheapest block test).
        const int a = side == 0   ? min_e
                      : side == 1 ? std::min(max_e, e0 - 1 - min_e)
                                  : (e0 - 1) / 2;
        const int b = e0 - 1 - a;
        if (b < min_e || b > max_e) continue;
        const double one_minus_offset =
            1.0 - std::ldexp(1.0, -::lmul::paper_offset_exponent(M));  // f: 1 + f + offset = 2
        const T x0 = T(float(std::ldexp(1.0, a)));
        const T y0 = T(float(std::ldexp(1.0 + one_minus_offset, b)));
        const T y0_negative = T(-float(std::ldexp(1.0 + one_minus_offset, b)));
        ASSERT_EQ(double(wide_product(x0, y0)), std::ldexp(1.0, e0)) << "background " << e0;
        std::vector<T> va(n, x0), vb(n);
        for (std::size_t i = 0; i < n; ++i) vb[i] = i % 2 ? y0_negative : y0;
        const std::size_t at = (case_index * 97 + 5) % n;
        ++case_index;
        va[at] = x, vb[at] = y;
        long double sum, sum_abs;
        reference_sum(va, vb, sum, sum_abs);
        const float got = dot(va, vb);
        if (std::isnan(p)) {
          ASSERT_TRUE(std::isnan(got))
              << "codes " << +lmul::to_code(x) << " * " << +lmul::to_code(y);
        } else if (std::isinf(p)) {
          ASSERT_EQ(got, p) << "codes " << +lmul::to_code(x) << " * " << +lmul::to_code(y);
        } else {
          ASSERT_LE(std::fabs(got - sum), dot_tolerance(n, sum_abs))
              << "codes " << +lmul::to_code(x) << " * " << +lmul::to_code(y) << " at " << at
              << ": dot " << got << ", exact " << double(sum);
        }
      }
    }
  }
}

TYPED_TEST(WideKernels, DotOfOnePairAtEveryExponent) {
  LMUL_REQUIRE_ARCH();
  using T = TypeParam;
  // n: two blocks of the widest block test (16 registers of 32) and a tail.
  const auto dot_of = [](const std::vector<T>& a, const std::vector<T>& b) { return dot(a, b); };
  EXPECT_EQ(dot_of_one_pair_at_every_exponent<T>(dot_of, 2 * 16 * 32 + 37), "");
}

TYPED_TEST(ByteKernels, DotOfOnePairIsItsWideProduct) {
  LMUL_REQUIRE_ARCH();
  using T = TypeParam;
  using F = format_t<T>;
  // Every code pair as the one nonzero product of a 130-element dot (the partners of the zero
  // codes are finite): the sum is exact, so it must equal the scalar wide product. The pair moves
  // through every lane of both registers and the tail.
  constexpr std::size_t n = 130;
  const auto filler = finite_values<T>(n, 99);
  std::vector<T> a(n), b(filler);
  for (std::size_t i = 0; i < n; ++i) a[i] = from_code<T>(i % 2 ? F::sign_mask : 0);
  for (unsigned x = 0; x < 256; ++x) {
    for (unsigned y = 0; y < 256; ++y) {
      const std::size_t lane = (x * 7 + y) % n;
      const T saved_a = a[lane], saved_b = b[lane];
      a[lane] = from_code<T>(x);
      b[lane] = from_code<T>(y);
      const float expected = wide_product(from_code<T>(x), from_code<T>(y));
      const float got = dot(a, b);
      if (std::isnan(expected)) {
        ASSERT_TRUE(std::isnan(got)) << "codes " << x << " * " << y;
      } else {
        ASSERT_EQ(got, expected) << "codes " << x << " * " << y << " at lane " << lane;
      }
      a[lane] = saved_a;
      b[lane] = saved_b;
    }
  }
}

// Every type with NaN codes (OCP MX FP6 / FP4 have none: their dots are in AllKernels' tests).
template <class T>
class NanKernels : public ::testing::Test {};
using nan_types = ::testing::Types<float, lmul::float8_e4m3fn, lmul::float8_e5m2, lmul::lmul<1, 6>,
                                   lmul::lmul<2, 5>, lmul::lmul<3, 4>, lmul::lmul<4, 3>,
                                   lmul::lmul<5, 2>, lmul::lmul<7, 8>, lmul::lmul<10, 5>,
                                   lmul::lmul<13, 2>, lmul::lmul<2, 3>, lmul::lmul<10, 4>,
                                   lmul::lmul<15, 8>>;
TYPED_TEST_SUITE(NanKernels, nan_types);

TYPED_TEST(NanKernels, DotPropagatesNanAndInf) {
  LMUL_REQUIRE_ARCH();
  using T = TypeParam;
  using F = format_t<T>;
  const T one = T(1.0f), zero = from_code<T>(0);
  const T nan = from_code<T>(F::nan_code);
  for (std::size_t n : {1, 17, 64, 100, 200}) {
    for (std::size_t at : {std::size_t(0), n / 2, n - 1}) {
      std::vector<T> a(n, one), b(n, one);
      a[at] = nan;
      EXPECT_TRUE(std::isnan(dot(a, b))) << "NaN operand, n=" << n << " at " << at;
      if constexpr (F::has_infinity) {
        const T inf = from_code<T>(F::infinity_code);
        const T minus_inf = from_code<T>(F::infinity_code | F::sign_mask);
        a[at] = inf;
        EXPECT_EQ(dot(a, b), std::numeric_limits<float>::infinity()) << "n=" << n;
        a[at] = minus_inf;
        EXPECT_EQ(dot(a, b), -std::numeric_limits<float>::infinity()) << "n=" << n;
        b[at] = zero;
        EXPECT_TRUE(std::isnan(dot(a, b))) << "inf * 0, n=" << n;
        if (n > 1) {
          b[at] = one;
          a[(at + 1) % n] = inf;
          EXPECT_TRUE(std::isnan(dot(a, b))) << "inf - inf, n=" << n;
        }
      }
    }
  }
}

// ---- lmul_dot_exact (8-bit) -----------------------------------------------------------------

TYPED_TEST(ByteKernels, ExactDotIsCorrectlyRoundedAndOrderFree) {
  LMUL_REQUIRE_ARCH();
  using T = TypeParam;
  std::mt19937_64 rng(99);
  for (std::size_t n : {0, 1, 2, 63, 64, 65, 1000, 4096, 50000}) {
    auto a = finite_values<T>(n, n + 17), b = finite_values<T>(n, n + 18);
    const float exact = lmul::kernels::dot_exact<arch>(a.data(), b.data(), n);
    float reference;
    if (exact_reference(a, b, reference)) {
      EXPECT_EQ(std::bit_cast<std::uint32_t>(exact), std::bit_cast<std::uint32_t>(reference))
          << "n=" << n << " exact=" << exact << " reference=" << reference;
    }
    long double sum, sum_abs;
    reference_sum(a, b, sum, sum_abs);
    EXPECT_LE(std::fabs(exact - sum), dot_tolerance(n, sum_abs));
    // The same bits for every order of the pairs.
    for (int round = 0; round < 3; ++round) {
      const auto [pa, pb] = shuffled_pairs(a, b, rng);
      EXPECT_EQ(std::bit_cast<std::uint32_t>(lmul::kernels::dot_exact<arch>(pa.data(), pb.data(), n)),
                std::bit_cast<std::uint32_t>(exact));
    }
  }
}

TYPED_TEST(ByteKernels, ExactDotMatchesReferenceOnCancellingData) {
  LMUL_REQUIRE_ARCH();
  using T = TypeParam;
  // Big terms that cancel exactly plus a few tiny ones: fp32 accumulation loses the tiny ones.
  auto a = finite_values<T>(2000, 1), b = finite_values<T>(2000, 2);
  std::vector<T> a2(a), b2(b);
  for (std::size_t i = 0; i < a.size(); ++i) a2[i] = -a[i];  // the negated pairs cancel
  a.insert(a.end(), a2.begin(), a2.end());
  b.insert(b.end(), b2.begin(), b2.end());
  a.push_back(from_code<T>(1));  // smallest subnormal squared: the only surviving term
  b.push_back(from_code<T>(1));
  const float exact = lmul::kernels::dot_exact<arch>(a.data(), b.data(), a.size());
  EXPECT_EQ(exact, wide_product(from_code<T>(1), from_code<T>(1)));
  float reference;
  if (exact_reference(a, b, reference)) {
    EXPECT_EQ(exact, reference);
  }
}

TYPED_TEST(ByteKernels, ExactDotNanAndInf) {
  LMUL_REQUIRE_ARCH();
  using T = TypeParam;
  using F = format_t<T>;
  std::vector<T> a(100, T(1.0f)), b(100, T(2.0f));
  a[50] = from_code<T>(F::nan_code);
  EXPECT_TRUE(std::isnan(lmul::kernels::dot_exact<arch>(a.data(), b.data(), a.size())));
  if constexpr (F::has_infinity) {
    a[50] = from_code<T>(F::infinity_code | F::sign_mask);
    EXPECT_EQ(lmul::kernels::dot_exact<arch>(a.data(), b.data(), a.size()),
              -std::numeric_limits<float>::infinity());
    a[51] = from_code<T>(F::infinity_code);
    EXPECT_TRUE(std::isnan(lmul::kernels::dot_exact<arch>(a.data(), b.data(), a.size())));
  }
}

/// A float's bits with every NaN as one value (the exact dot specifies NaN, not its payload).
inline std::uint32_t result_bits(float x) {
  return std::isnan(x) ? 0x7FC00000u : std::bit_cast<std::uint32_t>(x);
}

template <class T>
float exact_dot(const std::vector<T>& a, const std::vector<T>& b) {
  return lmul::kernels::dot_exact<arch>(a.data(), b.data(), a.size());
}

/// dot_exact equals the independent 512-bit reference, bit for bit.
template <class T>
::testing::AssertionResult matches_exact_reference(const std::vector<T>& a, const std::vector<T>& b) {
  float expected;
  if (!exact_reference(a, b, expected)) return ::testing::AssertionFailure() << "non-finite data";
  const float got = exact_dot(a, b);
  if (result_bits(got) == result_bits(expected)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "n=" << a.size() << ": got " << got << " ("
                                       << std::hexfloat << got << "), reference " << expected
                                       << std::defaultfloat;
}

/// Uniform codes over every finite value of T (all exponents), random signs.
template <class T>
std::vector<T> any_finite_values(std::size_t n, std::mt19937_64& rng) {
  using F = format_t<T>;
  std::vector<T> out(n);
  for (auto& x : out) {
    const std::uint64_t magnitude = rng() % (F::max_finite_code + 1);
    x = from_code<T>(magnitude | ((rng() & 1) ? F::sign_mask : 0));
  }
  return out;
}

TYPED_TEST(ByteKernels, ExactDotOfEveryPair) {
  LMUL_REQUIRE_ARCH();
  using T = TypeParam;
  const T one = T(1.0f);
  for (std::uint64_t x = 0; x < 256; ++x) {
    for (std::uint64_t y = 0; y < 256; ++y) {
      const T tx = from_code<T>(x), ty = from_code<T>(y);
      const float wide = wide_product(tx, ty);
      // Length 1: the wide product itself (NaN for NaN operands and inf * 0, inf for inf); an
      // exact sum of zero is +0 (as lmul_dot gives: README).
      ASSERT_EQ(result_bits(lmul::kernels::dot_exact<arch>(&tx, &ty, 1)),
                result_bits(wide == 0 ? 0.f : wide))
          << "codes " << x << " * " << y;
      // Length 2 with the mirrored pair of opposite sign: L-Mul is symmetric, so the exact sum is
      // +0 (or NaN: inf - inf).
      const std::vector<T> a = {tx, lmul::from_code<T>(code_t<T>(y ^ format_t<T>::sign_mask))};
      const std::vector<T> b = {ty, tx};
      ASSERT_EQ(result_bits(exact_dot(a, b)), result_bits(std::isfinite(wide) ? 0.f : NAN))
          << "codes " << x << " * " << y << " minus " << y << " * " << x;
      // Length 2 with 1 * 1: against the reference.
      if (std::isfinite(wide)) {
        ASSERT_TRUE(matches_exact_reference<T>({tx, one}, {ty, one})) << "codes " << x << " * " << y;
      }
    }
  }
}

TYPED_TEST(ByteKernels, ExactDotOfAllFinitePairsInOneVector) {
  LMUL_REQUIRE_ARCH();
  using T = TypeParam;
  std::vector<T> a, b;
  for (std::uint64_t x = 0; x < 256; ++x) {
    for (std::uint64_t y = 0; y < 256; ++y) {
      if (std::isfinite(wide_product(from_code<T>(x), from_code<T>(y)))) {
        a.push_back(from_code<T>(x));
        b.push_back(from_code<T>(y));
      }
    }
  }
  EXPECT_TRUE(matches_exact_reference(a, b));
  std::mt19937_64 rng(5);
  const auto [pa, pb] = shuffled_pairs(a, b, rng);
  EXPECT_EQ(result_bits(exact_dot(pa, pb)), result_bits(exact_dot(a, b)));
}

TYPED_TEST(ByteKernels, ExactDotRandomLongVectorsWithCancellation) {
  LMUL_REQUIRE_ARCH();
  using T = TypeParam;
  std::mt19937_64 rng(77);
  for (int round = 0; round < 24; ++round) {
    const std::size_t n = 1 + rng() % 20000;
    std::vector<T> a = any_finite_values<T>(n, rng), b = any_finite_values<T>(n, rng);
    // Cancel a random part exactly (the negated pairs), so the small terms decide the result.
    const std::size_t cancelled = rng() % (n + 1);
    for (std::size_t i = 0; i < cancelled; ++i) {
      a.push_back(negated(a[i]));
      b.push_back(b[i]);
    }
    const auto [pa, pb] = shuffled_pairs(a, b, rng);
    EXPECT_TRUE(matches_exact_reference(pa, pb)) << "round " << round;
  }
}

TYPED_TEST(ByteKernels, ExactDotLargestProductsAroundFlushLengths) {
  LMUL_REQUIRE_ARCH();
  using T = TypeParam;
  using F = format_t<T>;
  const T largest = from_code<T>(F::max_finite_code), smallest = from_code<T>(1);
  // Lengths around every multiple of 64 elements a kernel may flush its lanes at (8 .. 512
  // blocks), and around 2^20 elements.
  std::vector<std::size_t> lengths;
  for (std::size_t blocks : {8, 16, 32, 64, 128, 256, 512}) {
    for (std::size_t m : {std::size_t(1), std::size_t(3)}) {
      for (long d : {-65, -64, -1, 0, 1, 63, 64, 65}) lengths.push_back(std::size_t(long(64 * blocks * m) + d));
    }
  }
  for (long d : {-64, 0, 65}) lengths.push_back(std::size_t((1L << 20) + d));
  for (std::size_t n : lengths) {
    // Every product the largest, one sign: the largest sums any lane can see.
    const std::vector<T> a(n, largest), b(n, largest);
    EXPECT_TRUE(matches_exact_reference(a, b)) << "all largest";
  }
  for (std::size_t n : lengths) {
    if (n > 70000) continue;
    // Blocks of 64 largest products alternate with blocks of products of every size (largest times
    // each finite code): every lane sums large terms and terms with low bits set, the hardest case
    // for a lane that must not round. The same pairs follow negated, one element later (other
    // lanes), and one smallest product: an exact kernel returns that product; one whose lanes
    // rounded leaves the rounding errors, which do not cancel.
    std::vector<T> a, b;
    for (std::size_t i = 0; i < n; ++i) {
      a.push_back(largest);
      b.push_back((i / 64) % 2 == 0 ? largest : from_code<T>(i % (F::max_finite_code + 1)));
    }
    a.push_back(from_code<T>(0));
    b.push_back(largest);
    for (std::size_t i = 0; i < n; ++i) {
      a.push_back(negated(a[i]));
      b.push_back(b[i]);
    }
    a.push_back(smallest);
    b.push_back(smallest);
    EXPECT_TRUE(matches_exact_reference(a, b)) << "cancelling, n=" << n;
    EXPECT_EQ(exact_dot(a, b), wide_product(smallest, smallest)) << "n=" << n;
  }
}

TYPED_TEST(ByteKernels, ExactDotOfOneProductRepeated) {
  LMUL_REQUIRE_ARCH();
  using T = TypeParam;
  // Every finite nonzero wide product magnitude (one pair each), n times with one sign: every lane
  // of a kernel sums copies of the same product, the largest partial sums its lanes can reach for
  // that product, over more than one flush group (groups of up to 512 blocks of 64). n * p is
  // exact in double (p has at most 6 significant bits), so float(n * p) is the correctly rounded
  // sum (inf where it overflows).
  constexpr std::size_t n = 64 * 512 + 65;
  for (const auto& [p, pair] : one_pair_per_product<T>()) {
    const std::vector<T> a(n, pair.first), b(n, pair.second);
    ASSERT_EQ(exact_dot(a, b), float(double(p) * double(n)))
        << "codes " << +lmul::to_code(pair.first) << " * " << +lmul::to_code(pair.second);
  }
}

TYPED_TEST(ByteKernels, ExactDotOfDataWhoseExponentsChange) {
  LMUL_REQUIRE_ARCH();
  using T = TypeParam;
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    EXPECT_EQ(exact_dot_of_banded_data<T>(
                  [](const std::vector<T>& a, const std::vector<T>& b) { return exact_dot(a, b); }, seed),
              "");
  }
}

TYPED_TEST(ByteKernels, ExactDotNanAndInfAnywhere) {
  LMUL_REQUIRE_ARCH();
  using T = TypeParam;
  using F = format_t<T>;
  const T nan = from_code<T>(F::nan_code), zero = from_code<T>(0);
  for (std::size_t n : {1, 5, 64, 65, 130, 1000}) {
    for (std::size_t at : {std::size_t(0), n / 2, n - 1}) {
      std::mt19937_64 rng(n + at);
      std::vector<T> a = any_finite_values<T>(n, rng), b = any_finite_values<T>(n, rng);
      const std::vector<T> a0 = a;
      a[at] = nan;
      EXPECT_TRUE(std::isnan(exact_dot(a, b))) << "NaN, n=" << n << " at " << at;
      if constexpr (F::has_infinity) {
        const T inf = from_code<T>(F::infinity_code);
        const T minus_inf = from_code<T>(F::infinity_code | F::sign_mask);
        a = a0;
        a[at] = inf;
        b[at] = T(2.0f);
        EXPECT_EQ(exact_dot(a, b), std::numeric_limits<float>::infinity()) << "n=" << n << " at " << at;
        a[at] = minus_inf;
        EXPECT_EQ(exact_dot(a, b), -std::numeric_limits<float>::infinity()) << "n=" << n << " at " << at;
        b[at] = zero;
        EXPECT_TRUE(std::isnan(exact_dot(a, b))) << "inf * 0, n=" << n << " at " << at;
        b[at] = T(2.0f);
        if (n > 1) {
          const std::size_t other = (at + n / 2 + 1) % n;
          a[other] = inf;
          b[other] = T(1.0f);
          EXPECT_TRUE(std::isnan(exact_dot(a, b))) << "inf - inf, n=" << n << " at " << at;
        }
      }
    }
  }
}

// NaN / inf operands far apart: once a kernel has met one, the result is NaN or +-inf whatever
// the finite terms, and the VBMI dots only look for more. The second one sits in the same block, a
// later flush group, past a chunk of 2^20 elements or in the partial last block, and in b only;
// expected values from IEEE addition of the infinite products (spec: NaN for inf - inf), for the
// exact dot and the fp32 dot alike.
TYPED_TEST(ByteKernels, DotsWithNanAndInfFarApart) {
  LMUL_REQUIRE_ARCH();
  using T = TypeParam;
  using F = format_t<T>;
  if constexpr (F::has_infinity) {
    const T inf = from_code<T>(F::infinity_code), nan = from_code<T>(F::nan_code);
    const T minus_inf = from_code<T>(F::infinity_code | F::sign_mask);
    const std::size_t small = 64 * 600 + 37, large = (std::size_t{1} << 20) + 64 * 3 + 5;
    for (std::size_t n : {small, large}) {
      std::mt19937_64 rng(n);
      const std::vector<T> a0 = any_finite_values<T>(n, rng), b0 = any_finite_values<T>(n, rng);
      std::vector<std::pair<std::size_t, std::size_t>> places;  // (first, second)
      if (n == small) {
        for (std::size_t first : {std::size_t(0), std::size_t(64 * 70 + 3)}) {
          for (std::size_t second : {first + 1, first + 64 * 70, n - 40, n - 1}) {
            places.emplace_back(first, second);
          }
        }
      } else {
        places = {{5, (std::size_t{1} << 20) + 1}, {64 * 500, n - 1}};
      }
      for (const auto& [first, second] : places) {
        std::vector<T> a = a0, b = b0;
        a[first] = inf;
        b[first] = T(1.0f);
        a[second] = T(1.0f);
        b[second] = minus_inf;
        const auto fast_dot = [&] { return lmul::kernels::dot<arch>(a.data(), b.data(), n); };
        const auto where = [&] { return " n=" + std::to_string(n) + " at " + std::to_string(first) + ", " + std::to_string(second); };
        EXPECT_TRUE(std::isnan(exact_dot(a, b))) << "exact, inf - inf," << where();
        EXPECT_TRUE(std::isnan(fast_dot())) << "fp32, inf - inf," << where();
        b[second] = inf;
        EXPECT_EQ(exact_dot(a, b), std::numeric_limits<float>::infinity()) << "exact," << where();
        EXPECT_EQ(fast_dot(), std::numeric_limits<float>::infinity()) << "fp32," << where();
        b[second] = nan;
        EXPECT_TRUE(std::isnan(exact_dot(a, b))) << "exact, inf + NaN," << where();
        EXPECT_TRUE(std::isnan(fast_dot())) << "fp32, inf + NaN," << where();
      }
    }
  }
}

// ---- MX block sums of FP6 / FP4 codes -------------------------------------------------------

template <class T>
class NarrowMxKernels : public ::testing::Test {};
using narrow_mx_types = ::testing::Types<lmul::float6_e2m3fn, lmul::float6_e3m2fn, lmul::float4_e2m1fn>;
TYPED_TEST_SUITE(NarrowMxKernels, narrow_mx_types);

#if !LMUL_TEST_ARCH_IS_SCALAR  // the scalar arch sums FP6 / FP4 codes without rewriting them
// The byte-table lookup that rewrites FP6 / FP4 codes (detail::lookup_bytes; lookup_bytes_vbmi on
// avx512_vbmi), against the table read one code at a time, masked to the code's low bits: every
// byte value in every lane position, lengths 0 to 300 (partial last
// registers) at every start offset within a register, output bytes past the end untouched.
TYPED_TEST(NarrowMxKernels, CodeRewritingLanesAndTails) {
  LMUL_REQUIRE_ARCH();
  {
    using F = format_t<TypeParam>;
    using A = lmul::detail::xsimd_arch_t<arch>;
    constexpr auto& wide = lmul::detail::stand_in_codes_v<F>;
    static constexpr auto table = lmul::detail::make_lane_table<wide.size / 16>(wide.code, 0, wide.size);
    // Every byte value, high bits included: a code is read by its low total_bits bits (issue 17).
    constexpr std::uint8_t low = std::uint8_t(F::code_mask);
    std::vector<std::uint8_t> in(400), out(400);
    for (std::size_t i = 0; i < in.size(); ++i) in[i] = std::uint8_t(i * 7 + i / 256);
    for (std::size_t offset = 0; offset < 64; offset += 5) {
      for (std::size_t n = 0; n + offset <= 300; ++n) {
        std::fill(out.begin(), out.end(), std::uint8_t(0xA5));
#if LMUL_KERNELS_X86
        if constexpr (std::is_same_v<arch, lmul::kernels::avx512_vbmi>) {  // the vpermb form
          lmul::detail::lookup_bytes_vbmi(lmul::detail::padded_to_64(wide.code), in.data() + offset,
                                          out.data(), n, low);
        } else
#endif
        {
          lmul::detail::lookup_bytes<A>(table, in.data() + offset, out.data(), n, low);
        }
        for (std::size_t i = 0; i < out.size(); ++i) {
          const std::uint8_t want = i < n ? wide.code[in[offset + i] & low] : std::uint8_t(0xA5);
          ASSERT_EQ(out[i], want) << "offset " << offset << ", n " << n << ", byte " << i;
        }
      }
    }
  }
}

#endif

// kernels::block_sums on FP6 / FP4 codes: blocks of 1, 7, 32, 128 and 2048 give the same bits as
// the 8-bit format's kernel on the rewritten codes (kernels/stand_in_codes.hpp; tests/mx checks the
// rewriting against the reference), lengths with a short last block; blocks longer than the 2048
// codes rewritten at a time lie within spec 4's bound of the exact sum.
TYPED_TEST(NarrowMxKernels, BlockSumsEqualTheWideFormatsOnRewrittenCodes) {
  LMUL_REQUIRE_ARCH();
  using T = TypeParam;
  using F = format_t<T>;
  using W = lmul::small_float<lmul::detail::stand_in_format_t<F>, lmul::lmul_multiplication>;
  constexpr auto& wide = lmul::detail::stand_in_codes_v<F>;
  for (const std::size_t block : std::initializer_list<std::size_t>{1, 7, 32, 128, 2048, 2049, 5000}) {
    for (const std::size_t n : {block, block * 3 + 1, block * 9 - 5, std::size_t{4099}}) {
      std::mt19937 rng(unsigned(block + 3 * n));
      std::vector<T> a(n), b(n);
      std::vector<W> wa(n), wb(n);
      for (std::size_t i = 0; i < n; ++i) {
        a[i] = from_code<T>(rng() % wide.size);
        b[i] = from_code<T>(rng() % wide.size);
        wa[i] = from_code<W>(wide.code[lmul::to_code(a[i])]);
        wb[i] = from_code<W>(wide.code[lmul::to_code(b[i])]);
      }
      const std::size_t blocks = (n + block - 1) / block;
      std::vector<float> sums(blocks + 1, -1.f), want(blocks);
      lmul::kernels::block_sums<arch>(a.data(), b.data(), n, block, sums.data());
      lmul::kernels::block_sums<arch>(wa.data(), wb.data(), n, block, want.data());
      EXPECT_EQ(sums[blocks], -1.f) << "wrote past the last block";
      for (std::size_t j = 0; j < blocks; ++j) {
        if (block <= 2048) {
          ASSERT_EQ(std::bit_cast<std::uint32_t>(sums[j]), std::bit_cast<std::uint32_t>(want[j]))
              << "block " << block << ", n " << n << ", block index " << j;
        } else {
          const std::size_t first = j * block, count = std::min(block, n - first);
          long double sum, sum_abs;
          reference_sum(a.data() + first, b.data() + first, count, sum, sum_abs);
          ASSERT_LE(std::fabs(sums[j] - sum), dot_tolerance(count, sum_abs))
              << "block " << block << ", n " << n << ", block index " << j;
        }
      }
    }
  }
}

}  // namespace
