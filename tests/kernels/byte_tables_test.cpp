// The 8-bit kernels' compile-time tables (kernels/byte_tables.hpp, and the VBMI multiply's class
// tables) against the scalar definition, for every pair of magnitude codes of every 8-bit format.
// The builders evaluate the definition once per u sum, which is right only because L-Mul depends on
// a pair through K(x) + K(y) alone (spec 3.1): this is the every-pair proof of that, run on any CPU
// (the tables are plain data; the VBMI arch tests only run where the CPU has VBMI).
#include <algorithm>
#include <bit>
#include <cstdint>
#include <string>
#include <type_traits>

#include <gtest/gtest.h>

#include <lmul/lmul.hpp>
#include <lmul/kernels/span_kernels.hpp>

namespace {

template <class T>
class ByteTables : public ::testing::Test {};
using byte_types = ::testing::Types<lmul::float8_e4m3fn, lmul::float8_e5m2, lmul::lmul<1, 6>,
                                    lmul::lmul<2, 5>, lmul::lmul<3, 4>, lmul::lmul<4, 3>,
                                    lmul::lmul<5, 2>>;
TYPED_TEST_SUITE(ByteTables, byte_types);

std::string pair_name(unsigned x, unsigned y) {
  return "magnitude codes " + std::to_string(x) + " * " + std::to_string(y);
}

/// The piecewise form of the product table (byte_tables.hpp), for kernels with 16-byte lookups.
template <class Tables>
int piecewise_product(const Tables& t, int cls) {
  if (cls < t.low_begin) return 0;
  if (cls < t.normal_begin) return t.low[std::size_t(cls - t.low_begin)];
  if (cls < t.overflow_begin) return cls - t.normal_offset;
  return t.overflow_magnitude;
}

TYPED_TEST(ByteTables, EveryFiniteNonzeroPairMatchesTheScalarDefinition) {
  using F = lmul::format_of_t<TypeParam>;
  using S = typename F::storage;
  constexpr int M = F::mantissa_bits;
  constexpr auto& t = lmul::detail::byte_tables_v<F>;
  // What the kernels rely on (spec 3.1 and 5): every 8-bit wide product is a bf16 whose bits are
  // the u sum plus a constant; one byte of classes covers every format but lmul<5,2> (sums to 446).
  EXPECT_TRUE(t.wide_by_index);
  EXPECT_EQ(t.product_by_class, !(std::is_same_v<TypeParam, lmul::lmul<5, 2>>));
  EXPECT_TRUE(t.piecewise_matches);
  int failures = 0;
  for (unsigned x = 1; x <= F::max_finite_code && failures < 5; ++x) {
    for (unsigned y = 1; y <= F::max_finite_code && failures < 5; ++y) {
      const int sum = t.index[x] + t.index[y];
      const int want = lmul::detail::lmul_codes<F>(S(x), S(y));
      const auto wide = std::bit_cast<std::uint32_t>(lmul::detail::lmul_wide<F>(S(x), S(y)));
      const int cls = std::min(sum, 255);
      const bool ok =
          t.product_of_sum[std::size_t(sum)] == want &&
          (!t.product_by_class || t.product[std::size_t(cls)] == want) &&
          (!t.piecewise_matches || piecewise_product(t, cls) == int(t.product[std::size_t(cls)])) &&
          (!t.wide_by_index || wide == std::uint32_t(sum + t.wide_bias) << (23 - M));
      if (!ok) {
        ++failures;
        ADD_FAILURE() << pair_name(x, y) << ": u sum " << sum << ", scalar product " << want
                      << ", by sum " << int(t.product_of_sum[std::size_t(sum)]) << ", by class "
                      << int(t.product[std::size_t(cls)]) << ", piecewise "
                      << piecewise_product(t, cls) << "; wide bits " << wide << ", by sum "
                      << (std::uint32_t(sum + t.wide_bias) << (23 - M));
      }
    }
  }
}

#if LMUL_KERNELS_X86
// The VBMI multiply's class arithmetic (avx512_vbmi.hpp, multiply_bytes_vbmi) written out in scalar
// code, for every magnitude pair, zero included.
int saturate_signed(int v) { return std::clamp(v, -128, 127); }

TYPED_TEST(ByteTables, VbmiMultiplyClassesMatchTheScalarDefinition) {
  using F = lmul::format_of_t<TypeParam>;
  using S = typename F::storage;
  using T = lmul::detail::vbmi_multiply_tables<F>;
  constexpr auto& m = lmul::detail::vbmi_multiply_tables_v<F>;
  constexpr auto& t = lmul::detail::byte_tables_v<F>;
  EXPECT_EQ(T::wide_classes, (std::is_same_v<TypeParam, lmul::lmul<5, 2>>));
  int failures = 0;
  for (unsigned x = 0; x <= F::max_finite_code && failures < 5; ++x) {
    for (unsigned y = 0; y <= F::max_finite_code && failures < 5; ++y) {
      const bool nonzero = x != 0 && y != 0;
      int got;
      if constexpr (T::wide_classes) {
        const int vx = std::int8_t(m.index[x]), vy = std::int8_t(m.index[y]);
        const int cls = nonzero ? saturate_signed(vx + vy) : -128;
        const int vy_less_one = std::int8_t(std::uint8_t(vy - 1));  // vpsubb wraps
        const bool overflow = nonzero && saturate_signed(vx + vy_less_one) == 127;
        got = overflow ? t.overflow_magnitude : m.product[std::uint8_t(cls)];
      } else if constexpr (T::signed_classes) {
        const int cls = saturate_signed(std::int8_t(m.index[x]) + std::int8_t(m.index[y]));
        got = m.product[std::uint8_t(cls)];
      } else {
        const int cls = nonzero ? std::min(m.index[x] + m.index[y], 255) : 0;
        got = m.product[std::size_t(cls)];
      }
      const int want = lmul::detail::lmul_codes<F>(S(x), S(y));
      if (got != want) {
        ++failures;
        ADD_FAILURE() << pair_name(x, y) << ": the class tables give " << got
                      << ", the scalar definition " << want;
      }
    }
  }
}
#endif

}  // namespace
