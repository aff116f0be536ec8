// L-Mul and the exact fp8 products over all 256 x 256 pairs of every 8-bit format, against the
// reference of spec section 3 (tests/core/reference).
#include <gtest/gtest.h>

#include <cstdint>

#include "core_test_support.hpp"

namespace {

using lmul_ref::overflow;

template <class T>
T code(std::uint32_t c) {
  return T::from_bits(typename T::storage(c));
}

// Every 8-bit element type; L-Mul on the float8 types goes through lmul::lmul_product.
template <class T>
class LmulAllPairs8Bit : public ::testing::Test {};
using lmul_8bit_types =
    ::testing::Types<lmul::float8_e4m3fn, lmul::float8_e5m2, lmul::lmul<1, 6>, lmul::lmul<2, 5>,
                     lmul::lmul<3, 4>, lmul::lmul<4, 3>, lmul::lmul<5, 2>>;
TYPED_TEST_SUITE(LmulAllPairs8Bit, lmul_8bit_types);

TYPED_TEST(LmulAllPairs8Bit, ProductSaturatingAndWide) {
  using T = TypeParam;
  const lmul_ref::format_desc d = core_test::desc<T>();
  const lmul_ref::format_table& table = core_test::table<T>();
  core_test::mismatch_log product("lmul_product"), saturating("lmul_product saturating"),
      wide("lmul_wide_product");
  for (std::uint32_t x = 0; x < 256; ++x) {
    for (std::uint32_t y = 0; y < 256; ++y) {
      const lmul_ref::value v = lmul_ref::lmul_value(d, x, y);
      const auto inputs = [&] { return core_test::hex(x) + " * " + core_test::hex(y); };
      product.check(table.round(v), core_test::outcome(lmul::lmul_product(code<T>(x), code<T>(y))),
                    inputs);
      saturating.check(table.round(v, overflow::saturating),
                       core_test::outcome(lmul::lmul_product(code<T>(x), code<T>(y),
                                                             lmul::overflow_mode::saturating)),
                       inputs);
      wide.check(lmul_ref::round_to_float(v), lmul::lmul_wide_product(code<T>(x), code<T>(y)),
                 inputs);
    }
  }
  EXPECT_EQ(product.checked(), 65536u);
}

// operator* of lmul<M,E> is L-Mul.
template <class T>
class LmulOperatorAllPairs : public ::testing::Test {};
using lmul_only_types = ::testing::Types<lmul::lmul<1, 6>, lmul::lmul<2, 5>, lmul::lmul<3, 4>,
                                         lmul::lmul<4, 3>, lmul::lmul<5, 2>>;
TYPED_TEST_SUITE(LmulOperatorAllPairs, lmul_only_types);

TYPED_TEST(LmulOperatorAllPairs, OperatorStarIsLmul) {
  using T = TypeParam;
  const lmul_ref::format_desc d = core_test::desc<T>();
  const lmul_ref::format_table& table = core_test::table<T>();
  core_test::mismatch_log log("operator*");
  for (std::uint32_t x = 0; x < 256; ++x) {
    for (std::uint32_t y = 0; y < 256; ++y) {
      T z = code<T>(x);
      z *= code<T>(y);
      log.check(table.round(lmul_ref::lmul_value(d, x, y)),
                core_test::outcome(code<T>(x) * code<T>(y)),
                [&] { return core_test::hex(x) + " * " + core_test::hex(y); });
      log.check(table.round(lmul_ref::lmul_value(d, x, y)), core_test::outcome(z),
                [&] { return core_test::hex(x) + " *= " + core_test::hex(y); });
    }
  }
}

// operator* of the OCP float8 types is the exactly rounded product.
template <class T>
class ExactFp8AllPairs : public ::testing::Test {};
using fp8_types = ::testing::Types<lmul::float8_e4m3fn, lmul::float8_e5m2>;
TYPED_TEST_SUITE(ExactFp8AllPairs, fp8_types);

TYPED_TEST(ExactFp8AllPairs, OperatorStarIsExactlyRounded) {
  using T = TypeParam;
  const lmul_ref::format_desc d = core_test::desc<T>();
  const lmul_ref::format_table& table = core_test::table<T>();
  core_test::mismatch_log log("exact operator*");
  for (std::uint32_t x = 0; x < 256; ++x) {
    for (std::uint32_t y = 0; y < 256; ++y) {
      log.check(table.round(lmul_ref::exact_product(d, x, y)),
                core_test::outcome(code<T>(x) * code<T>(y)),
                [&] { return core_test::hex(x) + " * " + core_test::hex(y); });
    }
  }
}

}  // namespace
