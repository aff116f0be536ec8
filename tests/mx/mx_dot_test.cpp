// The MX dot products: the exponent-add scaling against an exact reference (normal, subnormal,
// underflow, overflow), lmul_mx_dot and mx_dot within their error bound of an exact sum computed
// from the reference (tests/core/reference), exact results where the block sums are exact, NaN
// scales, and bad arguments.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <span>
#include <stdexcept>
#include <vector>

#include <lmul/kernels/table_word_sum.hpp>
#include <lmul/kernels/stand_in_codes.hpp>

#include "mx_test_support.hpp"

namespace {

using lmul::float8_e8m0fnu;

// x * 2^e correctly rounded to fp32, against round_to_float of the exact double x * 2^e.
TEST(MxScale, ExponentAddIsCorrectlyRounded) {
  std::mt19937 rng(5);
  std::vector<float> xs = {0.f, -0.f, INFINITY, -INFINITY, NAN, 1.f, -1.5f,
                           std::numeric_limits<float>::max(), std::numeric_limits<float>::min(),
                           std::bit_cast<float>(1u), std::bit_cast<float>(0x80000003u),
                           std::bit_cast<float>(0x00400001u), 1.75f, 0x1.fffffep0f};
  for (int i = 0; i < 3000; ++i) xs.push_back(std::bit_cast<float>(std::uint32_t(rng())));
  core_test::mismatch_log log("scale_by_power_of_two");
  for (const float x : xs) {
    if (std::isnan(x)) {
      EXPECT_TRUE(std::isnan(lmul::detail::scale_by_power_of_two(x, 3)));
      continue;
    }
    for (int e = -300; e <= 300; ++e) {
      float want;
      if (std::isinf(x) || x == 0) {
        want = x;
      } else {
        // |x| * 2^e is exact in double for |e| <= 300 (|x| >= 2^-149, < 2^128).
        want = lmul_ref::round_to_float(std::signbit(x), std::ldexp(std::fabs(double(x)), e));
      }
      log.check(want, lmul::detail::scale_by_power_of_two(x, e),
                [&] { return core_test::show(x) + " * 2^" + std::to_string(e); });
    }
  }
  // Extreme exponents clamp to inf / zero.
  EXPECT_EQ(lmul::detail::scale_by_power_of_two(1.f, std::numeric_limits<int>::max()), INFINITY);
  EXPECT_EQ(std::bit_cast<std::uint32_t>(
                lmul::detail::scale_by_power_of_two(-1.f, std::numeric_limits<int>::min())),
            0x80000000u);
}

// The row update of lmul_mx_gemm: c[j] + sums[j] * 2^(a + b[j] - 254), NaN for a NaN scale code.
TEST(MxScale, AddScaledSumsMatchesReference) {
  std::mt19937 rng(8);
  const std::size_t n = 300;
  std::vector<float> sums(n), c(n), want(n);
  std::vector<std::int32_t> b_codes(n);
  for (int trial = 0; trial < 200; ++trial) {
    const std::int32_t a_code = std::int32_t(rng() % 255);
    for (std::size_t j = 0; j < n; ++j) {
      const std::uint32_t kind = rng() % 8;
      sums[j] = kind == 0 ? 0.f : (kind == 1 ? std::bit_cast<float>(std::uint32_t(rng() & 0x807FFFFFu))
                                             : std::bit_cast<float>(std::uint32_t(rng() & 0xBFFFFFFFu)));
      b_codes[j] = (rng() % 50 == 0) ? 255 : std::int32_t(rng() % 255);
      c[j] = float(int(rng() % 7) - 3);
      const int e = a_code + b_codes[j] - 254;
      const float scaled = sums[j] == 0 ? sums[j]
                                        : lmul_ref::round_to_float(std::signbit(sums[j]),
                                                                   std::ldexp(std::fabs(double(sums[j])), e));
      want[j] = b_codes[j] == 255 ? NAN : c[j] + scaled;
    }
    lmul::detail::add_scaled_sums(c.data(), sums.data(), a_code, b_codes.data(), n);
    for (std::size_t j = 0; j < n; ++j) {
      ASSERT_TRUE(core_test::matches(want[j], c[j]))
          << "sum " << core_test::show(sums[j]) << " codes " << a_code << ", " << b_codes[j]
          << ": expected " << want[j] << ", got " << c[j];
    }
  }
}

template <class T>
class MxBlockSum : public ::testing::Test {};
TYPED_TEST_SUITE(MxBlockSum, mx_test::mx_types);

// Every pair of codes (NaN and inf of the fp8 formats included): the block sum of one product is
// +0 + the wide L-Mul product of the reference (spec section 3 rounded to fp32).
TYPED_TEST(MxBlockSum, OneIntegerAddPerProductAllPairs) {
  using T = TypeParam;
  using F = lmul::format_of_t<T>;
  const lmul_ref::format_desc d = core_test::table<T>().desc();
  const std::uint32_t codes = 2 * d.sign_bit();
  core_test::mismatch_log log("wide_block_sum of one pair");
  for (std::uint32_t x = 0; x < codes; ++x) {
    for (std::uint32_t y = 0; y < codes; ++y) {
      const auto a = std::uint8_t(x), b = std::uint8_t(y);
      log.check(0.f + lmul_ref::round_to_float(lmul_ref::lmul_value(d, x, y)),
                lmul::detail::wide_block_sum<F>(&a, &b, 1),
                [&] { return core_test::hex(x) + " * " + core_test::hex(y); });
    }
  }
}

template <class T>
class MxWideCodes : public ::testing::Test {};
using narrow_types = ::testing::Types<lmul::float6_e2m3fn, lmul::float6_e3m2fn, lmul::float4_e2m1fn>;
TYPED_TEST_SUITE(MxWideCodes, narrow_types);

// lmul_mx_dot sums FP6 / FP4 products on the kernels of the 8-bit format with the same M, after
// rewriting each code by stand_in_codes_v (kernels/stand_in_codes.hpp). Checked here against the reference:
// every code keeps its value, and every pair of codes has, bit for bit, the wide L-Mul product of
// the rewritten pair (spec section 3, both formats' products computed by the reference).
TYPED_TEST(MxWideCodes, RewrittenCodesHaveTheSameValuesAndWideProducts) {
  using T = TypeParam;
  using F = lmul::format_of_t<T>;
  const lmul_ref::format_desc d = core_test::desc<T>();
  const lmul_ref::format_desc w = lmul_ref::desc_of<lmul::detail::stand_in_format_t<F>>();
  EXPECT_EQ(w.M, d.M);
  EXPECT_EQ(1 + w.E + w.M, 8);
  const auto& rewrite = lmul::detail::stand_in_codes_v<F>.code;
  const std::uint32_t codes = 2 * d.sign_bit();
  ASSERT_EQ(rewrite.size(), codes);
  for (std::uint32_t x = 0; x < codes; ++x) {
    const lmul_ref::value vx = lmul_ref::decode(d, x), vw = lmul_ref::decode(w, rewrite[x]);
    EXPECT_TRUE(vx.kind == lmul_ref::value::finite && vw.kind == lmul_ref::value::finite &&
                vx.negative == vw.negative && vx.magnitude == vw.magnitude)
        << "code " << core_test::hex(x) << " rewritten as " << core_test::hex(rewrite[x]);
  }
  core_test::mismatch_log log("wide product of the rewritten codes");
  for (std::uint32_t x = 0; x < codes; ++x) {
    for (std::uint32_t y = 0; y < codes; ++y) {
      log.check(lmul_ref::round_to_float(lmul_ref::lmul_value(d, x, y)),
                lmul_ref::round_to_float(lmul_ref::lmul_value(w, rewrite[x], rewrite[y])),
                [&] { return core_test::hex(x) + " * " + core_test::hex(y); });
    }
  }
}

/// Random MX operands: elements drawn over all finite codes, scales in [lo, hi].
template <class T>
struct mx_operands {
  std::vector<float8_e8m0fnu> scales_a, scales_b;
  std::vector<T> a, b;
};

template <class T>
mx_operands<T> random_operands(std::size_t n, std::size_t block, int lo, int hi, std::mt19937& rng) {
  const lmul_ref::format_table& table = core_test::table<T>();
  const std::uint32_t max = table.max_finite_code(), sign = table.desc().sign_bit();
  std::uniform_int_distribution<std::uint32_t> code(0, max);
  std::uniform_int_distribution<int> scale(lo, hi);
  mx_operands<T> op;
  for (std::size_t i = 0; i < n; ++i) {
    op.a.push_back(T::from_bits(std::uint8_t(code(rng) | ((rng() & 1) ? sign : 0))));
    op.b.push_back(T::from_bits(std::uint8_t(code(rng) | ((rng() & 1) ? sign : 0))));
  }
  const std::size_t blocks = (n + block - 1) / block;
  for (std::size_t j = 0; j < blocks; ++j) {
    op.scales_a.push_back(float8_e8m0fnu::from_exponent(scale(rng)));
    op.scales_b.push_back(float8_e8m0fnu::from_exponent(scale(rng)));
  }
  return op;
}

/// The exact dot (sum of 2^(sa + sb) * p_i) and sum |terms|, in long double: each term is exact
/// (p_i has <= 5 significant bits, |exponent| < 400); the sum's own rounding (64-bit significand,
/// relative 2^-64 per add) is far below the fp32 bound and is added to the tolerance.
struct exact_dot {
  long double sum = 0, abs_sum = 0;
};
template <class T>
exact_dot reference_dot(const mx_operands<T>& op, std::size_t block, bool lmul_products) {
  const lmul_ref::format_desc& d = core_test::table<T>().desc();
  exact_dot r;
  for (std::size_t i = 0; i < op.a.size(); ++i) {
    const lmul_ref::value p = lmul_products ? lmul_ref::lmul_value(d, op.a[i].bits(), op.b[i].bits())
                                            : lmul_ref::exact_product(d, op.a[i].bits(), op.b[i].bits());
    const int e = int(op.scales_a[i / block].bits()) + int(op.scales_b[i / block].bits()) - 254;
    const long double term = std::ldexp((long double)p.magnitude, e);
    r.sum += p.negative ? -term : term;
    r.abs_sum += term;
  }
  return r;
}

/// The error bound of docs/spec.md: gamma_(n + blocks) * sum |terms| + blocks * 2^-149.
long double mx_bound(const exact_dot& r, std::size_t n, std::size_t blocks) {
  const long double m = (long double)(n + blocks), u = 0x1p-24L;
  return m * u / (1 - m * u) * r.abs_sum + (long double)blocks * 0x1p-149L +
         r.abs_sum * 0x1p-60L;  // the long double reference's own rounding
}

/// Where the exact computation, block by block in the spec's order, reaches fp32's overflow
/// threshold: the exact block results R_j = 2^(sa + sb) s_j and partial sums R_0 + ... + R_j (in
/// long double, exact up to its own rounding). A result may overflow only if one of them comes
/// within 2^-10 of fp32's largest value; the sign of +-inf is that of the first one that does
/// (fp32's inf then absorbs every finite addend), and NaN needs a later block result overflowing
/// with the other sign (inf - inf).
struct overflow_events {
  bool any = false;
  bool first_negative = false;
  bool opposite_block_later = false;
};
template <class T>
overflow_events overflow_events_of(const mx_operands<T>& op, std::size_t block, bool lmul_products) {
  const lmul_ref::format_desc& d = core_test::table<T>().desc();
  const long double near_max = 0x1.fffffep127L * (1 - 0x1p-10L);
  overflow_events ev;
  long double partial = 0;
  for (std::size_t first = 0; first < op.a.size(); first += block) {
    long double s = 0;
    for (std::size_t i = first; i < std::min(op.a.size(), first + block); ++i) {
      const lmul_ref::value p = lmul_products ? lmul_ref::lmul_value(d, op.a[i].bits(), op.b[i].bits())
                                              : lmul_ref::exact_product(d, op.a[i].bits(), op.b[i].bits());
      s += p.negative ? -(long double)p.magnitude : (long double)p.magnitude;
    }
    const int e = int(op.scales_a[first / block].bits()) + int(op.scales_b[first / block].bits()) - 254;
    const long double r = std::ldexp(s, e);
    partial += r;
    for (const long double v : {r, partial}) {
      if (std::fabs(v) < near_max) continue;
      if (!ev.any) {
        ev.any = true;
        ev.first_negative = v < 0;
      } else if (v == r && (v < 0) != ev.first_negative) {
        ev.opposite_block_later = true;
      }
    }
  }
  return ev;
}

template <class T>
class MxDot : public ::testing::Test {};
TYPED_TEST_SUITE(MxDot, mx_test::mx_types);

TYPED_TEST(MxDot, WithinBoundOfExactReference) {
  using T = TypeParam;
  std::mt19937 rng(17);
  std::size_t checked = 0, nan_results = 0, overflowed = 0;
  // Scale codes (value 2^(code - 127); 255 is NaN): ordinary, very small (subnormal block
  // results), every finite scale, very large (results overflow to inf), large with NaN scales.
  const int ranges[][2] = {{120, 134}, {0, 40}, {0, 254}, {200, 254}, {240, 255}};
  // Blocks up to 3000 (longer than the 2048 codes that the FP6 / FP4 kernels rewrite at a time).
  for (const std::size_t block : {std::size_t{32}, std::size_t{1}, std::size_t{5}, std::size_t{7},
                                  std::size_t{128}, std::size_t{3000}}) {
    for (const std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{31}, std::size_t{97},
                                std::size_t{1000}, std::size_t{7001}}) {
      for (const auto& range : ranges) {
        const auto op = random_operands<T>(n, block, range[0] - 127, range[1] - 127, rng);
        const std::size_t blocks = op.scales_a.size();
        for (const bool use_lmul : {true, false}) {
          const float got = use_lmul ? lmul::lmul_mx_dot<T>(op.scales_a, op.a, op.scales_b, op.b, block)
                                     : lmul::mx_dot<T>(op.scales_a, op.a, op.scales_b, op.b, block);
          const exact_dot r = reference_dot(op, block, use_lmul);
          ++checked;
          bool nan_scale = false;  // scale code 255
          for (std::size_t j = 0; j < blocks; ++j) {
            nan_scale = nan_scale || isnan(op.scales_a[j]) || isnan(op.scales_b[j]);
          }
          if (nan_scale) {  // spec: a NaN scale makes the result NaN
            EXPECT_TRUE(std::isnan(got)) << "n " << n << " block " << block;
            ++nan_results;
            continue;
          }
          if (!std::isfinite(got)) {
            // Spec: no bound where a block result or a partial sum overflows fp32; then the result
            // is the IEEE sum of the block results in block order: +-inf of the first overflow's
            // sign, or NaN where a later block overflows the other way.
            const overflow_events ev = overflow_events_of(op, block, use_lmul);
            EXPECT_TRUE(ev.any) << "got " << got << " but no block result or partial sum reaches "
                                << "fp32's largest value: n " << n << " block " << block;
            if (std::isinf(got)) {
              EXPECT_EQ(got < 0, ev.first_negative) << "sign of the overflow, n " << n << " block " << block;
            } else {
              EXPECT_TRUE(ev.opposite_block_later) << "NaN without inf - inf, n " << n << " block " << block;
            }
            ++overflowed;
            continue;
          }
          // A finite result: nothing overflowed (fp32's inf would have absorbed every later
          // addend), so the bound holds; an exact sum clearly beyond fp32 fails it.
          EXPECT_LE(std::fabs((long double)got - r.sum), mx_bound(r, n, blocks))
              << (use_lmul ? "lmul_mx_dot" : "mx_dot") << " n " << n << " block " << block
              << " got " << got << " exact " << double(r.sum);
        }
      }
    }
  }
  std::printf("%zu dot products checked (%zu NaN, %zu beyond fp32)\n", checked, nan_results,
              overflowed);
  EXPECT_GT(nan_results, 0u);  // every kind of case the ranges are there for did occur
  EXPECT_GT(overflowed, 0u);
  EXPECT_GT(checked - nan_results - overflowed, checked / 2);
}

