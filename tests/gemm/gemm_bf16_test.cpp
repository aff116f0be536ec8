// The bf16 GEMM path (8-bit formats on AVX-512 BF16: gemm/bf16_scheme.hpp), called explicitly
// through lmul_gemm_arch<lmul::kernels::avx512_vbmi>, against the scalar wide product (spec 3) and
// against the summation order that the Intel SDM's definition of vdpbf16ps implies.
// Skipped where the CPU lacks the arch; compiled only in units with AVX-512 BW flags.
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include <lmul/gemm/gemm_for_arch.hpp>
#include <lmul/small_float.hpp>

#include "gemm_reference.hpp"

namespace {

/// The reference's wide L-Mul product (tests/core/reference), the expected value of every term.
template <class T>
float reference_wide(T a, T b) {
  return core_test::reference_products<T>::wide(a, b);
}

#if defined(__AVX512BW__)

using bf16_arch = lmul::kernels::avx512_vbmi;
using lmul_gemm_test::matches_reference;
using lmul_gemm_test::naive_reference;

template <class T>
class GemmBf16Test : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!lmul::kernels::arch_available<bf16_arch>()) GTEST_SKIP() << "no AVX-512 VBMI + BF16";
  }
};
// Every 8-bit format the library compiles: the path serves all of them.
using byte_types = ::testing::Types<lmul::float8_e4m3fn, lmul::float8_e5m2, lmul::lmul<1, 6>,
                                    lmul::lmul<2, 5>, lmul::lmul<3, 4>, lmul::lmul<4, 3>,
                                    lmul::lmul<5, 2>>;
TYPED_TEST_SUITE(GemmBf16Test, byte_types);

template <class T>
T from_code(unsigned code) {
  return std::bit_cast<T>(std::uint8_t(code));
}
template <class T>
bool is_special(T x) {
  const float f = float(x);
  return std::isnan(f) || std::isinf(f);
}

/// Random codes: every finite code equally likely (zeros, -0 and subnormals included), NaN/inf
/// codes replaced by +0.
template <class T>
std::vector<T> random_codes(std::size_t count, std::uint32_t seed) {
  std::mt19937 gen(seed);
  std::uniform_int_distribution<unsigned> code(0, 255);
  std::vector<T> out(count);
  for (auto& x : out) {
    x = from_code<T>(code(gen));
    if (is_special(x)) x = from_code<T>(0);
  }
  return out;
}

// Every pair of codes as a single product (k = 1: no rounding, so the bits must be the scalar
// wide product's), and with a zero operand next to it (k = 2: both halves of a step pair, the
// zero masks and the 0.0 filter). NaN and inf codes send their tiles to the checked path.
TYPED_TEST(GemmBf16Test, EveryCodePairIsTheScalarWideProduct) {
  using T = TypeParam;
  std::vector<T> codes(256);
  for (unsigned c = 0; c < 256; ++c) codes[c] = from_code<T>(c);
  std::vector<float> c(256 * 256);
  lmul::lmul_gemm_arch<bf16_arch>(256, 256, 1, codes.data(), 1, codes.data(), 256, c.data(), 256);
  const auto same = [](float got, float expected) {
    return (std::isnan(got) && std::isnan(expected)) || got == expected;  // +0 == -0
  };
  for (unsigned x = 0; x < 256; ++x) {
    for (unsigned y = 0; y < 256; ++y) {
      const float expected = reference_wide(codes[x], codes[y]);
      ASSERT_TRUE(same(c[x * 256 + y], expected))
          << std::hex << "codes " << x << " * " << y << ": " << c[x * 256 + y] << " vs " << expected;
    }
  }
  // k = 2, A row x = (code x, +0 or -0), B column y = (code y, code of a random nonzero):
  // the second product is a zero times a finite (or special) value.
  for (const unsigned zero : {0x00u, 0x80u}) {
    std::vector<T> a(256 * 2), b(2 * 256);
    for (unsigned x = 0; x < 256; ++x) a[2 * x] = codes[x], a[2 * x + 1] = codes[zero];
    for (unsigned y = 0; y < 256; ++y) b[y] = codes[y], b[256 + y] = codes[(y * 37 + 1) % 256];
    lmul::lmul_gemm_arch<bf16_arch>(256, 256, 2, a.data(), 2, b.data(), 256, c.data(), 256);
    for (unsigned x = 0; x < 256; ++x) {
      for (unsigned y = 0; y < 256; ++y) {
        const float expected = reference_wide(a[2 * x], b[y]) +
                               reference_wide(a[2 * x + 1], b[256 + y]);
        ASSERT_TRUE(same(c[x * 256 + y], expected)) << std::hex << x << " " << y;
      }
    }
  }
}

