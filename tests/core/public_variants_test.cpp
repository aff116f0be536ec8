// lmul::round_to (one rounding to an element type, to nearest even or toward zero) and
// lmul::lmul_product_constant_offset (L-Mul with any constant), against the reference of
// tests/core/reference (spec sections 2 and 3, sharing no code with include/lmul).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

#include "core_test_support.hpp"

namespace {

using lmul_ref::overflow;
using lmul_ref::rounding;

lmul::rounding_mode library_mode(rounding r) {
  return r == rounding::nearest_even ? lmul::rounding_mode::nearest_even
                                     : lmul::rounding_mode::toward_zero;
}

// ---- round_to<T>: every value of the format, every midpoint between neighbours, values just
// beside both, random doubles over the whole range and beyond it, with both signs and modes.
template <class T>
class RoundTo : public ::testing::Test {};
using small_types = ::testing::Types<lmul::float8_e4m3fn, lmul::float8_e5m2, lmul::lmul<3, 4>,
                                     lmul::lmul<7, 8>, lmul::lmul<10, 5>>;
TYPED_TEST_SUITE(RoundTo, small_types);

TYPED_TEST(RoundTo, MatchesTheReferenceInBothModes) {
  using T = TypeParam;
  const lmul_ref::format_table& table = core_test::table<T>();
  std::vector<double> inputs;
  const std::vector<double>& values = table.values();
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double next = i + 1 < values.size() ? values[i + 1] : table.beyond_max();
    const double mid = (values[i] + next) / 2;  // exact (see format_table::round_from)
    for (double v : {values[i], mid, std::nextafter(mid, 0.0), std::nextafter(mid, 1e300)}) {
      inputs.push_back(v);
    }
  }
  std::mt19937_64 random(7);
  const double log2_max = std::log2(table.beyond_max());
  std::uniform_real_distribution<double> log2_magnitude(-30, log2_max + 2);
  for (int n = 0; n < 20000; ++n) inputs.push_back(std::exp2(log2_magnitude(random)));
  inputs.push_back(std::numeric_limits<double>::infinity());

  for (rounding mode : {rounding::nearest_even, rounding::toward_zero}) {
    for (overflow o : {overflow::non_saturating, overflow::saturating}) {
      const char* mode_name = mode == rounding::nearest_even ? "nearest_even" : "toward_zero";
      core_test::mismatch_log log(std::string("round_to ") + mode_name +
                                  (o == overflow::saturating ? " saturating" : ""));
      const auto library_overflow = o == overflow::saturating ? lmul::overflow_mode::saturating
                                                              : lmul::overflow_mode::non_saturating;
      for (double magnitude : inputs) {
        for (bool negative : {false, true}) {
          const double x = negative ? -magnitude : magnitude;
          // An infinite input is not rounded: it converts as an infinity (overflow rules).
          const lmul_ref::expected want = std::isinf(magnitude)
                                              ? table.overflowed(negative, o)
                                              : table.round(negative, magnitude, 0, o, mode);
          const T got = lmul::round_to<T>(x, library_mode(mode), library_overflow);
          log.check(want, core_test::outcome(got), [&] { return std::to_string(x); });
        }
      }
    }
  }
}

TEST(RoundToFloat, NearestEvenAndTruncation) {
  std::mt19937_64 random(3);
  std::uniform_real_distribution<double> log2_magnitude(-160, 130);
  for (int n = 0; n < 100000; ++n) {
    const double x = (n % 2 ? -1 : 1) * std::exp2(log2_magnitude(random));
    // Nearest even: the reference's independent fp32 rounding.
    const float nearest = lmul_ref::round_to_float(x < 0, std::abs(x));
    ASSERT_EQ(std::bit_cast<std::uint32_t>(lmul::round_to<float>(x)),
              std::bit_cast<std::uint32_t>(nearest)) << x;
    // Toward zero: the float of largest magnitude not above |x| (never infinity).
    float truncated = nearest;
    if (std::isinf(truncated) || std::abs(double(truncated)) > std::abs(x)) {
      truncated = std::nextafter(truncated, 0.0f);
    }
    const float got = lmul::round_to<float>(x, lmul::rounding_mode::toward_zero);
    ASSERT_EQ(std::bit_cast<std::uint32_t>(got), std::bit_cast<std::uint32_t>(truncated)) << x;
  }
}

