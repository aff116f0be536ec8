// Spec section 1: every code of each 8-bit format (and of the two 16-bit layouts) decodes to the
// value of the spec's formula, and the classification functions agree with it.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

#include "core_test_support.hpp"

namespace {

template <class T>
class DecodeEveryCode : public ::testing::Test {};

using decode_types =
    ::testing::Types<lmul::float8_e4m3fn, lmul::float8_e5m2, lmul::lmul<1, 6>, lmul::lmul<2, 5>,
                     lmul::lmul<3, 4>, lmul::lmul<4, 3>, lmul::lmul<5, 2>, lmul::lmul<7, 8>,
                     lmul::lmul<10, 5>, lmul::float6_e2m3fn, lmul::float6_e3m2fn,
                     lmul::float4_e2m1fn>;
TYPED_TEST_SUITE(DecodeEveryCode, decode_types);

TYPED_TEST(DecodeEveryCode, MatchesSpecFormula) {
  using T = TypeParam;
  const lmul_ref::format_desc d = core_test::desc<T>();
  const std::uint32_t codes = std::uint32_t{1} << (1 + d.E + d.M);
  std::uint64_t mismatches = 0;
  for (std::uint32_t c = 0; c < codes; ++c) {
    const lmul_ref::value want = lmul_ref::decode(d, c);
    const T x = T::from_bits(typename T::storage(c));
    const float f = float(x);
    const double g = double(x);
    bool ok = x.bits() == c && lmul::signbit(x) == want.negative &&
              lmul::isnan(x) == (want.kind == lmul_ref::value::nan) &&
              lmul::isinf(x) == (want.kind == lmul_ref::value::infinity) &&
              lmul::isfinite(x) == (want.kind == lmul_ref::value::finite);
    if (want.kind == lmul_ref::value::nan) {
      ok = ok && std::isnan(f) && std::isnan(g);
    } else {
      const double signed_value =
          want.kind == lmul_ref::value::infinity ? INFINITY : want.magnitude;
      const double v = want.negative ? -signed_value : signed_value;
      ok = ok && double(f) == v && g == v && std::signbit(f) == want.negative;
    }
    // abs clears the sign and nothing else.
    ok = ok && lmul::abs(x).bits() == (c & ~d.sign_bit());
    if (!ok && ++mismatches <= 8) {
      ADD_FAILURE() << "code " << core_test::hex(c) << ": decoded " << f << ", spec formula "
                    << (want.kind == lmul_ref::value::nan ? NAN : want.magnitude) << " sign "
                    << want.negative;
    }
  }
  EXPECT_EQ(mismatches, 0u);
}

}  // namespace
