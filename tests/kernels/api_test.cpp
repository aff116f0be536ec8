// Public API of the kernels: overloads for spans and containers, argument checks, in place, empty.
#include <algorithm>
#include <array>
#include <bit>
#include <cstdlib>
#include <string>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <random>
#include <span>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

#include <lmul/gemm.hpp>
#include <lmul/kernels.hpp>
#include <lmul/kernels/span_kernels.hpp>

#include "../core/core_test_support.hpp"

namespace {

/// The reference's L-Mul product and wide product (tests/core/reference, independent of the
/// library): the expected values here.
template <class T>
T ref_product(T a, T b) {
  const lmul_ref::expected e = core_test::reference_products<T>::product(a, b);
  if constexpr (std::is_same_v<T, float>) {
    return e.is_nan ? std::numeric_limits<float>::quiet_NaN() : std::bit_cast<float>(e.code);
  } else {
    return e.is_nan ? std::numeric_limits<T>::quiet_NaN() : lmul::from_code<T>(typename lmul::format_of_t<T>::storage(e.code));
  }
}
template <class T>
float ref_wide(T a, T b) {
  return core_test::reference_products<T>::wide(a, b);
}

using e4m3 = lmul::float8_e4m3fn;

TEST(KernelApi, VectorsArraysAndSpans) {
  std::vector<float> a{1.5f, -2.f, 3.f}, b{2.f, 0.25f, -0.5f}, out(3);
  lmul::lmul_multiply(a, b, out);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(out[i], ref_product(a[i], b[i]));
  std::array<float, 3> arr_out{};
  lmul::lmul_multiply(std::span<const float>(a), std::span<const float>(b), std::span<float>(arr_out));
  EXPECT_EQ(arr_out[0], out[0]);
  const float expected = ref_wide(a[0], b[0]) + ref_wide(a[1], b[1]) +
                         ref_wide(a[2], b[2]);
  EXPECT_FLOAT_EQ(lmul::lmul_dot(a, b), expected);
  EXPECT_FLOAT_EQ(lmul::lmul_dot(std::span<const float>(a), std::span<const float>(b)), expected);

  std::array<e4m3, 4> x{e4m3(1.f), e4m3(2.f), e4m3(-3.f), e4m3(0.5f)};
  std::array<e4m3, 4> y{e4m3(4.f), e4m3(0.f), e4m3(1.5f), e4m3(-8.f)};
  std::vector<e4m3> z(4);
  lmul::lmul_multiply(x, y, z);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(z[i].bits(), ref_product(x[i], y[i]).bits());
  float wide = 0;
  for (int i = 0; i < 4; ++i) wide += ref_wide(x[i], y[i]);
  EXPECT_EQ(lmul::lmul_dot(x, y), wide);      // small integers: exact in any order
  EXPECT_EQ(lmul::lmul_dot_exact(x, y), wide);
  std::vector<lmul::lmul<10, 5>> h{lmul::lmul<10, 5>(1.25f)}, g{lmul::lmul<10, 5>(3.f)};
  EXPECT_EQ(lmul::lmul_dot(h, g), ref_wide(h[0], g[0]));
}

TEST(KernelApi, LengthMismatchThrowsAndWritesNothing) {
  std::vector<float> a(5, 1.f), b(4, 1.f), out(5, 7.f);
  EXPECT_THROW(lmul::lmul_multiply(a, b, out), std::invalid_argument);
  std::vector<float> b5(5, 1.f), out4(4, 7.f);
  EXPECT_THROW(lmul::lmul_multiply(a, b5, out4), std::invalid_argument);
  for (float x : out) EXPECT_EQ(x, 7.f);
  for (float x : out4) EXPECT_EQ(x, 7.f);
  EXPECT_THROW((void)lmul::lmul_dot(a, b), std::invalid_argument);
  std::vector<e4m3> c(3), d(2);
  EXPECT_THROW((void)lmul::lmul_dot_exact(c, d), std::invalid_argument);
}

TEST(KernelApi, PartialOverlapThrowsInPlaceWorks) {
  std::vector<float> buf{1.f, 2.f, 3.f, 4.f, 5.f, 6.f};
  const std::vector<float> before = buf;
  const std::span<float> all(buf);
  EXPECT_THROW(lmul::lmul_multiply(std::span<const float>(all.first(4)),
                                   std::span<const float>(all.first(4)), all.subspan(1, 4)),
               std::invalid_argument);
  EXPECT_EQ(buf, before);
  lmul::lmul_multiply(std::span<const float>(all.first(3)), std::span<const float>(all.last(3)),
                      all.first(3));  // out = a: in place
  for (int i = 0; i < 3; ++i) EXPECT_EQ(buf[i], ref_product(before[i], before[i + 3]));
}

TEST(KernelApi, EmptySpans) {
  std::vector<e4m3> a, b, out;
  lmul::lmul_multiply(a, b, out);
  EXPECT_EQ(lmul::lmul_dot(a, b), 0.f);
  EXPECT_EQ(lmul::lmul_dot_exact(a, b), 0.f);
}

// lmul_dot on the OCP MX FP6 / FP4 types runs their compiled MX block sums (one block of n):
// within gamma_n * sum |p_i| of the exact sum of the scalar definition's wide products, for
// lengths around the 2048 codes that those kernels rewrite at a time.
template <class T>
void check_narrow_mx_dot() {
  std::mt19937 rng(41);
  std::uniform_int_distribution<int> code(0, (1 << lmul::format_of_t<T>::total_bits) - 1);
  for (const std::size_t n : {0, 1, 31, 64, 2047, 2048, 2049, 5000}) {
    std::vector<T> a(n), b(n);
    for (std::size_t i = 0; i < n; ++i) {
      a[i] = T::from_bits(std::uint8_t(code(rng)));
      b[i] = T::from_bits(std::uint8_t(code(rng)));
    }
    long double exact = 0, abs_sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const long double p = ref_wide(a[i], b[i]);
      exact += p;
      abs_sum += std::fabs(p);
    }
    const long double u = 0x1p-24L, gamma = n * u / (1 - n * u);
    const float got = lmul::lmul_dot(a, b);
    EXPECT_LE(std::fabs((long double)got - exact), gamma * abs_sum) << "n " << n;
  }
}