// ---- lmul_product_constant_offset: spec section 3 with step 2's constant replaced by c / 2^M.
// The reference steps are written out here for a general c (lmul_ref::lmul_value has the paper's).
lmul_ref::value constant_offset_value(const lmul_ref::format_desc& d, std::uint32_t x,
                                      std::uint32_t y, std::int64_t c) {
  const lmul_ref::value vx = lmul_ref::decode(d, x), vy = lmul_ref::decode(d, y);
  lmul_ref::value out;
  if (lmul_ref::special_operands(vx, vy, out)) return out;
  if (vx.magnitude == 0 || vy.magnitude == 0) return out;  // +-0, sign already set
  const std::int64_t k = lmul_ref::magnitude_index(d, x) + lmul_ref::magnitude_index(d, y) -
                         (std::int64_t(d.bias()) << d.M) + c;
  std::int64_t q = 0, r = 0;
  lmul_ref::floor_divmod(k, d.M, q, r);
  out.magnitude = std::ldexp(double((std::int64_t{1} << d.M) + r), int(q) - d.bias() - d.M);
  return out;
}

template <class T>
class ConstantOffset : public ::testing::Test {};
using byte_types = ::testing::Types<lmul::float8_e4m3fn, lmul::float8_e5m2, lmul::lmul<3, 4>,
                                    lmul::lmul<2, 5>, lmul::lmul<5, 2>>;
TYPED_TEST_SUITE(ConstantOffset, byte_types);

TYPED_TEST(ConstantOffset, EveryPairMatchesTheSpecWithThatConstant) {
  using T = TypeParam;
  const lmul_ref::format_desc d = core_test::desc<T>();
  const lmul_ref::format_table& table = core_test::table<T>();
  const std::int64_t unit = std::int64_t{1} << d.M;
  const std::int64_t paper = std::int64_t{1} << (d.M - lmul_ref::offset_exponent(d.M));
  const std::int64_t constants[] = {0, 1, paper, unit / 2, unit - 1, -3};
  for (std::int64_t c : constants) {
    core_test::mismatch_log log("lmul_product_constant_offset c = " + std::to_string(c));
    for (std::uint32_t x = 0; x < 256; ++x) {
      for (std::uint32_t y = 0; y < 256; ++y) {
        const T a = T::from_bits(typename T::storage(x)), b = T::from_bits(typename T::storage(y));
        log.check(table.round(constant_offset_value(d, x, y, c)),
                  core_test::outcome(lmul::lmul_product_constant_offset(a, b, c)),
                  [&] { return core_test::hex(x) + " * " + core_test::hex(y); });
      }
    }
    // The paper's constant is lmul_product itself.
    if (c == paper) {
      for (std::uint32_t x = 0; x < 256; ++x) {
        const T a = T::from_bits(typename T::storage(x));
        ASSERT_EQ(lmul::lmul_product_constant_offset(a, a, c).bits(),
                  lmul::lmul_product(a, a).bits());
      }
    }
  }
}

TEST(ConstantOffsetFloat, MitchellAndOtherConstantsOnFp32) {
  std::mt19937_64 random(5);
  std::uniform_int_distribution<std::uint32_t> bits;
  for (std::int64_t c : {std::int64_t{0}, std::int64_t{1} << 19, std::int64_t{123456}}) {
    core_test::mismatch_log log("fp32 lmul_product_constant_offset c = " + std::to_string(c));
    for (int n = 0; n < 100000; ++n) {
      const std::uint32_t x = bits(random), y = bits(random);
      const float got = lmul::lmul_product_constant_offset(std::bit_cast<float>(x),
                                                           std::bit_cast<float>(y), c);
      log.check(lmul_ref::round_to_float(constant_offset_value(lmul_ref::fp32_desc, x, y, c)), got,
                [&] { return core_test::hex(x) + " * " + core_test::hex(y); });
    }
  }
}

}  // namespace
