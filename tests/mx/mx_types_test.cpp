// The OCP MX types: float8_e8m0fnu (every code, exponent construction, the float rule, limits,
// comparisons, streams), the FP6/FP4 element formats (value lists of the OCP spec, specials policy,
// exactly rounded saturating operator*, L-Mul against the reference, kernels) and FP4 packing.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "conversion_support.hpp"
#include "mx_test_support.hpp"

namespace {

using lmul::float8_e8m0fnu;

// ---- float8_e8m0fnu ---------------------------------------------------------------------------

TEST(E8m0, EveryCodeDecodes) {
  for (int c = 0; c < 255; ++c) {
    const float8_e8m0fnu s = float8_e8m0fnu::from_bits(std::uint8_t(c));
    EXPECT_EQ(double(float(s)), std::ldexp(1.0, c - 127)) << c;
    EXPECT_EQ(s.exponent(), c - 127);
    EXPECT_FALSE(lmul::isnan(s));
    EXPECT_EQ(float8_e8m0fnu::from_exponent(c - 127).bits(), c);
  }
  const float8_e8m0fnu nan = float8_e8m0fnu::from_bits(0xFF);
  EXPECT_TRUE(lmul::isnan(nan));
  EXPECT_TRUE(std::isnan(float(nan)));
  EXPECT_TRUE(lmul::isnan(float8_e8m0fnu::from_exponent(128)));
  EXPECT_TRUE(lmul::isnan(float8_e8m0fnu::from_exponent(-128)));
  EXPECT_EQ(std::bit_cast<std::uint32_t>(float(float8_e8m0fnu::from_bits(0))), 0x00400000u);
  EXPECT_EQ(float(float8_e8m0fnu()), 1.0f);  // the default is the neutral scale
}

/// The conversion rule written independently: the nearest of the powers of two around x by value,
/// ties (x = 1.5 * 2^k) to the even code.
std::uint32_t e8m0_reference(double x) {
  if (!(x > 0) || std::isinf(x)) return 0xFF;
  int e = 0;
  const double f = std::frexp(x, &e);  // x = f * 2^e, f in [0.5, 1): x in [2^(e-1), 2^e)
  int k = e - 1;
  if (f > 0.75 || (f == 0.75 && ((k + 127) % 2 + 2) % 2 == 1)) k += 1;
  if (k < -127) return 0;
  if (k > 127) return 0xFF;
  return std::uint32_t(k + 127);
}

TEST(E8m0, FromFloatRuleOnSampledFloats) {
  const std::vector<std::uint32_t> magnitudes = core_test::sampled_float_magnitudes();
  core_test::mismatch_log log("float8_e8m0fnu(float)");
  for (const std::uint32_t m : magnitudes) {
    for (const std::uint32_t sign : {0u, 0x80000000u}) {
      const float x = std::bit_cast<float>(m | sign);
      log.check(lmul_ref::expected{false, e8m0_reference(double(x))},
                lmul_ref::expected{false, float8_e8m0fnu(x).bits()},
                [&] { return core_test::show(x); });
    }
  }
  // Hand cases: ties go to the even code, subnormals to 2^-127, beyond 1.5 * 2^127 NaN.
  EXPECT_EQ(float8_e8m0fnu(1.5f).bits(), 128);    // 1 (127) and 2 (128): even is 128
  EXPECT_EQ(float8_e8m0fnu(3.0f).bits(), 128);    // 2 (128) and 4 (129): even is 128
  EXPECT_EQ(float8_e8m0fnu(1.4999f).bits(), 127);
  EXPECT_EQ(float8_e8m0fnu(1e-45f).bits(), 0);
  EXPECT_EQ(float8_e8m0fnu(0x1.8p127).bits(), 254);  // tie: 254 even
  EXPECT_EQ(float8_e8m0fnu(0x1.80001p127).bits(), 0xFF);
  EXPECT_EQ(float8_e8m0fnu(0.0f).bits(), 0xFF);
  EXPECT_EQ(float8_e8m0fnu(-1.0f).bits(), 0xFF);
  EXPECT_EQ(float8_e8m0fnu(INFINITY).bits(), 0xFF);
  EXPECT_EQ(float8_e8m0fnu(0x1p-1074).bits(), 0);  // a double subnormal
}

TEST(E8m0, ComparisonsLimitsStream) {
  const auto a = float8_e8m0fnu::from_exponent(3), b = float8_e8m0fnu::from_exponent(-3);
  const auto nan = std::numeric_limits<float8_e8m0fnu>::quiet_NaN();
  EXPECT_TRUE(b < a);
  EXPECT_TRUE(a == a);
  EXPECT_FALSE(nan == nan);
  EXPECT_FALSE(nan < a || nan > a || nan <= a);
  using L = std::numeric_limits<float8_e8m0fnu>;
  EXPECT_EQ(double(float(L::min())), std::ldexp(1.0, -127));
  EXPECT_EQ(double(float(L::max())), std::ldexp(1.0, 127));
  EXPECT_EQ(std::ldexp(1.0, L::min_exponent - 1), double(float(L::min())));
  EXPECT_EQ(std::ldexp(1.0, L::max_exponent - 1), double(float(L::max())));
  EXPECT_GE(std::pow(10.0L, L::min_exponent10), std::ldexp(1.0L, -127));
  EXPECT_LT(std::pow(10.0L, L::min_exponent10 - 1), std::ldexp(1.0L, -127));
  EXPECT_LE(std::pow(10.0L, L::max_exponent10), std::ldexp(1.0L, 127));
  EXPECT_GT(std::pow(10.0L, L::max_exponent10 + 1), std::ldexp(1.0L, 127));
  EXPECT_FALSE(L::is_signed);
  EXPECT_FALSE(L::has_infinity);
  std::ostringstream os;
  os << float8_e8m0fnu::from_exponent(-2);
  EXPECT_EQ(os.str(), "0.25");
  static_assert(sizeof(float8_e8m0fnu) == 1);
}

// ---- FP6 / FP4 ----------------------------------------------------------------------------------

// The positive values listed by the OCP MX v1.0 spec (section 5.3.3 tables), by code.
TEST(MxElements, Fp4ValuesAndLimits) {
  const float want[8] = {0, 0.5, 1, 1.5, 2, 3, 4, 6};
  for (std::uint8_t c = 0; c < 16; ++c) {
    const float v = float(lmul::float4_e2m1fn::from_bits(c));
    EXPECT_EQ(v, c < 8 ? want[c] : -want[c - 8]) << int(c);
    EXPECT_EQ(std::signbit(v), c >= 8);
  }
  EXPECT_EQ(float(std::numeric_limits<lmul::float4_e2m1fn>::max()), 6.f);
  EXPECT_EQ(float(std::numeric_limits<lmul::float6_e2m3fn>::max()), 7.5f);
  EXPECT_EQ(float(std::numeric_limits<lmul::float6_e3m2fn>::max()), 28.f);
  EXPECT_EQ(float(std::numeric_limits<lmul::float6_e2m3fn>::denorm_min()), 0.125f);
  EXPECT_EQ(float(std::numeric_limits<lmul::float6_e3m2fn>::denorm_min()), 0.0625f);
  EXPECT_EQ(float(std::numeric_limits<lmul::float6_e3m2fn>::min()), 0.25f);
  EXPECT_FALSE(std::numeric_limits<lmul::float4_e2m1fn>::has_quiet_NaN);
  EXPECT_FALSE(std::numeric_limits<lmul::float4_e2m1fn>::has_infinity);
  EXPECT_EQ(float(lmul::float6_e2m3fn::from_bits(0x1F)), 7.5f);
  EXPECT_EQ(float(lmul::float6_e2m3fn::from_bits(0x3F)), -7.5f);
  EXPECT_EQ(float(lmul::float6_e3m2fn::from_bits(0x1F)), 28.f);
  EXPECT_EQ(float(lmul::float6_e3m2fn::from_bits(0x01)), 0.0625f);
}

template <class T>
class MxElementTypes : public ::testing::Test {};
using fp6_fp4 = ::testing::Types<lmul::float6_e2m3fn, lmul::float6_e3m2fn, lmul::float4_e2m1fn>;
TYPED_TEST_SUITE(MxElementTypes, fp6_fp4);

TYPED_TEST(MxElementTypes, NoInfinityNoNanSaturation) {
  using T = TypeParam;
  const lmul_ref::format_table& table = core_test::table<T>();
  const std::uint32_t sign = table.desc().sign_bit();
  const std::uint32_t max = table.max_finite_code();
  EXPECT_EQ(max, sign - 1);  // every magnitude code is a finite number
  for (std::uint32_t c = 0; c < 2 * sign; ++c) {
    const T x = T::from_bits(std::uint8_t(c));
    EXPECT_FALSE(lmul::isnan(x));
    EXPECT_FALSE(lmul::isinf(x));
  }
  for (const auto mode : {lmul::overflow_mode::non_saturating, lmul::overflow_mode::saturating}) {
    EXPECT_EQ(T(INFINITY, mode).bits(), max);
    EXPECT_EQ(T(-INFINITY, mode).bits(), sign | max);
    EXPECT_EQ(T(1e30, mode).bits(), max);
    EXPECT_EQ(T(-1e30f, mode).bits(), sign | max);
    EXPECT_EQ(T(NAN, mode).bits(), 0u);   // NaN -> +0, whatever its sign
    EXPECT_EQ(T(-NAN, mode).bits(), 0u);
    EXPECT_EQ(T(-0.0, mode).bits(), sign);
  }
}

// operator* is the exactly rounded, saturating product; lmul_product and lmul_wide_product follow
// spec section 3 (with no special-value rows): all pairs of codes against the reference.
TYPED_TEST(MxElementTypes, ProductsAllPairs) {
  using T = TypeParam;
  const lmul_ref::format_table& table = core_test::table<T>();
  const lmul_ref::format_desc& d = table.desc();
  const std::uint32_t codes = 2 * d.sign_bit();
  core_test::mismatch_log exact("operator*"), lmul_log("lmul_product"), wide_log("lmul_wide_product");
  for (std::uint32_t x = 0; x < codes; ++x) {
    for (std::uint32_t y = 0; y < codes; ++y) {
      const T a = T::from_bits(std::uint8_t(x)), b = T::from_bits(std::uint8_t(y));
      const auto describe = [&] { return core_test::hex(x) + " * " + core_test::hex(y); };
      exact.check(table.round(lmul_ref::exact_product(d, x, y), lmul_ref::overflow::saturating),
                  core_test::outcome(a * b), describe);
      const lmul_ref::value v = lmul_ref::lmul_value(d, x, y);
      lmul_log.check(table.round(v), core_test::outcome(lmul::lmul_product(a, b)), describe);
      wide_log.check(lmul_ref::round_to_float(v), lmul::lmul_wide_product(a, b), describe);
    }
  }
}

// The kernels accept FP6/FP4: lmul_multiply gives the reference's product codes, and lmul_dot lies
// within gamma_n * sum |p_i| of the exact sum of the wide products (spec section 4).
TYPED_TEST(MxElementTypes, Kernels) {
  using T = TypeParam;
  const std::uint32_t codes = 2 * core_test::table<T>().desc().sign_bit();
  std::vector<T> a, b;
  for (std::uint32_t x = 0; x < codes; ++x) {
    for (std::uint32_t y = 0; y < codes; ++y) {
      a.push_back(T::from_bits(std::uint8_t(x)));
      b.push_back(T::from_bits(std::uint8_t(y)));
    }
  }
  std::vector<T> out(a.size());
  lmul::lmul_multiply(a, b, out);
  double exact_sum = 0, abs_sum = 0;  // exact: products of <= 4 significant bits, |sum| < 2^30
  for (std::size_t i = 0; i < a.size(); ++i) {
    const lmul_ref::value v = lmul_ref::lmul_value(core_test::table<T>().desc(), a[i].bits(), b[i].bits());
    EXPECT_TRUE(core_test::matches(core_test::table<T>().round(v), core_test::outcome(out[i]))) << i;
    exact_sum += v.negative ? -v.magnitude : v.magnitude;
    abs_sum += v.magnitude;
  }
  const double n = double(a.size()), u = 0x1p-24;
  EXPECT_LE(std::fabs(double(lmul::lmul_dot(a, b)) - exact_sum), n * u / (1 - n * u) * abs_sum);
}

// ---- FP4 packing --------------------------------------------------------------------------------

TEST(Fp4Packing, LayoutRoundTripAndErrors) {
  std::vector<lmul::float4_e2m1fn> v;
  for (std::uint8_t c = 0; c < 16; ++c) v.push_back(lmul::float4_e2m1fn::from_bits(c));
  v.push_back(lmul::float4_e2m1fn(-6.0f));  // odd count: 17
  std::vector<std::uint8_t> packed(9, 0xEE);
  lmul::pack_fp4(v, packed);
  EXPECT_EQ(packed[0], 0x10);  // element 0 (code 0) low, element 1 (code 1) high
  EXPECT_EQ(packed[1], 0x32);
  EXPECT_EQ(packed[7], 0xFE);
  EXPECT_EQ(packed[8], 0x0F);  // last high nibble zero
  std::vector<lmul::float4_e2m1fn> back(17);
  lmul::unpack_fp4(packed, back);
  for (std::size_t i = 0; i < v.size(); ++i) EXPECT_EQ(back[i].bits(), v[i].bits());
  std::vector<std::uint8_t> wrong(8, 0xEE);
  EXPECT_THROW(lmul::pack_fp4(v, wrong), std::invalid_argument);
  for (const auto byte : wrong) EXPECT_EQ(byte, 0xEE);
  std::vector<lmul::float4_e2m1fn> wrong_count(15, lmul::float4_e2m1fn::from_bits(5));
  EXPECT_THROW(lmul::unpack_fp4(packed, wrong_count), std::invalid_argument);
  for (const auto x : wrong_count) EXPECT_EQ(x.bits(), 5);
}

}  // namespace
