// L-Mul of the 16-bit layouts lmul<7,8> (bfloat16) and lmul<10,5> (IEEE half): 10^7 pairs each,
// made of every special and boundary code against each other and against random codes, pairs whose
// L-Mul lands next to the overflow and underflow thresholds, and random pairs.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "core_test_support.hpp"

namespace {

using lmul_ref::format_desc;
using lmul_ref::overflow;

/// Special and boundary codes of a format, both signs, derived from spec section 1.
std::vector<std::uint32_t> boundary_codes(const format_desc& d) {
  const std::uint32_t one_ulp = 1;
  const std::uint32_t min_normal = std::uint32_t{1} << d.M;
  const std::uint32_t max_subnormal = min_normal - one_ulp;
  const std::uint32_t infinity = ((std::uint32_t{1} << d.E) - 1) << d.M;
  const std::uint32_t one = std::uint32_t(d.bias()) << d.M;
  const std::uint32_t top_binade = infinity - min_normal;  // 2^max_exponent
  std::vector<std::uint32_t> codes = {
      0,                                              // zero
      1, 2, 3,                                        // smallest subnormals
      min_normal / 2, max_subnormal - 1, max_subnormal,
      min_normal, min_normal + 1,                     // smallest normals
      one - 1, one, one + 1, one + min_normal / 2,    // around 1.0, and 1.5
      one + min_normal,                               // 2.0
      std::uint32_t(d.bias() / 2) << d.M,             // ~ sqrt(min normal): squares underflow
      std::uint32_t(d.bias() + d.bias() / 2) << d.M,  // ~ sqrt(max): squares near overflow
      top_binade, infinity - 2, infinity - 1,         // largest finite values
      infinity,                                       // +inf
      infinity | (min_normal / 2),                    // quiet NaN
      infinity | 1, infinity | max_subnormal,         // other NaNs
  };
  const std::size_t positives = codes.size();
  for (std::size_t i = 0; i < positives; ++i) codes.push_back(codes[i] | d.sign_bit());
  return codes;
}

template <class T>
class Lmul16Bit : public ::testing::Test {};
using lmul_16bit_types = ::testing::Types<lmul::lmul<7, 8>, lmul::lmul<10, 5>>;
TYPED_TEST_SUITE(Lmul16Bit, lmul_16bit_types);

TYPED_TEST(Lmul16Bit, TenMillionPairsAgainstReference) {
  using T = TypeParam;
  using S = typename T::storage;
  const format_desc d = core_test::desc<T>();
  const lmul_ref::format_table& table = core_test::table<T>();
  core_test::mismatch_log product("operator*"), saturating("lmul_product saturating"),
      wide("lmul_wide_product");
  const auto check = [&](std::uint32_t x, std::uint32_t y) {
    const T a = T::from_bits(S(x)), b = T::from_bits(S(y));
    const lmul_ref::value v = lmul_ref::lmul_value(d, x, y);
    const auto inputs = [&] { return core_test::hex(x) + " * " + core_test::hex(y); };
    product.check(table.round(v), core_test::outcome(a * b), inputs);
    saturating.check(table.round(v, overflow::saturating),
                     core_test::outcome(lmul::lmul_product(a, b, lmul::overflow_mode::saturating)),
                     inputs);
    wide.check(lmul_ref::round_to_float(v), lmul::lmul_wide_product(a, b), inputs);
  };

  std::mt19937 rng(12345);
  const std::uint32_t code_count = std::uint32_t{1} << (1 + d.E + d.M);
  std::uniform_int_distribution<std::uint32_t> any_code(0, code_count - 1);
  const std::vector<std::uint32_t> specials = boundary_codes(d);

  // 1. Every special and boundary code against each other and against 60000 random codes.
  for (const std::uint32_t x : specials) {
    for (const std::uint32_t y : specials) check(x, y);
    for (int i = 0; i < 60000; ++i) {
      const std::uint32_t r = any_code(rng);
      check(x, r);
      check(r, x);
    }
  }

  // 2. Pairs whose k (spec 3.2) lands in the top binade and the one above it (overflow) or in the
  // binades around and below the normal range (underflow into subnormals and to zero).
  // code_of_index[K(c) - K(1)] = c for finite nonzero c >= 0 (0 where no code has that K).
  const std::int64_t k_min = lmul_ref::magnitude_index(d, 1);
  const std::int64_t k_max = lmul_ref::magnitude_index(d, table.max_finite_code());
  std::vector<std::uint32_t> code_of_index(std::size_t(k_max - k_min + 1), 0);
  for (std::uint32_t c = 1; c <= table.max_finite_code(); ++c) {
    code_of_index[std::size_t(lmul_ref::magnitude_index(d, c) - k_min)] = c;
  }
  const std::int64_t unit = std::int64_t{1} << d.M;
  const std::int64_t offset = std::int64_t{1} << (d.M - lmul_ref::offset_exponent(d.M));
  std::uniform_int_distribution<std::int64_t> overflow_band(k_max - unit, k_max + unit);
  std::uniform_int_distribution<std::int64_t> underflow_band((1 - d.M - 3) * unit, 2 * unit);
  std::uniform_int_distribution<std::uint32_t> finite_code(1, table.max_finite_code());
  std::uint64_t boundary_pairs = 0;
  while (boundary_pairs < 2500000) {
    const std::uint32_t x = finite_code(rng);
    const std::int64_t k = (boundary_pairs % 2) ? overflow_band(rng) : underflow_band(rng);
    const std::int64_t wanted_index =
        k - lmul_ref::magnitude_index(d, x) + (std::int64_t(d.bias()) << d.M) - offset;
    if (wanted_index < k_min || wanted_index > k_max) continue;
    const std::uint32_t y = code_of_index[std::size_t(wanted_index - k_min)];
    if (y == 0) continue;
    const std::uint32_t signs = any_code(rng);  // random signs for both operands
    check(x | (signs & d.sign_bit()), y | ((signs << 1) & d.sign_bit()));
    ++boundary_pairs;
  }

  // 3. Random pairs up to 10^7.
  while (product.checked() < 10000000) check(any_code(rng), any_code(rng));
  EXPECT_GE(product.checked(), 10000000u);
}

}  // namespace
