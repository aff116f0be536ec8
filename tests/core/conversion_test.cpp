// float and double -> format (spec section 2): the spec's tricky cases, signed zero, NaN, infinity,
// overflow modes, truncation, one rounding from double, and a sampled sweep of floats through every
// 8- and 16-bit format (the full 2^32 sweep is conversion_exhaustive_test.cpp).
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

#include "conversion_support.hpp"

namespace {

using lmul::overflow_mode;
using e4m3fn = lmul::float8_e4m3fn;
using e5m2 = lmul::float8_e5m2;
constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

TEST(Conversion, SpecTrickyCasesE4m3fn) {
  const struct {
    double x;
    unsigned code;
  } cases[] = {{0x1p-10, 0x00},  {3 * 0x1p-10, 0x02},  {5 * 0x1p-10, 0x02}, {7 * 0x1p-10, 0x04},
               {15 * 0x1p-10, 0x08}, {1.0625, 0x38}, {1.1875, 0x3A},      {464, 0x7E},
               {-464, 0xFE},     {1.0625 + 0x1p-40, 0x39}};
  for (const auto& c : cases) {
    EXPECT_EQ(e4m3fn(c.x).bits(), c.code) << c.x;
    EXPECT_EQ(e4m3fn(c.x, overflow_mode::saturating).bits(), c.code) << c.x;
    if (float(c.x) == c.x) {
      EXPECT_EQ(e4m3fn(float(c.x)).bits(), c.code) << c.x;
    }
  }
  EXPECT_TRUE(lmul::isnan(e4m3fn(479.0)));
  EXPECT_TRUE(lmul::isnan(e4m3fn(479.0f)));
  EXPECT_TRUE(lmul::isnan(e4m3fn(464.0001)));
  EXPECT_EQ(e4m3fn(479.0, overflow_mode::saturating).bits(), 0x7E);
  EXPECT_EQ(e4m3fn(-479.0f, overflow_mode::saturating).bits(), 0xFE);
}

TEST(Conversion, SpecTrickyCasesE5m2) {
  EXPECT_EQ(e5m2(61439.0).bits(), 0x7B);
  EXPECT_EQ(e5m2(61439.0f).bits(), 0x7B);
  EXPECT_EQ(e5m2(61440.0).bits(), 0x7C);  // +inf
  EXPECT_TRUE(lmul::isinf(e5m2(61440.0f)));
  EXPECT_EQ(e5m2(-61440.0).bits(), 0xFC);
  EXPECT_EQ(e5m2(61440.0, overflow_mode::saturating).bits(), 0x7B);
  EXPECT_EQ(e5m2(-61440.0, overflow_mode::saturating).bits(), 0xFB);
  EXPECT_EQ(e5m2(0x1p-17).bits(), 0x00);
  EXPECT_EQ(e5m2(0x1p-17f).bits(), 0x00);
}

template <class T>
class ConversionSpecials : public ::testing::Test {};
using all_small_types =
    ::testing::Types<lmul::float8_e4m3fn, lmul::float8_e5m2, lmul::lmul<1, 6>, lmul::lmul<2, 5>,
                     lmul::lmul<3, 4>, lmul::lmul<4, 3>, lmul::lmul<5, 2>, lmul::lmul<7, 8>,
                     lmul::lmul<8, 7>, lmul::lmul<9, 6>, lmul::lmul<10, 5>, lmul::lmul<11, 4>,
                     lmul::lmul<12, 3>, lmul::lmul<13, 2>>;
TYPED_TEST_SUITE(ConversionSpecials, all_small_types);

TYPED_TEST(ConversionSpecials, ZeroNanInfinity) {
  using T = TypeParam;
  const lmul_ref::format_table& table = core_test::table<T>();
  const std::uint32_t sign = table.desc().sign_bit();
  const bool has_inf = !table.desc().finite_only;
  for (const overflow_mode mode : {overflow_mode::non_saturating, overflow_mode::saturating}) {
    // -0 keeps its sign; values below half the smallest subnormal round to signed zero.
    EXPECT_EQ(T(0.0, mode).bits(), 0u);
    EXPECT_EQ(T(-0.0, mode).bits(), sign);
    EXPECT_EQ(T(-0.0f, mode).bits(), sign);
    const double tiny = table.values()[1] / 2;  // the tie with zero rounds to zero (even)
    EXPECT_EQ(T(tiny, mode).bits(), 0u);
    EXPECT_EQ(T(-tiny, mode).bits(), sign);
    EXPECT_EQ(T(std::nextafter(tiny, 1.0), mode).bits(), 1u);
    EXPECT_EQ(T(-std::nextafter(tiny, 1.0), mode).bits(), sign | 1u);
    EXPECT_EQ(T(std::numeric_limits<double>::denorm_min(), mode).bits(), 0u);
    // NaN stays NaN in both modes.
    EXPECT_TRUE(lmul::isnan(T(nan, mode)));
    EXPECT_TRUE(lmul::isnan(T(-nan, mode)));
    EXPECT_TRUE(lmul::isnan(T(std::numeric_limits<float>::quiet_NaN(), mode)));
    EXPECT_TRUE(lmul::isnan(T(std::bit_cast<float>(0x7F800001u), mode)));  // signalling
  }
  // +-inf: kept by IEEE-style formats, NaN in e4m3fn; saturating mode gives +-max finite.
  if (has_inf) {
    EXPECT_EQ(T(inf).bits(), table.infinity_code());
    EXPECT_EQ(T(-inf).bits(), sign | table.infinity_code());
    EXPECT_EQ(T(-std::numeric_limits<float>::infinity()).bits(), sign | table.infinity_code());
  } else {
    EXPECT_TRUE(lmul::isnan(T(inf)));
    EXPECT_TRUE(lmul::isnan(T(-inf)));
  }
  EXPECT_EQ(T(inf, overflow_mode::saturating).bits(), table.max_finite_code());
  EXPECT_EQ(T(-inf, overflow_mode::saturating).bits(), sign | table.max_finite_code());
  EXPECT_EQ(T(std::numeric_limits<float>::infinity(), overflow_mode::saturating).bits(),
            table.max_finite_code());
  // Overflow is judged after rounding: the midpoint between max finite and the next value of an
  // unbounded exponent range is a tie (max finite is odd for IEEE-style formats: overflow).
  const double max = table.max_finite();
  const double threshold = (max + table.beyond_max()) / 2;
  EXPECT_EQ(T(std::nextafter(threshold, 0.0)).bits(), table.max_finite_code());
  EXPECT_EQ(T(std::nextafter(threshold, 0.0), overflow_mode::saturating).bits(),
            table.max_finite_code());
  const lmul_ref::expected at_threshold = table.round(false, threshold);
  EXPECT_EQ(lmul::isnan(T(threshold)), at_threshold.is_nan);
  if (!at_threshold.is_nan) {
    EXPECT_EQ(T(threshold).bits(), at_threshold.code);
  }
  EXPECT_EQ(T(std::nextafter(threshold, inf), overflow_mode::saturating).bits(),
            table.max_finite_code());
  if (has_inf) {
    EXPECT_EQ(T(std::nextafter(threshold, inf)).bits(), table.infinity_code());
  } else {
    EXPECT_TRUE(lmul::isnan(T(std::nextafter(threshold, inf))));
  }
}

TYPED_TEST(ConversionSpecials, TowardZero) {
  using T = TypeParam;
  using F = lmul::format_of_t<T>;
  const lmul_ref::format_table& table = core_test::table<T>();
  const auto rz = [](double x, overflow_mode m = overflow_mode::non_saturating) {
    return lmul::detail::encode<F>(x, m, lmul::rounding_mode::toward_zero);
  };
  // Truncation: just below 1 + ulp stays 1; just below 2 is the largest value below 2.
  const std::uint32_t one = std::uint32_t(table.desc().bias()) << table.desc().M;
  EXPECT_EQ(rz(std::nextafter(table.values()[one + 1], 0.0)), one);
  EXPECT_EQ(rz(-std::nextafter(table.values()[one + 1], 0.0)), one | table.desc().sign_bit());
  EXPECT_EQ(rz(std::nextafter(2.0, 0.0)), one + (1u << table.desc().M) - 1);
  EXPECT_EQ(rz(table.values()[1] * 0.99), 0u);  // below the smallest subnormal: zero
  // A finite value never truncates to infinity (IEEE round toward zero), in both modes.
  EXPECT_EQ(rz(1e300), table.max_finite_code());
  EXPECT_EQ(rz(1e300, overflow_mode::saturating), table.max_finite_code());
  EXPECT_TRUE(lmul::isnan(T::from_bits(rz(nan))));
}

TEST(Conversion, DoubleRoundsOnce) {
  // Spec section 2: 1.0625 + 2^-40 -> e4m3fn 0x39. Through float it would become 1.0625 (a tie)
  // and then 0x38.
  EXPECT_EQ(e4m3fn(1.0625 + 0x1p-40).bits(), 0x39);
  EXPECT_EQ(e4m3fn(-(1.0625 + 0x1p-40)).bits(), 0xB9);
  EXPECT_EQ(e4m3fn(1.0625 - 0x1p-40).bits(), 0x38);
  EXPECT_EQ(e4m3fn(1.1875 - 0x1p-40).bits(), 0x39);  // below the tie 1.1875 between 0x39, 0x3A
  using bf16_layout = lmul::lmul<7, 8>;
  using half_layout = lmul::lmul<10, 5>;
  EXPECT_EQ(bf16_layout(1.0 + 0x1p-8 + 0x1p-50).bits(), 0x3F81);  // 1 = 0x3F80, ulp 2^-7
  EXPECT_EQ(half_layout(1.0 + 0x1p-11 + 0x1p-50).bits(), 0x3C01);  // 1 = 0x3C00, ulp 2^-10
}

/// Random doubles on and next to the ties of a format (each input is a double; the reference
/// compares it exactly with the tie).
template <class T>
void check_doubles_near_ties(int samples) {
  const lmul_ref::format_table& table = core_test::table<T>();
  core_test::mismatch_log log("double near ties");
  std::mt19937_64 rng(1 + table.desc().M);
  std::uniform_int_distribution<std::uint32_t> code(0, table.max_finite_code());
  std::uniform_int_distribution<int> ulps(1, 1 << 20);
  std::uniform_int_distribution<int> scale(-60, -20);
  for (int i = 0; i < samples; ++i) {
    const std::uint32_t lo = code(rng);
    const double hi =
        lo + 1 < table.values().size() ? table.values()[lo + 1] : table.beyond_max();
    const double tie = (table.values()[lo] + hi) / 2;
    const double nudge = std::ldexp(tie == 0 ? 1.0 : tie, scale(rng));  // far below float's ulp
    for (const double x : {tie, std::nextafter(tie, 0.0), std::nextafter(tie, inf), tie + nudge,
                           tie - nudge, tie + ulps(rng) * std::ldexp(tie, -52)}) {
      for (const bool negative : {false, true}) {
        for (const overflow_mode mode : {overflow_mode::non_saturating, overflow_mode::saturating}) {
          const lmul_ref::expected want = table.round(
              negative, x, 0,
              mode == overflow_mode::saturating ? lmul_ref::overflow::saturating
                                                : lmul_ref::overflow::non_saturating);
          log.check(want, core_test::outcome(T(negative ? -x : x, mode)),
                    [&] { return std::to_string(negative ? -x : x); });
        }
      }
    }
  }
}

TEST(Conversion, DoublesNearTies) {
  check_doubles_near_ties<e4m3fn>(20000);
  check_doubles_near_ties<e5m2>(20000);
  check_doubles_near_ties<lmul::lmul<3, 4>>(20000);
  check_doubles_near_ties<lmul::lmul<1, 6>>(20000);
  check_doubles_near_ties<lmul::lmul<7, 8>>(50000);
  check_doubles_near_ties<lmul::lmul<10, 5>>(50000);
}

TEST(Conversion, IntegerRoundsOnce) {
  // Spec section 2 asks for one rounding from double; a careful user expects the same from the
  // integer constructor. 2^62 + 2^54 + 1 lies just above the tie 2^62 + 2^54 between the bf16-layout
  // neighbours 2^62 (code 0x5E80: e = 62 + 127 = 0xBD) and 2^62 + 2^55 (0x5E81), so it rounds up.
  // Through double it first becomes the tie itself (double keeps 53 bits) and then rounds to even.
  const std::int64_t x = (std::int64_t{1} << 62) + (std::int64_t{1} << 54) + 1;
  using bf16_layout = lmul::lmul<7, 8>;
  EXPECT_EQ(bf16_layout(x).bits(), 0x5E81);
  EXPECT_EQ(bf16_layout(-x).bits(), 0xDE81);
  EXPECT_EQ(bf16_layout(std::int64_t{1} << 62).bits(), 0x5E80);  // exact: no rounding at all
  EXPECT_EQ(e4m3fn(17).bits(), 0x58);  // 17 = 1.0625 * 16: tie -> even 16 (e = 4 + 7, f = 0)
  EXPECT_EQ(e4m3fn(-3).bits(), 0xC4);  // -1.5 * 2
  // Integers overflow like doubles (spec section 2): 500 > 464 is NaN for e4m3fn, 448 (0x7E) when
  // saturating; -70000 >= 61440 is -inf for e5m2 (0xFC), -57344 (0xFB) when saturating. The
  // smallest 64-bit integer, -2^63, is exact in bf16 layout: e = 63 + 127 = 0xBE, f = 0.
  EXPECT_TRUE(isnan(e4m3fn(500)));
  EXPECT_EQ(e4m3fn(500, lmul::overflow_mode::saturating).bits(), 0x7E);
  EXPECT_EQ(lmul::float8_e5m2(-70000).bits(), 0xFC);
  EXPECT_EQ(lmul::float8_e5m2(-70000, lmul::overflow_mode::saturating).bits(), 0xFB);
  EXPECT_EQ(bf16_layout(std::numeric_limits<std::int64_t>::min()).bits(), 0xDF00);
  EXPECT_EQ(bf16_layout(std::numeric_limits<std::uint64_t>::max()).bits(), 0x5F80);  // 2^64
}

TEST(Conversion, FloatIntoFp32LayoutIsIdentity) {
  // lmul<23,8> has the layout of float (spec section 1): every non-NaN float converts to its bits.
  std::mt19937 rng(3);
  std::uniform_int_distribution<std::uint32_t> bits;
  for (int i = 0; i < 1000000; ++i) {
    const std::uint32_t b = bits(rng);
    const float x = std::bit_cast<float>(b);
    const lmul::lmul<23, 8> y(x);
    if (std::isnan(x)) {
      ASSERT_TRUE(lmul::isnan(y)) << b;
    } else {
      ASSERT_EQ(y.bits(), b);
      ASSERT_EQ(std::bit_cast<std::uint32_t>(float(y)), b);
    }
  }
}

// A sample of 3.6 million floats (every rounding situation, see sampled_float_magnitudes) through
// every 8- and 16-bit format and the OCP MX FP6/FP4 formats, in each rounding and overflow mode.
template <class T>
class SampledFloatSweep : public ::testing::Test {};
using sweep_types =
    ::testing::Types<lmul::float8_e4m3fn, lmul::float8_e5m2, lmul::lmul<1, 6>, lmul::lmul<2, 5>,
                     lmul::lmul<3, 4>, lmul::lmul<4, 3>, lmul::lmul<5, 2>, lmul::lmul<7, 8>,
                     lmul::lmul<8, 7>, lmul::lmul<9, 6>, lmul::lmul<10, 5>, lmul::lmul<11, 4>,
                     lmul::lmul<12, 3>, lmul::lmul<13, 2>, lmul::float6_e2m3fn,
                     lmul::float6_e3m2fn, lmul::float4_e2m1fn>;
TYPED_TEST_SUITE(SampledFloatSweep, sweep_types);

TYPED_TEST(SampledFloatSweep, AllModes) {
  using T = TypeParam;
  static const std::vector<std::uint32_t> magnitudes = core_test::sampled_float_magnitudes();
  for (const core_test::conversion_mode mode :
       {core_test::nearest, core_test::nearest_saturating, core_test::toward_zero}) {
    const lmul_ref::sweep_result r =
        lmul_ref::sweep_list(core_test::table<T>(), magnitudes, mode.ref_overflow(),
                             mode.ref_rounding(), core_test::convert_float<T>{mode});
    EXPECT_EQ(r.checked, 2 * magnitudes.size());
    EXPECT_EQ(r.mismatches, 0u) << "first mismatches:\n" << r.first_mismatches;
  }
}

}  // namespace