/// Runs the bf16 GEMM (B row-major, or transposed: `bt`) into a C with row stride n + 3 whose
/// padding holds 7.0, and checks every entry of the m x n block against the naive loop within the
/// bound, and the padding untouched.
template <class T>
::testing::AssertionResult matches_naive_loop(std::size_t m, std::size_t n, std::size_t k,
                                              bool bt, const std::vector<T>& a, std::size_t lda,
                                              const std::vector<T>& b, std::size_t ldb) {
  const std::size_t ldc = n + 3;
  std::vector<float> c(m * ldc, 7.0f);
  if (bt) {
    lmul::lmul_gemm_bt_arch<bf16_arch>(m, n, k, a.data(), lda, b.data(), ldb, c.data(), ldc);
  } else {
    lmul::lmul_gemm_arch<bf16_arch>(m, n, k, a.data(), lda, b.data(), ldb, c.data(), ldc);
  }
  const auto expected = naive_reference<T>(
      m, n, k, [&](std::size_t i, std::size_t p) { return a[i * lda + p]; },
      [&](std::size_t p, std::size_t j) { return bt ? b[j * ldb + p] : b[p * ldb + j]; });
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j < ldc; ++j) {
      const auto where = [&] {
        return ::testing::Message() << m << "x" << n << "x" << k << (bt ? " bt" : "") << " at ("
                                    << i << ", " << j << ")";
      };
      if (j >= n) {
        if (c[i * ldc + j] != 7.0f) {
          return ::testing::AssertionFailure() << "padding of C written, " << where();
        }
        continue;
      }
      const auto entry = matches_reference(c[i * ldc + j], expected[i * n + j], k);
      if (!entry) return ::testing::AssertionFailure() << entry.message() << ", " << where();
    }
  }
  return ::testing::AssertionSuccess();
}

// Odd shapes (depth not a multiple of the pair or the block, edge tiles in both directions),
// row-major and transposed B, padded leading dimensions, zeros, -0 and subnormals in the data.
TYPED_TEST(GemmBf16Test, OddShapesMatchTheNaiveLoop) {
  using T = TypeParam;
  struct shape {
    std::size_t m, n, k;
  };
  std::uint32_t seed = 1;
  for (const shape s : {shape{1, 1, 1}, shape{7, 13, 5}, shape{9, 49, 255}, shape{17, 47, 257},
                        shape{8, 48, 256}, shape{33, 97, 513}, shape{130, 3, 2}, shape{3, 3100, 3}}) {
    for (const bool transposed : {false, true}) {
      const std::size_t lda = s.k + 1, ldb = (transposed ? s.k : s.n) + 2;
      const auto a = random_codes<T>(s.m * lda, seed++);
      const auto b = random_codes<T>((transposed ? s.n : s.k) * ldb, seed++);
      ASSERT_TRUE(matches_naive_loop(s.m, s.n, s.k, transposed, a, lda, b, ldb));
    }
  }
}

