// std::numeric_limits comes with the type: this unit includes small_float.hpp and nothing else of
// lmul, and must still see the specialisation (the primary template says is_specialized == false
// and max() == 0; other units of this program include limits.hpp, so a unit without the
// specialisation would also be an ODR violation).
#include <limits>

#include <gtest/gtest.h>

#include <lmul/small_float.hpp>

namespace {

TEST(LimitsWithType, SmallFloatHeaderAloneGivesTheSpecialisation) {
  EXPECT_TRUE(std::numeric_limits<lmul::float8_e4m3fn>::is_specialized);
  EXPECT_TRUE((std::numeric_limits<lmul::lmul<3, 4>>::is_specialized));
  // Largest finite values from the format definitions (spec section 1): e4m3fn 1.75 * 2^8 = 448,
  // e5m2 1.75 * 2^15 = 57344, lmul<3,4> (IEEE-style, bias 7) 1.875 * 2^7 = 240.
  EXPECT_EQ(float(std::numeric_limits<lmul::float8_e4m3fn>::max()), 448.0f);
  EXPECT_EQ(float(std::numeric_limits<lmul::float8_e5m2>::max()), 57344.0f);
  EXPECT_EQ(float(std::numeric_limits<lmul::lmul<3, 4>>::max()), 240.0f);
  EXPECT_EQ(std::numeric_limits<lmul::float8_e4m3fn>::digits, 4);
}

}  // namespace
