// Integers wider than 64 bits (__int128 and unsigned __int128, std::integral in the GNU dialect)
// convert exactly: one rounding from their exact value, like every other integer.
//
// References: for lmul<23,8> (the fp32 layout with IEEE specials) the compiler's own conversion
// of a 128-bit integer to float (libgcc, round to nearest even, overflow to inf); for the fp8
// formats the largest finite values of the spec's format table.
#include <bit>
#include <concepts>
#include <cstdint>
#include <random>

#include <gtest/gtest.h>

#include <lmul/small_float.hpp>

namespace {

using u128 = unsigned __int128;
using i128 = __int128;
static_assert(std::integral<i128> && std::integral<u128>, "test needs the GNU dialect");

using fp32_layout = lmul::lmul<23, 8>;

template <class I>
void expect_like_float(I x) {
  const auto expected = std::bit_cast<std::uint32_t>(static_cast<float>(x));
  EXPECT_EQ(fp32_layout(x).bits(), expected)
      << "high " << std::uint64_t(u128(x) >> 64) << " low " << std::uint64_t(x);
}

TEST(WideIntegers, BitsAbove64AreNotDropped) {
  // 2^64 + 5 rounds to 2^64 (fp32 field 64 + 127 = 191), not to 5.
  EXPECT_EQ(fp32_layout((u128(1) << 64) + 5).bits(), 191u << 23);
  // 2^70 is far above e4m3fn's largest finite value 448: NaN (the format has no inf), or 448
  // (code 0x7E) when saturating; the sign is kept.
  EXPECT_EQ(lmul::float8_e4m3fn(i128(1) << 70).bits(), 0x7F);
  EXPECT_EQ(lmul::float8_e4m3fn(-(i128(1) << 70)).bits(), 0xFF);
  EXPECT_EQ(lmul::float8_e4m3fn(i128(1) << 70, lmul::overflow_mode::saturating).bits(), 0x7E);
  // e5m2 has inf: 2^100 overflows to +inf (code 0x7C).
  EXPECT_EQ(lmul::float8_e5m2(u128(1) << 100).bits(), 0x7C);
}

TEST(WideIntegers, BitsBelow64DecideTies) {
  // 2^100 has quantum 2^77 in fp32: + 2^76 is a tie (to even: 2^100), one more unit at bit 0 (64
  // bits below the tie bit's neighbours) makes it round up.
  const u128 base = u128(1) << 100;
  EXPECT_EQ(fp32_layout(base + (u128(1) << 76)).bits(), (100u + 127) << 23);
  EXPECT_EQ(fp32_layout(base + (u128(1) << 76) + 1).bits(), ((100u + 127) << 23) | 1);
  expect_like_float(base + (u128(1) << 76) + 1);
}

TEST(WideIntegers, ExtremesAndSmallTypes) {
  expect_like_float(~u128(0));          // 2^128 - 1 rounds to 2^128: overflow to inf
  expect_like_float(i128(u128(1) << 127));  // -2^127, the most negative value
  expect_like_float(i128(~u128(0) >> 1));   // 2^127 - 1
  expect_like_float(i128(-1));
  expect_like_float(u128(0));
  EXPECT_EQ(float(fp32_layout(true)), 1.0f);
  EXPECT_EQ(float(fp32_layout(static_cast<signed char>(-128))), -128.0f);
  EXPECT_EQ(float(fp32_layout(char16_t(65535))), 65535.0f);
}

TEST(WideIntegers, RandomValuesMatchTheCompilersConversion) {
  std::mt19937_64 random(12);
  for (int i = 0; i < 200000; ++i) {
    u128 x = (u128(random()) << 64) | random();
    x >>= random() % 128;  // every width
    if (i % 4 == 1) {      // a tie or a near tie at fp32's rounding position below the leading bit
      const int width = 128 - int(random() % 100);
      const u128 top = (u128(random()) << 64 | random()) >> (128 - 24);  // 24 significant bits
      x = (top << (width - 24)) | (u128(1) << (width - 25)) | (random() % 2);
    }
    expect_like_float(x);
    expect_like_float(i128(x));
    expect_like_float(-i128(x >> 1));
  }
}

}  // namespace