// vdpbf16ps per fp32 lane (Intel SDM): acc += high * 1.0, then acc += low * 1.0, each rounded to
// nearest even. So each entry of C must be, bit for bit, this fp32 sum: per depth block of
// bf16_scheme<T>::depth_block steps, products in the order 1, 0, 3, 2, ...; C = first block, then
// C += each later block. A single rounding per pair, or flushed partial sums, would differ.
TYPED_TEST(GemmBf16Test, SumsInTheOrderVdpbf16psDefines) {
  using T = TypeParam;
  const std::size_t m = 11, n = 37, k = 2 * lmul::detail::bf16_scheme<T>::depth_block + 77;
  auto a = random_codes<T>(m * k, 5);
  auto b = random_codes<T>(k * n, 6);
  std::vector<float> c(m * n);
  lmul::lmul_gemm_arch<bf16_arch>(m, n, k, a.data(), k, b.data(), n, c.data(), n);
  const std::size_t block = lmul::detail::bf16_scheme<T>::depth_block;
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      const auto product = [&](std::size_t p) {
        return p < k ? reference_wide(a[i * k + p], b[p * n + j]) : 0.0f;
      };
      float entry = 0.0f;
      for (std::size_t p0 = 0; p0 < k; p0 += block) {
        float sum = 0.0f;
        for (std::size_t p = p0; p < std::min(k, p0 + block); p += 2) {
          sum += p + 1 < std::min(k, p0 + block) ? product(p + 1) : 0.0f;
          sum += product(p);
        }
        entry = p0 == 0 ? sum : entry + sum;
      }
      ASSERT_EQ(c[i * n + j], entry) << "(" << i << ", " << j << ")";  // +0 == -0
    }
  }
}

// Wide dynamic range of e5m2 and lmul<1,6>: products from about 2^-32 (2^-62) up; sums that
// cancel to small values must stay exact multiples of the smallest product (no flush to zero).
TYPED_TEST(GemmBf16Test, CancellingSumsOfTinyProductsAreNotFlushed) {
  using T = TypeParam;
  const std::size_t m = 4, n = 16, k = 6;
  const T tiny = from_code<T>(1), tiny_negative = from_code<T>(0x81), one = T(1.0f);
  // Row 0: tiny*tiny - tiny*tiny + tiny*tiny: one smallest product survives.
  std::vector<T> a(m * k, from_code<T>(0)), b(k * n, one);
  a[0] = tiny, a[1] = tiny_negative, a[2] = tiny;
  for (std::size_t j = 0; j < n; ++j) b[0 * n + j] = b[1 * n + j] = b[2 * n + j] = tiny;
  std::vector<float> c(m * n, 1.0f);
  lmul::lmul_gemm_arch<bf16_arch>(m, n, k, a.data(), k, b.data(), n, c.data(), n);
  const float smallest = reference_wide(tiny, tiny);
  ASSERT_GT(smallest, 0.0f);
  for (std::size_t j = 0; j < n; ++j) {
    EXPECT_EQ(c[j], smallest) << j;
    for (std::size_t i = 1; i < m; ++i) EXPECT_EQ(c[i * n + j], 0.0f);
  }
}

// NaN and inf codes in some tiles only: those tiles take the checked path, the others the
// bf16 kernel; the result must match the IEEE sum of the products everywhere.
TYPED_TEST(GemmBf16Test, TilesWithNanOrInfTakeTheCheckedPath) {
  using T = TypeParam;
  const std::size_t m = 40, n = 150, k = 300;
  auto a = random_codes<T>(m * k, 9);
  auto b = random_codes<T>(k * n, 10);
  const T nan = T(std::numeric_limits<float>::quiet_NaN());
  const T inf = T(std::numeric_limits<float>::infinity());  // NaN in e4m3fn (no infinity)
  a[3 * k + 7] = nan;
  a[20 * k + 299] = inf;
  b[150 * n + 100] = -inf;
  b[0 * n + 149] = nan;
  std::vector<float> c(m * n);
  lmul::lmul_gemm_arch<bf16_arch>(m, n, k, a.data(), k, b.data(), n, c.data(), n);
  const auto expected = naive_reference<T>(
      m, n, k, [&](std::size_t i, std::size_t p) { return a[i * k + p]; },
      [&](std::size_t p, std::size_t j) { return b[p * n + j]; });
  std::size_t nans = 0;
  for (std::size_t i = 0; i < m * n; ++i) {
    ASSERT_TRUE(matches_reference(c[i], expected[i], k)) << "(" << i / n << ", " << i % n << ")";
    nans += std::isnan(c[i]);
  }
  EXPECT_GE(nans, n + m - 1);  // row 3 and column 149 at least
}

