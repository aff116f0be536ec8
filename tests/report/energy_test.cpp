// The energy model against spec section 5 (numbers typed from the spec, sums re-derived here).
#include <gtest/gtest.h>

#include <lmul/energy.hpp>

namespace {

namespace em = lmul::energy_model;
using em::operation;

TEST(EnergyModel, TableIsTheSpecTable) {
  EXPECT_EQ(em::model_estimate_pj(operation::integer_add, 8), 0.03);
  EXPECT_EQ(em::model_estimate_pj(operation::integer_add, 16), 0.05);  // interpolated in the spec
  EXPECT_EQ(em::model_estimate_pj(operation::integer_add, 32), 0.1);
  EXPECT_EQ(em::model_estimate_pj(operation::integer_multiply, 8), 0.2);
  EXPECT_EQ(em::model_estimate_pj(operation::integer_multiply, 32), 3.1);
  EXPECT_EQ(em::model_estimate_pj(operation::float_add, 16), 0.4);
  EXPECT_EQ(em::model_estimate_pj(operation::float_add, 32), 0.9);
  EXPECT_EQ(em::model_estimate_pj(operation::float_multiply, 16), 1.1);
  EXPECT_EQ(em::model_estimate_pj(operation::float_multiply, 32), 3.7);
  // n/a in the spec: no invented figures.
  EXPECT_FALSE(em::model_estimate_pj(operation::integer_multiply, 16).has_value());
  EXPECT_FALSE(em::model_estimate_pj(operation::float_add, 8).has_value());
  EXPECT_FALSE(em::model_estimate_pj(operation::float_multiply, 8).has_value());
  EXPECT_FALSE(em::model_estimate_float_dot_term_pj(8).has_value());
}

TEST(EnergyModel, FormatsMapToTheirStorageWidth) {
  EXPECT_EQ(em::model_width(8), 8);    // float8, lmul<3,4>
  EXPECT_EQ(em::model_width(9), 16);
  EXPECT_EQ(em::model_width(16), 16);  // bf16, fp16 layouts
  EXPECT_EQ(em::model_width(17), 32);
  EXPECT_EQ(em::model_width(32), 32);
}

TEST(EnergyModel, PaperDotProductFigure) {
  // Spec: (0.1 + 0.9) / (3.7 + 0.9) = 0.22, "80% less".
  const double lmul_term = *em::model_estimate_lmul_dot_term_pj(32);
  const double fp32_term = *em::model_estimate_float_dot_term_pj(32);
  EXPECT_DOUBLE_EQ(lmul_term, 0.1 + 0.9);
  EXPECT_DOUBLE_EQ(fp32_term, 3.7 + 0.9);
  EXPECT_NEAR(lmul_term / fp32_term, 0.22, 0.005);
  EXPECT_NEAR(em::model_estimate_saving(lmul_term, fp32_term), 0.80, 0.025);
}

TEST(EnergyModel, PaperElementwiseFigure) {
  // "95% less": an integer add of the operand width in place of a float multiply.
  const double saving16 = em::model_estimate_saving(*em::model_estimate_lmul_product_pj(16),
                                                    *em::model_estimate_float_product_pj(16));
  const double saving32 = em::model_estimate_saving(*em::model_estimate_lmul_product_pj(32),
                                                    *em::model_estimate_float_product_pj(32));
  EXPECT_DOUBLE_EQ(saving16, 1 - 0.05 / 1.1);
  EXPECT_DOUBLE_EQ(saving32, 1 - 0.1 / 3.7);
  EXPECT_GE(saving16, 0.95);
  EXPECT_GE(saving32, 0.95);
}

}  // namespace
