// lmul_mx_gemm: every entry is lmul_mx_dot of a row of A and a row of Bt (bit for bit where the
// block sums are exact, within the dot's bound otherwise), on odd shapes and block sizes; NaN
// scales; argument checks with nothing written.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <span>
#include <stdexcept>
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
            abs_sum += std::ldexp((long double)std::fabs(lmul::lmul_wide_product(a.row(i)[p], bt.row(j)[p])), e);
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