// Threads split rows into bands; every entry keeps its summation order.
TYPED_TEST(GemmBf16Test, ThreadsGiveTheSameBits) {
  using T = TypeParam;
  const std::size_t m = 203, n = 77, k = 300;
  const auto a = random_codes<T>(m * k, 3);
  const auto b = random_codes<T>(k * n, 4);
  std::vector<float> one(m * n), three(m * n);
  lmul::lmul_gemm_arch<bf16_arch>(m, n, k, a.data(), k, b.data(), n, one.data(), n);
  lmul::lmul_gemm_arch<bf16_arch>(m, n, k, a.data(), k, b.data(), n, three.data(), n,
                                  {.threads = 3});
  for (std::size_t i = 0; i < m * n; ++i) {
    ASSERT_EQ(std::bit_cast<std::uint32_t>(one[i]), std::bit_cast<std::uint32_t>(three[i])) << i;
  }
}

// ---- bfloat16 operands (lmul<7,8>): the codes are the words ----
// Panels whose magnitude ranges keep every product a normal bf16 >= 2^-119 run the bf16 kernel;
// the others (specials, subnormals, tiny or huge products) run the checked path.

using bf16 = lmul::lmul<7, 8>;

class GemmBf16CodesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!lmul::kernels::arch_available<bf16_arch>()) GTEST_SKIP() << "no AVX-512 VBMI + BF16";
  }
};

bf16 bf16_from_code(unsigned code) { return std::bit_cast<bf16>(std::uint16_t(code)); }

/// Random bf16 values: sign, exponent uniform in [emin, emax], any fraction; `zeros` of them
/// (in 1/zeros) replaced by +-0.
std::vector<bf16> random_bf16(std::size_t count, std::uint32_t seed, int emin, int emax,
                              unsigned zeros = 0) {
  std::mt19937 gen(seed);
  std::uniform_int_distribution<int> exponent(emin, emax);
  std::uniform_int_distribution<unsigned> fraction(0, 127), bit(0, 1), zero(0, zeros);
  std::vector<bf16> out(count);
  for (auto& x : out) {
    unsigned code = (bit(gen) << 15) | (unsigned(exponent(gen) + 127) << 7) | fraction(gen);
    if (zeros != 0 && zero(gen) == 0) code &= 0x8000;
    x = bf16_from_code(code);
  }
  return out;
}

/// Codes at every boundary of the definition: zeros, subnormals, every exponent with fractions
/// 0, 1, 0x40, 0x7F, both signs, inf and NaN.
std::vector<bf16> boundary_bf16() {
  std::vector<bf16> out;
  for (const unsigned sign : {0u, 0x8000u}) {
    for (const unsigned magnitude : {0x0u, 0x1u, 0x40u, 0x7Fu, 0x7F80u, 0x7FC0u, 0x7F81u}) {
      out.push_back(bf16_from_code(sign | magnitude));
    }
    for (unsigned e = 1; e < 255; ++e) {
      for (const unsigned f : {0x0u, 0x1u, 0x40u, 0x7Fu}) {
        out.push_back(bf16_from_code(sign | e << 7 | f));
      }
    }
  }
  return out;
}

// Every pair of boundary codes as one product (k = 1): the bits of the scalar wide product, in
// tiles of the kernel and of the checked path alike.
TEST_F(GemmBf16CodesTest, EveryBoundaryPairIsTheScalarWideProduct) {
  const auto codes = boundary_bf16();
  const std::size_t n = codes.size();
  std::vector<float> c(n * n);
  lmul::lmul_gemm_arch<bf16_arch>(n, n, 1, codes.data(), 1, codes.data(), n, c.data(), n);
  for (std::size_t x = 0; x < n; ++x) {
    for (std::size_t y = 0; y < n; ++y) {
      const float expected = reference_wide(codes[x], codes[y]);
      const float got = c[x * n + y];
      ASSERT_TRUE((std::isnan(got) && std::isnan(expected)) || got == expected)
          << std::hex << std::bit_cast<std::uint16_t>(codes[x]) << " * "
          << std::bit_cast<std::uint16_t>(codes[y]) << ": " << got << " vs " << expected;
    }
  }
}