TEST(KernelApi, NarrowMxDotRunsTheBlockSums) {
  check_narrow_mx_dot<lmul::float6_e2m3fn>();
  check_narrow_mx_dot<lmul::float6_e3m2fn>();
  check_narrow_mx_dot<lmul::float4_e2m1fn>();
}

// Spec section 4 (issue 17, item 4): the bound of lmul_dot and lmul_gemm holds whenever no partial
// sum can overflow, here with fp32 terms near the top of the range: 1024 products of about 2^116
// each (sum of |terms| below 2^127 < FLT_MAX, so no order of summation overflows), all positive or
// half of each sign in a shuffled order. The products come from the spec's formula, not from the
// library: for x = 2^58 (1 + f) and y = 2^58 (1 + g) with f + g + 2^-4 < 1 the fp32 L-Mul product
// is 2^116 (1 + f + g + 2^-4) (M = 23, l(M) = 4), exact in long double, and so is their sum.
TEST(KernelApi, DotAndGemmBoundHoldWhenNothingOverflows) {
  constexpr std::size_t n = 1024;
  std::mt19937 rng(17);
  std::uniform_int_distribution<std::uint32_t> fraction(0, (7u << 19) - 1);  // f, g < 0.4375
  for (const bool mixed_signs : {false, true}) {
    std::vector<std::size_t> negative_at(n);  // 1 on a random half of the positions
    for (std::size_t i = 0; i < n; ++i) negative_at[i] = mixed_signs && i < n / 2;
    std::shuffle(negative_at.begin(), negative_at.end(), rng);
    std::vector<float> x(n), y(n);
    long double exact = 0, abs_sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t f = fraction(rng), g = fraction(rng);
      const std::uint32_t sign = negative_at[i] ? 0x80000000u : 0u;
      x[i] = std::bit_cast<float>(sign | (std::uint32_t(127 + 58) << 23) | f);
      y[i] = std::bit_cast<float>((std::uint32_t(127 + 58) << 23) | g);
      const long double term =
          std::ldexp(1.0L + std::ldexp((long double)(f + g), -23) + 0x1p-4L, 116);
      exact += sign ? -term : term;
      abs_sum += term;
    }
    ASSERT_LT(abs_sum, 0x1p127L);
    const long double u = 0x1p-24L, gamma = n * u / (1 - n * u);
    const float dot = lmul::lmul_dot(x, y);
    EXPECT_LE(std::fabs((long double)dot - exact), gamma * abs_sum) << "mixed signs " << mixed_signs;
    // lmul_gemm: C (2 x 2) = A B with A's rows x and -x, B's columns y and y reversed.
    std::vector<float> a(2 * n), b(n * 2), c(4);
    for (std::size_t p = 0; p < n; ++p) {
      a[p] = x[p];
      a[n + p] = -x[p];
      b[p * 2] = y[p];
      b[p * 2 + 1] = y[n - 1 - p];
    }
    lmul::lmul_gemm(2, 2, n, a.data(), n, b.data(), 2, c.data(), 2);
    EXPECT_LE(std::fabs((long double)c[0] - exact), gamma * abs_sum);
    EXPECT_LE(std::fabs((long double)c[2] + exact), gamma * abs_sum);
    long double exact_rev = 0, abs_rev = 0;  // column 1: x[p] * y[n - 1 - p], from the formula
    for (std::size_t p = 0; p < n; ++p) {
      const std::uint32_t f = std::bit_cast<std::uint32_t>(x[p]) & 0x7FFFFF;
      const std::uint32_t g = std::bit_cast<std::uint32_t>(y[n - 1 - p]) & 0x7FFFFF;
      const long double term =
          std::ldexp(1.0L + std::ldexp((long double)(f + g), -23) + 0x1p-4L, 116);
      exact_rev += std::signbit(x[p]) ? -term : term;
      abs_rev += term;
    }
    EXPECT_LE(std::fabs((long double)c[1] - exact_rev), gamma * abs_rev);
    EXPECT_LE(std::fabs((long double)c[3] + exact_rev), gamma * abs_rev);
  }
}