// One term per block: the block sum is the exact wide product, so the result is determined bit
// for bit: the correctly rounded 2^(sa + sb - 254) * p (subnormal, zero and inf results included).
TYPED_TEST(MxDot, SingleTermBlocksAreExactlyRounded) {
  using T = TypeParam;
  const lmul_ref::format_desc& d = core_test::table<T>().desc();
  std::mt19937 rng(3);
  core_test::mismatch_log log("lmul_mx_dot, block 1");
  for (int trial = 0; trial < 4000; ++trial) {
    const auto op = random_operands<T>(1, 1, -127, 127, rng);
    const lmul_ref::value p = lmul_ref::lmul_value(d, op.a[0].bits(), op.b[0].bits());
    const int e = int(op.scales_a[0].bits()) + int(op.scales_b[0].bits()) - 254;
    // The sums start at +0 (as lmul_dot's does): a -0 term gives +0.
    const float want = 0.f + lmul_ref::round_to_float(p.negative, std::ldexp(p.magnitude, e));
    log.check(want, lmul::lmul_mx_dot<T>(op.scales_a, op.a, op.scales_b, op.b, 1),
              [&] { return "a " + core_test::hex(op.a[0].bits()) + " b " + core_test::hex(op.b[0].bits()) +
                           " e " + std::to_string(e); });
  }
}

