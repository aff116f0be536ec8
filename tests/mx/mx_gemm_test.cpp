// lmul_mx_gemm: every entry is lmul_mx_dot of a row of A and a row of Bt (bit for bit where the
// block sums are exact, within the dot's bound otherwise), on odd shapes and block sizes; NaN
// scales; argument checks with nothing written.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "mx_test_support.hpp"

namespace {

using lmul::float8_e8m0fnu;

template <class T>
struct mx_matrix {
  std::size_t rows, cols, ld, block, blocks;
  std::vector<T> data;
  std::vector<float8_e8m0fnu> scales;
  std::span<const T> row(std::size_t i) const { return {data.data() + i * ld, cols}; }
  std::span<const float8_e8m0fnu> row_scales(std::size_t i) const {
    return {scales.data() + i * blocks, blocks};
  }
};

template <class T>
mx_matrix<T> random_matrix(std::size_t rows, std::size_t cols, std::size_t ld, std::size_t block,
                           std::mt19937& rng) {
  const lmul_ref::format_table& table = core_test::table<T>();
  std::uniform_int_distribution<std::uint32_t> code(0, 2 * table.desc().sign_bit() - 1);
  std::uniform_int_distribution<int> scale(-20, 20);
  mx_matrix<T> m{rows, cols, ld, block, (cols + block - 1) / block, {}, {}};
  for (std::size_t i = 0; i < rows * ld; ++i) {
    std::uint32_t c = code(rng);
    while (lmul::isnan(T::from_bits(std::uint8_t(c))) || lmul::isinf(T::from_bits(std::uint8_t(c)))) c = code(rng);
    m.data.push_back(T::from_bits(std::uint8_t(c)));
  }
  for (std::size_t i = 0; i < rows * m.blocks; ++i) m.scales.push_back(float8_e8m0fnu::from_exponent(scale(rng)));
  return m;
}

template <class T>
class MxGemm : public ::testing::Test {};
TYPED_TEST_SUITE(MxGemm, mx_test::mx_types);

TYPED_TEST(MxGemm, EveryEntryIsTheDot) {
  using T = TypeParam;
  // FP6/FP4 block sums are exact in fp32 in any order (few significant bits, a narrow exponent
  // range), so there gemm and dot agree bit for bit; fp8 block sums may round differently.
  constexpr bool exact_blocks = lmul::format_of_t<T>::total_bits < 8;
  std::mt19937 rng(23);
  const std::size_t shapes[][4] = {{1, 1, 1, 32}, {3, 5, 70, 32}, {17, 9, 33, 32}, {70, 260, 64, 32},
                                   {5, 7, 100, 7}, {66, 3, 129, 128}, {2, 300, 31, 1}};
  std::size_t entries = 0;
  for (const auto& s : shapes) {
    const std::size_t m = s[0], n = s[1], k = s[2], block = s[3];
    const auto a = random_matrix<T>(m, k, k + 3, block, rng);
    const auto bt = random_matrix<T>(n, k, k + 1, block, rng);
    const std::size_t ldc = n + 2;
    std::vector<float> c(m * ldc, -7.f);
    lmul::lmul_mx_gemm<T>(m, n, k, a.scales.data(), a.data.data(), a.ld, bt.scales.data(),
                          bt.data.data(), bt.ld, c.data(), ldc, block);
    for (std::size_t i = 0; i < m; ++i) {
      for (std::size_t j = 0; j < n; ++j) {
        const float dot = lmul::lmul_mx_dot<T>(a.row_scales(i), a.row(i), bt.row_scales(j), bt.row(j), block);
        const float got = c[i * ldc + j];
        ++entries;
        if (exact_blocks) {
          EXPECT_EQ(std::bit_cast<std::uint32_t>(got), std::bit_cast<std::uint32_t>(dot))
              << i << "," << j << " shape " << m << "x" << n << "x" << k;
        } else {
          // Both lie within gamma_(k + blocks) * sum |terms| of the exact value.
          long double abs_sum = 0;
          for (std::size_t p = 0; p < k; ++p) {
            const int e = int(a.scales[i * a.blocks + p / block].bits()) +
                          int(bt.scales[j * bt.blocks + p / block].bits()) - 254;
            abs_sum += std::ldexp((long double)std::fabs(core_test::reference_products<T>::wide(a.row(i)[p], bt.row(j)[p])), e);
          }
          const long double mm = (long double)(k + a.blocks), u = 0x1p-24L;
          EXPECT_LE(std::fabs((long double)got - dot), 2 * mm * u / (1 - mm * u) * abs_sum + 0x1p-140L)
              << i << "," << j;
        }
      }
      for (std::size_t j = n; j < ldc; ++j) EXPECT_EQ(c[i * ldc + j], -7.f);  // padding untouched
    }
  }
  std::printf("%zu entries checked\n", entries);
}

TYPED_TEST(MxGemm, NanScalesAndEmptyDepth) {
  using T = TypeParam;
  std::mt19937 rng(2);
  auto a = random_matrix<T>(4, 40, 40, 32, rng);
  const auto bt = random_matrix<T>(3, 40, 40, 32, rng);
  a.scales[2 * a.blocks + 1] = float8_e8m0fnu::from_bits(0xFF);  // row 2, second block
  std::vector<float> c(12);
  lmul::lmul_mx_gemm<T>(4, 3, 40, a.scales.data(), a.data.data(), 40, bt.scales.data(), bt.data.data(), 40,
                        c.data(), 3);
  for (std::size_t i = 0; i < 4; ++i) {
    for (std::size_t j = 0; j < 3; ++j) EXPECT_EQ(std::isnan(c[i * 3 + j]), i == 2) << i << "," << j;
  }
  std::vector<float> z(6, 5.f);
  lmul::lmul_mx_gemm<T>(2, 3, 0, nullptr, nullptr, 0, nullptr, nullptr, 0, z.data(), 3);
  for (const float v : z) EXPECT_EQ(v, 0.f);
}

TYPED_TEST(MxGemm, BadArgumentsThrowAndWriteNothing) {
  using T = TypeParam;
  std::mt19937 rng(4);
  const auto a = random_matrix<T>(4, 40, 40, 32, rng);
  const auto bt = random_matrix<T>(3, 40, 40, 32, rng);
  std::vector<float> c(12, 9.f);
  const auto call = [&](std::size_t lda, std::size_t ldbt, std::size_t ldc, const T* pa,
                        const float8_e8m0fnu* psa, float* pc, std::size_t block) {
    lmul::lmul_mx_gemm<T>(4, 3, 40, psa, pa, lda, bt.scales.data(), bt.data.data(), ldbt, pc, ldc, block);
  };
  const T* pa = a.data.data();
  const float8_e8m0fnu* psa = a.scales.data();
  EXPECT_THROW(call(39, 40, 3, pa, psa, c.data(), 32), std::invalid_argument);       // lda < k
  EXPECT_THROW(call(40, 39, 3, pa, psa, c.data(), 32), std::invalid_argument);       // ldbt < k
  EXPECT_THROW(call(40, 40, 2, pa, psa, c.data(), 32), std::invalid_argument);       // ldc < n
  EXPECT_THROW(call(40, 40, 3, nullptr, psa, c.data(), 32), std::invalid_argument);  // null a
  EXPECT_THROW(call(40, 40, 3, pa, nullptr, c.data(), 32), std::invalid_argument);   // null scales
  EXPECT_THROW(call(40, 40, 3, pa, psa, nullptr, 32), std::invalid_argument);        // null c
  EXPECT_THROW(call(40, 40, 3, pa, psa, c.data(), 0), std::invalid_argument);        // block 0
  for (const float v : c) EXPECT_EQ(v, 9.f);
  // C overlapping A (reinterpreted storage) or the scales.
  std::vector<float> shared(400, 9.f);
  EXPECT_THROW(lmul::lmul_mx_gemm<T>(4, 3, 40, psa, reinterpret_cast<const T*>(shared.data()), 40,
                                     bt.scales.data(), bt.data.data(), 40, shared.data() + 10, 3),
               std::invalid_argument);
  EXPECT_THROW(lmul::lmul_mx_gemm<T>(4, 3, 40, reinterpret_cast<const float8_e8m0fnu*>(shared.data()), pa, 40,
                                     bt.scales.data(), bt.data.data(), 40, shared.data(), 3),
               std::invalid_argument);
  for (const float v : shared) EXPECT_EQ(v, 9.f);
}

}  // namespace

