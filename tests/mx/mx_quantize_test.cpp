// mx_quantize / mx_dequantize: bit-exact against the independent reference (mx_reference.hpp) for
// the five element formats, both scale rules and several block sizes; bad arguments throw with
// nothing written.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <span>
#include <stdexcept>
#include <vector>

#include "mx_test_support.hpp"

namespace {

template <class T>
class MxQuantize : public ::testing::Test {};
TYPED_TEST_SUITE(MxQuantize, mx_test::mx_types);

TYPED_TEST(MxQuantize, MatchesReferenceBitForBit) {
  using T = TypeParam;
  const lmul_ref::format_table& table = core_test::table<T>();
  std::size_t checked_blocks = 0, checked_elems = 0, checked_dequant = 0;
  for (const std::size_t block : {std::size_t{32}, std::size_t{1}, std::size_t{7}, std::size_t{128}}) {
    const std::vector<float> x =
        mx_test::concatenated(mx_test::special_blocks(table.max_finite(), block, 11), block);
    const std::size_t blocks = (x.size() + block - 1) / block;
    for (const auto rule : {lmul::mx_scale_rule::floor, lmul::mx_scale_rule::rceil}) {
      const auto ref_rule = rule == lmul::mx_scale_rule::floor ? mx_ref::rule::floor : mx_ref::rule::rceil;
      std::vector<lmul::float8_e8m0fnu> scales(blocks);
      std::vector<T> elems(x.size());
      lmul::mx_quantize<T>(x, scales, elems, rule, block);
      std::vector<float> back(x.size());
      lmul::mx_dequantize<T>(scales, elems, back, block);
      core_test::mismatch_log scale_log("scales"), elem_log("elements"), dequant_log("dequantized");
      for (std::size_t j = 0; j < blocks; ++j) {
        const std::size_t first = j * block, count = std::min(block, x.size() - first);
        const mx_ref::block_result want = mx_ref::quantize_block(table, x.data() + first, count, ref_rule);
        const auto describe = [&] {
          return "block " + std::to_string(j) + " of size " + std::to_string(block) + " (rule " +
                 (ref_rule == mx_ref::rule::floor ? "floor" : "rceil") + ", x[first] = " +
                 core_test::show(x[first]) + ")";
        };
        scale_log.check(lmul_ref::expected{false, want.scale_code},
                        lmul_ref::expected{false, scales[j].bits()}, describe);
        ++checked_blocks;
        for (std::size_t i = 0; i < count; ++i) {
          elem_log.check(lmul_ref::expected{false, want.elems[i]},
                         lmul_ref::expected{false, elems[first + i].bits()}, describe);
          dequant_log.check(mx_ref::dequantize(table.desc(), want.scale_code, want.elems[i]),
                            back[first + i], describe);
          ++checked_elems;
          ++checked_dequant;
        }
      }
    }
  }
  std::printf("%zu blocks, %zu elements, %zu dequantized values checked\n", checked_blocks,
              checked_elems, checked_dequant);
}

// Hand-derived cases (the rules applied by hand to e4m3fn, max 448 = 1.75 * 2^8, emax 8).
TEST(MxQuantizeByHand, E4m3fn) {
  using T = lmul::float8_e4m3fn;
  const auto quantize = [](std::vector<float> x, lmul::mx_scale_rule rule) {
    std::vector<lmul::float8_e8m0fnu> s(1);
    std::vector<T> e(x.size());
    lmul::mx_quantize<T>(x, s, e, rule, x.size());
    return std::make_pair(int(s[0].bits()), e);
  };
  // amax = 448: floor gives shared = 8 - 8 = 0 (code 127), 448 stays 448 (0x7E).
  auto [s1, e1] = quantize({448.f, -1.f}, lmul::mx_scale_rule::floor);
  EXPECT_EQ(s1, 127);
  EXPECT_EQ(e1[0].bits(), 0x7E);
  EXPECT_EQ(e1[1].bits(), 0xB8);
  // amax = 500 (in (448, 512)): floor keeps shared 0 and clamps 500 to 448; rceil takes shared 1
  // (500 / 448 > 1) and 500 / 2 = 250 rounds to 256 (0x78... 250 lies between 240 and 256: 256).
  auto [s2, e2] = quantize({500.f}, lmul::mx_scale_rule::floor);
  EXPECT_EQ(s2, 127);
  EXPECT_EQ(e2[0].bits(), 0x7E);
  auto [s3, e3] = quantize({500.f}, lmul::mx_scale_rule::rceil);
  EXPECT_EQ(s3, 128);
  EXPECT_EQ(e3[0].bits(), 0x78);
  // Exactly 448 * 2^3 with rceil: 3 exactly (no rounding up of an exact power ratio).
  auto [s4, e4] = quantize({3584.f}, lmul::mx_scale_rule::rceil);
  EXPECT_EQ(s4, 130);
  EXPECT_EQ(e4[0].bits(), 0x7E);
  // All zero: shared -127 (code 0), elements keep the sign of zero.
  auto [s5, e5] = quantize({0.f, -0.f}, lmul::mx_scale_rule::floor);
  EXPECT_EQ(s5, 0);
  EXPECT_EQ(e5[0].bits(), 0x00);
  EXPECT_EQ(e5[1].bits(), 0x80);
  // inf: scale NaN, elements +0.
  auto [s6, e6] = quantize({-INFINITY, 1.f}, lmul::mx_scale_rule::rceil);
  EXPECT_EQ(s6, 0xFF);
  EXPECT_EQ(e6[0].bits(), 0x00);
  EXPECT_EQ(e6[1].bits(), 0x00);
}

// FP4 by hand: max 6 = 1.5 * 2^2. amax = 7: floor gives shared 0 and clamps 7 to 6; rceil gives
// shared 1 (7 / 6 > 1): 7 / 2 = 3.5 is a tie between 3 and 4 -> 4 (even code 0x6).
TEST(MxQuantizeByHand, Fp4) {
  using T = lmul::float4_e2m1fn;
  std::vector<float> x = {7.f, -0.75f, 0.25f};
  std::vector<lmul::float8_e8m0fnu> s(1);
  std::vector<T> e(3);
  lmul::mx_quantize<T>(x, s, e, lmul::mx_scale_rule::floor, 3);
  EXPECT_EQ(s[0].bits(), 127);
  EXPECT_EQ(e[0].bits(), 0x7);        // 6
  EXPECT_EQ(e[1].bits(), 0x8 | 0x2);  // -0.75 is a tie between 0.5 and 1 -> 1 (even code 2)
  EXPECT_EQ(e[2].bits(), 0x0);        // 0.25 is a tie between 0 and 0.5 -> 0
  lmul::mx_quantize<T>(x, s, e, lmul::mx_scale_rule::rceil, 3);
  EXPECT_EQ(s[0].bits(), 128);
  EXPECT_EQ(e[0].bits(), 0x6);  // 4
}

template <class T>
void expect_untouched(const std::vector<lmul::float8_e8m0fnu>& s, const std::vector<T>& e,
                      std::uint8_t scale_fill, std::uint8_t elem_fill) {
  for (const auto& x : s) EXPECT_EQ(x.bits(), scale_fill);
  for (const auto& x : e) EXPECT_EQ(x.bits(), elem_fill);
}

TYPED_TEST(MxQuantize, BadArgumentsThrowAndWriteNothing) {
  using T = TypeParam;
  const std::vector<float> x(70, 1.5f);
  const std::uint8_t scale_fill = 0x42, elem_fill = 0x3;
  const auto scales = [&](std::size_t n) {
    return std::vector<lmul::float8_e8m0fnu>(n, lmul::float8_e8m0fnu::from_bits(scale_fill));
  };
  const auto elems = [&](std::size_t n) { return std::vector<T>(n, T::from_bits(elem_fill)); };
  // Wrong scale count (3 needed for 70 in blocks of 32), wrong element count, block 0.
  for (const std::size_t ns : {std::size_t{2}, std::size_t{4}, std::size_t{0}}) {
    auto s = scales(ns);
    auto e = elems(70);
    EXPECT_THROW(lmul::mx_quantize<T>(x, s, e), std::invalid_argument);
    expect_untouched(s, e, scale_fill, elem_fill);
  }
  {
    auto s = scales(3);
    auto e = elems(69);
    EXPECT_THROW(lmul::mx_quantize<T>(x, s, e), std::invalid_argument);
    expect_untouched(s, e, scale_fill, elem_fill);
  }
  {
    auto s = scales(3);
    auto e = elems(70);
    EXPECT_THROW(lmul::mx_quantize<T>(x, s, e, lmul::mx_scale_rule::floor, 0), std::invalid_argument);
    expect_untouched(s, e, scale_fill, elem_fill);
  }
  // Dequantize: wrong scale count, out of the wrong size, block 0.
  const auto s3 = scales(3);
  const auto e70 = elems(70);
  for (const std::size_t n_out : {std::size_t{69}, std::size_t{71}}) {
    std::vector<float> out(n_out, 7.f);
    EXPECT_THROW(lmul::mx_dequantize<T>(s3, e70, out), std::invalid_argument);
    for (const float v : out) EXPECT_EQ(v, 7.f);
  }
  std::vector<float> out(70, 7.f);
  EXPECT_THROW(lmul::mx_dequantize<T>(scales(2), e70, out), std::invalid_argument);
  EXPECT_THROW(lmul::mx_dequantize<T>(s3, e70, out, 0), std::invalid_argument);
  for (const float v : out) EXPECT_EQ(v, 7.f);
  // Empty input is fine: no blocks, no scales.
  std::vector<lmul::float8_e8m0fnu> no_scales;
  std::vector<T> no_elems;
  EXPECT_NO_THROW(lmul::mx_quantize<T>(std::span<const float>(), no_scales, no_elems));
}

}  // namespace