// Products exactly at the kernel's limits. x = 2^ea, y = +-2^eb (1 + f/128): the wide product is
// 2^(ea + eb) (1 + (f + 8)/128) (spec 3: the fraction sum plus the offset 2^-4), so
// x y1 + x y2 with f1 = 1, y2 negative with f2 = 0 is exactly 2^(ea + eb - 7): a subnormal fp32
// whenever ea + eb < -119. vdpbf16ps would flush it to zero; the result must be exact at every
// exponent, on either side of the limit, and at the overflow end too.
TEST_F(GemmBf16CodesTest, CancellationAtTheKernelsExponentLimits) {
  for (int e = -140; e <= 129; ++e) {
    if (e > -100 && e < 110) continue;
    const int ea = e / 2, eb = e - e / 2;
    const bf16 x = bf16_from_code(unsigned(ea + 127) << 7);
    const bf16 y1 = bf16_from_code(unsigned(eb + 127) << 7 | 1);
    const bf16 y2 = bf16_from_code(0x8000u | unsigned(eb + 127) << 7);
    // 16 x 48 x 4 with rows and columns of ordinary values around it: the tiles hold both.
    const std::size_t m = 16, n = 48, k = 4;
    std::vector<bf16> a(m * k, bf16(1.0f)), b(k * n, bf16(0.5f));
    for (std::size_t i = 0; i < m; ++i) a[i * k + 0] = a[i * k + 1] = x, a[i * k + 2] = bf16(0.0f);
    for (std::size_t j = 0; j < n; ++j) b[0 * n + j] = y1, b[1 * n + j] = y2;
    std::vector<float> c(m * n);
    lmul::lmul_gemm_arch<bf16_arch>(m, n, k, a.data(), k, b.data(), n, c.data(), n);
    // Row i: x y1 + x y2 + 0 * 0.5 + 1 * 0.5 (L-Mul: 1 * 0.5 = 0.5 * (1 + 2^-4)).
    const float tail = reference_wide(bf16(1.0f), bf16(0.5f));
    ASSERT_EQ(tail, 0.53125f);
    const bool finite = e <= 127;  // else both products overflow (+inf and -inf)
    const double pair = std::ldexp(1.0, e - 7);
    for (std::size_t i = 0; i < m * n; ++i) {
      if (!finite) {
        ASSERT_TRUE(std::isnan(c[i]) || std::isinf(c[i])) << e;
        continue;
      }
      // Exact sum 2^(e-7) + 0.53125; in fp32 any order rounds 2^(e-7) away when it is tiny, so
      // compare with the reference bound, and where the pair alone is the question (tail
      // columns cancel it) check the pair directly below.
      const lmul_gemm_test::reference_entry exact{
          pair + 0.53125, std::ldexp(1.0, e) * (137.0 + 136.0) / 128 + 0.53125};
      ASSERT_TRUE(matches_reference(c[i], exact, k)) << e << " at " << i;
    }
    // The pair alone (k = 2): exactly 2^(e - 7), subnormal or not.
    std::vector<bf16> a2 = {x, x}, b2 = {y1, y2};
    float c2 = -1.0f;
    lmul::lmul_gemm_arch<bf16_arch>(1, 1, 2, a2.data(), 2, b2.data(), 1, &c2, 1);
    if (finite) {
      ASSERT_EQ(double(c2), pair) << e;
    }
    // The same pair in a full tile of such pairs, where the kernel runs if the ranges allow it.
    std::vector<bf16> a3(8 * 2), b3(2 * 48);
    for (std::size_t i = 0; i < 8; ++i) a3[2 * i] = a3[2 * i + 1] = x;
    for (std::size_t j = 0; j < 48; ++j) b3[j] = y1, b3[48 + j] = y2;
    std::vector<float> c3(8 * 48, -1.0f);
    lmul::lmul_gemm_arch<bf16_arch>(8, 48, 2, a3.data(), 2, b3.data(), 48, c3.data(), 48);
    for (const float v : c3) {
      if (finite) {
        ASSERT_EQ(double(v), pair) << e;
      }
    }
  }
}