// ---- issue 17, items 1 and 2: the checks of lmul_gemm_bt, extended to the scales -------------

namespace {

/// What a call did: the exception message ("" for none).
template <class F>
std::string message_of(F&& call) {
  try {
    call();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

/// Arguments of one lmul_mx_gemm call on e4m3fn (or T) elements.
struct gemm_arguments {
  std::size_t m, n, k, lda, ldbt, ldc;
};

template <class T>
class MxGemmSizes : public ::testing::Test {};
TYPED_TEST_SUITE(MxGemmSizes, mx_test::mx_types);

// The sizes (m = 2, n = 1, k = 1 with ldc = 2^62 - 1, m = 2^62, lda = SIZE_MAX / 2) and
// more that overflow or wrap size_t: lmul_mx_gemm throws std::invalid_argument with lmul_gemm_bt's
// message (its own name in front) and writes nothing, not even before or after C.
TYPED_TEST(MxGemmSizes, OversizedOrWrappingArgumentsAreThoseOfLmulGemmBt) {
  using T = TypeParam;
  const std::size_t max = SIZE_MAX, p62 = std::size_t{1} << 62;
  const gemm_arguments cases[] = {
      {2, 1, 1, 1, 1, p62 - 1},        // C's second row wraps to 4 bytes before C
      {p62, 1, 1, 1, 1, 1},            // m = 2^62
      {2, 1, 1, max / 2, 1, 1},        // lda = SIZE_MAX / 2
      {2, 2, 1, 1, max / 2, 2},        // ldbt = SIZE_MAX / 2 with two rows of Bt
      {2, 1, 1, max, 1, 1},            // lda = SIZE_MAX
      {2, 1, 1, 1, 1, max},            // ldc = SIZE_MAX
      {2, 1, 1, 1, 1, max / 4 + 1},    // ldc * 4 wraps to 0 bytes
      {1, p62, 1, 1, 1, p62},          // n = 2^62: one row of C larger than PTRDIFF_MAX bytes
      {1, 1, 2 * p62, 2 * p62, 2 * p62, 1},  // k = 2^63: one row of A past PTRDIFF_MAX bytes
      {2, 1, max / 2, max / 2, max / 2, 1},  // k = lda = SIZE_MAX / 2
      {max, max, max, max, max, max},  // everything SIZE_MAX
  };
  std::vector<T> a(64), bt(64);
  std::vector<float8_e8m0fnu> sa(64), sb(64);
  std::vector<float> buffer(64, 3.f);
  float* c = buffer.data() + 16;  // 16 guard floats on each side at least
  for (const auto& g : cases) {
    const std::string want = message_of([&] {
      lmul::lmul_gemm_bt<T>(g.m, g.n, g.k, a.data(), g.lda, bt.data(), g.ldbt, c, g.ldc);
    });
    ASSERT_EQ(want.rfind("lmul_gemm_bt: ", 0), 0u) << "lmul_gemm_bt accepted " << g.m << " " << g.n
                                                    << " " << g.k << " " << g.lda << " " << g.ldc;
    const std::string got = message_of([&] {
      lmul::lmul_mx_gemm<T>(g.m, g.n, g.k, sa.data(), a.data(), g.lda, sb.data(), bt.data(), g.ldbt,
                            c, g.ldc);
    });
    EXPECT_EQ(got, "lmul_mx_gemm: " + want.substr(std::string("lmul_gemm_bt: ").size()))
        << "m " << g.m << ", n " << g.n << ", k " << g.k << ", lda " << g.lda << ", ldbt " << g.ldbt
        << ", ldc " << g.ldc;
    for (std::size_t i = 0; i < buffer.size(); ++i) ASSERT_EQ(buffer[i], 3.f) << "float " << i;
  }
}

// The scales are matrices of their own (m x blocks, n x blocks): one whose range wraps around the
// address space is rejected, and C may not share an element with them, with nothing written.
TYPED_TEST(MxGemmSizes, ScalesAreCheckedAsMatrices) {
  using T = TypeParam;
  std::vector<T> a(64), bt(64);
  std::vector<float8_e8m0fnu> sa(64), sb(64);
  std::vector<float> c(64, 3.f);
  // 2 x 2 blocks of scales starting 2 bytes before the end of the address space.
  const auto* wrapping = reinterpret_cast<const float8_e8m0fnu*>(std::uintptr_t(UINTPTR_MAX - 1));
  EXPECT_EQ(message_of([&] {
              lmul::lmul_mx_gemm<T>(2, 2, 64, wrapping, a.data(), 64, sb.data(), bt.data(), 64,
                                    c.data(), 2);
            }).rfind("lmul_mx_gemm: scales_a (2 x 2, leading dimension 2) wraps", 0),
            0u);
  EXPECT_EQ(message_of([&] {
              lmul::lmul_mx_gemm<T>(2, 2, 64, sa.data(), a.data(), 64, wrapping, bt.data(), 64,
                                    c.data(), 2);
            }).rfind("lmul_mx_gemm: scales_bt (2 x 2, leading dimension 2) wraps", 0),
            0u);
  EXPECT_EQ(message_of([&] {
              lmul::lmul_mx_gemm<T>(2, 2, 64, sa.data(), a.data(), 64, nullptr, bt.data(), 64,
                                    c.data(), 2);
            }).rfind("lmul_mx_gemm: scales_bt (2 x 2, leading dimension 2) is null", 0),
            0u);
  for (const float v : c) ASSERT_EQ(v, 3.f);
  // k = 32 in blocks of 1: scales_a is 2 x 32 bytes at bytes 0..63 of `shared`; C's first row
  // (ldc = 8 floats) at bytes 32..35 lies in scales_a's second row.
  std::vector<float> shared(64, 3.f);
  auto* scales_in_c = reinterpret_cast<const float8_e8m0fnu*>(shared.data());
  EXPECT_EQ(message_of([&] {
              lmul::lmul_mx_gemm<T>(2, 1, 32, scales_in_c, a.data(), 32, sb.data(), bt.data(), 32,
                                    shared.data() + 8, 8, 1);
            }),
            "lmul_mx_gemm: c overlaps scales_a or scales_bt");
  for (const float v : shared) ASSERT_EQ(v, 3.f);
}

// Item 2: C in the padding between the rows of A (and of the scales) is valid, as for lmul_gemm:
// no shared element. With all scales 2^0 and k within one block, C is lmul_gemm_bt's C.
TYPED_TEST(MxGemmSizes, CInThePaddingBetweenRowsIsAccepted) {
  using T = TypeParam;
  // One buffer of 64-byte rows: A's row i in bytes 0..3 of row i (k = 4, lda = 64 elements), C's
  // row i at bytes 8..15 of row i (n = 2, ldc = 16 floats): no byte of C is an element of A.
  constexpr std::size_t m = 3, n = 2, k = 4, lda = 64, ldc = 16;
  std::vector<float> buffer(m * 16, -5.f), expected_buffer;
  std::mt19937 rng(7);
  const auto elem = [&] {  // positive finite values: no -0 sums
    T x;
    do x = T::from_bits(std::uint8_t(rng() & 0x3F & lmul::format_of_t<T>::magnitude_mask));
    while (!lmul::isfinite(x) || float(x) == 0.f);
    return x;
  };
  auto* a = reinterpret_cast<T*>(buffer.data());
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t p = 0; p < k; ++p) a[i * lda + p] = elem();
  }
  std::vector<T> bt(n * k);
  for (T& x : bt) x = elem();
  const std::vector<float8_e8m0fnu> sa(m, float8_e8m0fnu::from_exponent(0)),
      sb(n, float8_e8m0fnu::from_exponent(0));
  float* c = buffer.data() + 2;
  expected_buffer = buffer;
  lmul::lmul_gemm_bt<T>(m, n, k, reinterpret_cast<const T*>(expected_buffer.data()), lda, bt.data(),
                        k, expected_buffer.data() + 2, ldc);  // accepted by lmul_gemm_bt
  ASSERT_NO_THROW(lmul::lmul_mx_gemm<T>(m, n, k, sa.data(), a, lda, sb.data(), bt.data(), k, c, ldc));
  for (std::size_t i = 0; i < buffer.size(); ++i) {
    EXPECT_EQ(std::bit_cast<std::uint32_t>(buffer[i]), std::bit_cast<std::uint32_t>(expected_buffer[i]))
        << "float " << i;
  }
}

}  // namespace