TYPED_TEST(MxDot, NanScaleGivesNan) {
  using T = TypeParam;
  std::mt19937 rng(9);
  auto op = random_operands<T>(70, 32, -5, 5, rng);
  op.scales_b[2] = float8_e8m0fnu::from_bits(0xFF);
  EXPECT_TRUE(std::isnan(lmul::lmul_mx_dot<T>(op.scales_a, op.a, op.scales_b, op.b)));
  EXPECT_TRUE(std::isnan(lmul::mx_dot<T>(op.scales_a, op.a, op.scales_b, op.b)));
}

TYPED_TEST(MxDot, BadArgumentsThrow) {
  using T = TypeParam;
  std::mt19937 rng(1);
  const auto op = random_operands<T>(70, 32, -5, 5, rng);
  const std::span<const T> a(op.a), b(op.b);
  const std::span<const float8_e8m0fnu> sa(op.scales_a), sb(op.scales_b);
  EXPECT_THROW(lmul::lmul_mx_dot<T>(sa, a.first(69), sb, b), std::invalid_argument);
  EXPECT_THROW(lmul::lmul_mx_dot<T>(sa.first(2), a, sb, b), std::invalid_argument);
  EXPECT_THROW(lmul::lmul_mx_dot<T>(sa, a, sb.first(2), b), std::invalid_argument);
  EXPECT_THROW(lmul::lmul_mx_dot<T>(sa, a, sb, b, 0), std::invalid_argument);
  EXPECT_THROW(lmul::mx_dot<T>(sa, a, sb, b, 16), std::invalid_argument);  // 5 scales needed
  EXPECT_EQ(lmul::lmul_mx_dot<T>({}, {}, {}, {}), 0.f);
}

}  // namespace