/// The table the runtime dispatcher should pick for this CPU (cpuid, asked here independently of
/// the library).
[[maybe_unused]] std::string best_arch_of_this_cpu() {
  std::string expected = "baseline";
#if defined(__x86_64__)
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  const bool avx512 = avx2 && __builtin_cpu_supports("avx512f") &&
                      __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512dq") &&
                      __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
  if (avx512 && __builtin_cpu_supports("avx512vbmi") && __builtin_cpu_supports("avx512bf16") &&
      __builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("bmi2")) {
    expected = "avx512_vbmi";
  } else if (avx512) {
    expected = "avx512bw";
  } else if (avx2) {
    expected = "avx2";
  } else if (__builtin_cpu_supports("sse4.2")) {
    expected = "sse4_2";
  }
#elif defined(__aarch64__)
  expected = "neon64";
#endif
  return expected;
}

/// The kernels a header-only unit with these flags runs (the compiler's feature macros).
[[maybe_unused]] std::string best_arch_of_these_flags() {
#if defined(__AVX512VBMI__) && defined(__AVX512BF16__) && defined(__AVX512VNNI__) && defined(__BMI2__) && \
    defined(__AVX512BW__)
  return "avx512_vbmi";
#elif defined(__AVX512BW__) && defined(__AVX512DQ__) && defined(__AVX512VL__) && defined(__AVX512CD__)
  return "avx512bw";
#elif defined(__AVX2__)
  return "avx2";
#elif defined(__SSE4_2__)
  return "sse4_2";
#elif defined(__aarch64__)
  return "neon64";
#else
  return "baseline";
#endif
}

TEST(KernelApi, RunsTheBestInstructionSetAvailable) {
  // Runtime dispatch: whatever this unit's flags, the library's table for the best instruction set
  // the CPU reports, unless LMUL_ARCH says otherwise. Header-only: the best the flags allow (built
  // with -march=native, LMUL_NATIVE: on an AVX-512 VBMI/BF16 machine the VBMI kernels, so that the
  // headline figures use them).
#if defined(LMUL_RUNTIME_DISPATCH) && LMUL_RUNTIME_DISPATCH
  // LMUL_ARCH (a table the CPU runs) overrides the choice.
  const char* forced = std::getenv("LMUL_ARCH");
  const std::string expected = forced != nullptr ? forced : best_arch_of_this_cpu();
#else
  const std::string expected = best_arch_of_these_flags();
#endif
  EXPECT_EQ(lmul::selected_arch(), expected);
}

}  // namespace