// Odd shapes, both B layouts, padded leading dimensions; data in the kernel's range with zeros,
// B with exponents down to -126 (most tiles checked), and one subnormal in A.
TEST_F(GemmBf16CodesTest, OddShapesMatchTheNaiveLoop) {
  struct shape {
    std::size_t m, n, k;
  };
  std::uint32_t seed = 1;
  for (const shape s : {shape{1, 1, 1}, shape{7, 13, 5}, shape{9, 49, 255}, shape{17, 47, 257},
                        shape{8, 48, 512}, shape{33, 97, 1025}, shape{130, 3, 2},
                        shape{3, 3100, 3}}) {
    for (const int range : {0, 1, 2}) {
      for (const bool transposed : {false, true}) {
        const std::size_t lda = s.k + 1, ldb = (transposed ? s.k : s.n) + 2;
        const std::size_t b_size = (transposed ? s.n : s.k) * ldb;
        auto a = random_bf16(s.m * lda, seed++, -20, 20, 7);
        auto b = random_bf16(b_size, seed++, -20, 20, 5);
        // Tiny, subnormal-product exponents (sums that cannot overflow: the bound needs that).
        if (range == 1) b = random_bf16(b_size, seed++, -126, 40, 5);
        if (range == 2) a[(s.m / 2) * lda + s.k / 2] = bf16_from_code(0x0005);  // a subnormal
        ASSERT_TRUE(matches_naive_loop(s.m, s.n, s.k, transposed, a, lda, b, ldb))
            << "range " << range;
      }
    }
  }
}

// In the kernel's range the order is vdpbf16ps's (see SumsInTheOrderVdpbf16psDefines): bit for
// bit the fp32 sum of the exact products in the order 1, 0, 3, 2, ... per depth block.
TEST_F(GemmBf16CodesTest, SumsInTheOrderVdpbf16psDefines) {
  const std::size_t m = 11, n = 53, k = 2 * lmul::detail::bf16_scheme<bf16>::depth_block + 77;
  for (const bool transposed : {false, true}) {
    const auto a = random_bf16(m * k, 5, -30, 30, 9);
    const auto b = random_bf16(k * n, 6, -30, 30, 9);
    std::vector<float> c(m * n);
    const auto b_at = [&](std::size_t p, std::size_t j) {
      return transposed ? b[j * k + p] : b[p * n + j];
    };
    if (transposed) {
      lmul::lmul_gemm_bt_arch<bf16_arch>(m, n, k, a.data(), k, b.data(), k, c.data(), n);
    } else {
      lmul::lmul_gemm_arch<bf16_arch>(m, n, k, a.data(), k, b.data(), n, c.data(), n);
    }
    const std::size_t block = lmul::detail::bf16_scheme<bf16>::depth_block;
    for (std::size_t i = 0; i < m; ++i) {
      for (std::size_t j = 0; j < n; ++j) {
        const auto product = [&](std::size_t p) {
          return reference_wide(a[i * k + p], b_at(p, j));
        };
        float entry = 0.0f;
        for (std::size_t p0 = 0; p0 < k; p0 += block) {
          const std::size_t end = std::min(k, p0 + block);
          float sum = 0.0f;
          for (std::size_t p = p0; p < end; p += 2) {
            sum += p + 1 < end ? product(p + 1) : 0.0f;
            sum += product(p);
          }
          entry = p0 == 0 ? sum : entry + sum;
        }
        ASSERT_EQ(c[i * n + j], entry) << (transposed ? "bt " : "") << "(" << i << ", " << j << ")";
      }
    }
  }
}

#endif  // a unit without AVX-512 BW flags has no bf16 GEMM to test

}  // namespace
