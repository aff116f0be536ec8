// FP6 / FP4 codes with the unused high bits of their byte set (issue 17, item 3): a byte b is the
// value of b & 0x3F (FP6) or b & 0x0F (FP4) everywhere. Arrays holding every byte 0..255, filled
// from raw bytes as NumPy users do, give the same bits through float(x), from_bits, lmul_dot,
// lmul_multiply, lmul_mx_dot, mx_dot, lmul_gemm, lmul_gemm_bt and lmul_mx_gemm as the same arrays
// with the codes masked (whose results the other MX tests check against the references). This
// target is built with _GLIBCXX_ASSERTIONS: an out-of-range std::array index aborts.
// The kernels of this process's table run here; tests/kernels/runtime_test.cpp runs the block sums
// of every table the CPU has on the same inputs.
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <vector>

#include "mx_test_support.hpp"

namespace {

using lmul::float8_e8m0fnu;

template <class T>
constexpr std::uint8_t low_bits = std::uint8_t((1u << lmul::format_of_t<T>::total_bits) - 1);

/// Elements holding the raw bytes (memcpy, as from a uint8 buffer: no from_bits on the way).
template <class T>
std::vector<T> from_raw_bytes(const std::vector<std::uint8_t>& bytes) {
  static_assert(sizeof(T) == 1);
  std::vector<T> out(bytes.size());
  std::memcpy(out.data(), bytes.data(), bytes.size());
  return out;
}

template <class T>
std::vector<T> masked(const std::vector<std::uint8_t>& bytes) {
  std::vector<T> out;
  for (const std::uint8_t b : bytes) out.push_back(T::from_bits(std::uint8_t(b & low_bits<T>)));
  return out;
}

/// Every byte 0..255 (a) and a permutation of them (b), 256 each.
inline std::vector<std::uint8_t> every_byte() {
  std::vector<std::uint8_t> v(256);
  for (unsigned i = 0; i < 256; ++i) v[i] = std::uint8_t(i);
  return v;
}
inline std::vector<std::uint8_t> every_byte_permuted() {
  std::vector<std::uint8_t> v(256);
  for (unsigned i = 0; i < 256; ++i) v[i] = std::uint8_t(i * 167 + 59);  // 167 is odd: a bijection
  return v;
}

std::uint32_t bits_of(float x) { return std::bit_cast<std::uint32_t>(x); }

template <class T>
class MxHighBits : public ::testing::Test {};
using narrow_types = ::testing::Types<lmul::float6_e2m3fn, lmul::float6_e3m2fn, lmul::float4_e2m1fn>;
TYPED_TEST_SUITE(MxHighBits, narrow_types);

TYPED_TEST(MxHighBits, FromBitsKeepsTheLowBitsAndValuesFollowThem) {
  using T = TypeParam;
  const auto raw = from_raw_bytes<T>(every_byte());
  for (unsigned byte = 0; byte < 256; ++byte) {
    const std::uint8_t low = std::uint8_t(byte & low_bits<T>);
    EXPECT_EQ(T::from_bits(std::uint8_t(byte)).bits(), low) << byte;
    EXPECT_EQ(bits_of(float(raw[byte])), bits_of(float(T::from_bits(low)))) << byte;
  }
  EXPECT_EQ(float(lmul::float4_e2m1fn::from_bits(0x42)), 1.0f);  // the example
  EXPECT_EQ(lmul::float4_e2m1fn::from_bits(0x42).bits(), 0x02);
}

TYPED_TEST(MxHighBits, DotsAndMultiplyIgnoreTheHighBits) {
  using T = TypeParam;
  const auto a = from_raw_bytes<T>(every_byte()), b = from_raw_bytes<T>(every_byte_permuted());
  const auto ma = masked<T>(every_byte()), mb = masked<T>(every_byte_permuted());
  // lmul_dot on every length up to 256 (the block sums' registers, tails and scalar remainders).
  for (std::size_t n = 0; n <= 256; ++n) {
    const std::span<const T> x(a.data(), n), y(b.data(), n), mx(ma.data(), n), my(mb.data(), n);
    ASSERT_EQ(bits_of(lmul::lmul_dot(x, y)), bits_of(lmul::lmul_dot(mx, my))) << "n " << n;
  }
  std::vector<T> out(256), mout(256);
  lmul::lmul_multiply(a, b, out);
  lmul::lmul_multiply(ma, mb, mout);
  for (std::size_t i = 0; i < 256; ++i) EXPECT_EQ(out[i].bits(), mout[i].bits()) << i;
  // MX dots with blocks of 32 (8 scales) and 7 (a short last block), scales around 2^0.
  for (const std::size_t block : {std::size_t{32}, std::size_t{7}, std::size_t{256}}) {
    const std::size_t blocks = (256 + block - 1) / block;
    std::vector<float8_e8m0fnu> sa, sb;
    for (std::size_t j = 0; j < blocks; ++j) {
      sa.push_back(float8_e8m0fnu::from_exponent(int(j % 5) - 2));
      sb.push_back(float8_e8m0fnu::from_exponent(1 - int(j % 3)));
    }
    using S = std::span<const T>;
    EXPECT_EQ(bits_of(lmul::lmul_mx_dot<T>(sa, S(a), sb, S(b), block)),
              bits_of(lmul::lmul_mx_dot<T>(sa, S(ma), sb, S(mb), block)))
        << "block " << block;
    EXPECT_EQ(bits_of(lmul::mx_dot<T>(sa, S(a), sb, S(b), block)),
              bits_of(lmul::mx_dot<T>(sa, S(ma), sb, S(mb), block)))
        << "block " << block;
  }
}

TYPED_TEST(MxHighBits, GemmsIgnoreTheHighBits) {
  using T = TypeParam;
  const auto a = from_raw_bytes<T>(every_byte()), b = from_raw_bytes<T>(every_byte_permuted());
  const auto ma = masked<T>(every_byte()), mb = masked<T>(every_byte_permuted());
  // Shapes over the 256 bytes: m x k = 8 x 32 with lda 32, 4 x 60 with lda 64 (padding), 16 x 16.
  const std::size_t shapes[][3] = {{8, 32, 32}, {4, 60, 64}, {16, 16, 16}, {1, 256, 256}};
  for (const auto& s : shapes) {
    const std::size_t m = s[0], k = s[1], ld = s[2], n = m;
    const auto compare = [&](const char* what, const std::vector<float>& got,
                             const std::vector<float>& want) {
      for (std::size_t i = 0; i < got.size(); ++i) {
        ASSERT_EQ(bits_of(got[i]), bits_of(want[i])) << what << ", " << m << " x " << k << ", " << i;
      }
    };
    std::vector<float> c(m * n, -1.f), mc(m * n, -2.f);
    // lmul_gemm: B is k x n with ldb = n taken from b's bytes (k * n <= 256).
    lmul::lmul_gemm<T>(m, n, k, a.data(), ld, b.data(), n, c.data(), n);
    lmul::lmul_gemm<T>(m, n, k, ma.data(), ld, mb.data(), n, mc.data(), n);
    compare("lmul_gemm", c, mc);
    lmul::lmul_gemm_bt<T>(m, n, k, a.data(), ld, b.data(), ld, c.data(), n);
    lmul::lmul_gemm_bt<T>(m, n, k, ma.data(), ld, mb.data(), ld, mc.data(), n);
    compare("lmul_gemm_bt", c, mc);
    for (const std::size_t block : {std::size_t{32}, std::size_t{5}}) {
      const std::size_t blocks = (k + block - 1) / block;
      std::vector<float8_e8m0fnu> sa(m * blocks), sb(n * blocks);
      for (std::size_t i = 0; i < sa.size(); ++i) sa[i] = float8_e8m0fnu::from_exponent(int(i % 7) - 3);
      for (std::size_t i = 0; i < sb.size(); ++i) sb[i] = float8_e8m0fnu::from_exponent(int(i % 4) - 1);
      lmul::lmul_mx_gemm<T>(m, n, k, sa.data(), a.data(), ld, sb.data(), b.data(), ld, c.data(), n,
                            block);
      lmul::lmul_mx_gemm<T>(m, n, k, sa.data(), ma.data(), ld, sb.data(), mb.data(), ld, mc.data(),
                            n, block);
      compare("lmul_mx_gemm", c, mc);
    }
  }
}

}  // namespace
