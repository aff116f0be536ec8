// section_energy.cpp -- section 5: the energy MODEL of spec section 5 (include/lmul/energy.hpp).
// Nothing here is measured: every figure is a model estimate from the paper's Table 1
// (Horowitz, 45 nm) and says so.
#include <lmul/energy.hpp>
#include <optional>

#include "sections.hpp"
#include "text_table.hpp"

namespace lmul_report {
namespace {

namespace em = lmul::energy_model;

std::string pj(std::optional<double> value) {
  return value ? format("%.3g pJ", *value) : std::string("n/a (not in table)");
}

std::string saving(std::optional<double> new_pj, std::optional<double> old_pj) {
  if (!new_pj || !old_pj) return "n/a";
  return format("%.1f%%", 100 * em::model_estimate_saving(*new_pj, *old_pj));
}

struct energy_row {
  const char* method;
  const char* formats;
  int bits;
  bool lmul;
};

constexpr energy_row energy_rows[] = {
    {"fp32 multiply", "float", 32, false},
    {"fp16/bf16 multiply", "fp16, bf16", 16, false},
    {"fp8 multiply", "float8 types", 8, false},
    {"L-Mul 32-bit", "float (lmul<23,8>)", 32, true},
    {"L-Mul 16-bit", "16-bit lmul<M,E>", 16, true},
    {"L-Mul 8-bit", "float8 types, 8-bit lmul<M,E>", 8, true},
};

}  // namespace

void print_energy_section(std::ostream& out, bool csv) {
  out << "\n== 5. Energy MODEL (model estimates, NOT measurements): spec section 5 / paper Table 1,\n"
         "      Horowitz ISSCC 2014, 45 nm. The 16-bit integer add (0.05 pJ) is interpolated; the\n"
         "      table has no 8-bit float multiply, so fp8 rows say n/a rather than invent a figure.\n"
         "      L-Mul product = one integer add of the operand width; dot-product term = product +\n"
         "      one fp32 add (fp32 accumulation, as in section 4). Savings are against fp32.\n"
         "      \"model est.\" = model estimate. ==\n";
  text_table table({"method", "formats", "product (model est.)", "dot term (model est.)",
                    "product saving (model est.)", "dot-term saving (model est.)"});
  const auto fp32_product = em::model_estimate_float_product_pj(32);
  const auto fp32_term = em::model_estimate_float_dot_term_pj(32);
  for (const energy_row& row : energy_rows) {
    const auto product = row.lmul ? em::model_estimate_lmul_product_pj(row.bits)
                                  : em::model_estimate_float_product_pj(row.bits);
    const auto term = row.lmul ? em::model_estimate_lmul_dot_term_pj(row.bits)
                               : em::model_estimate_float_dot_term_pj(row.bits);
    table.add_row({row.method, row.formats, pj(product), pj(term), saving(product, fp32_product),
                   saving(term, fp32_term)});
  }
  table.print(out, csv);

  // The paper's two headline figures, re-derived from the same table.
  const double int16_add = *em::model_estimate_pj(em::operation::integer_add, 16);
  const double int32_add = *em::model_estimate_pj(em::operation::integer_add, 32);
  const double f16_mul = *em::model_estimate_pj(em::operation::float_multiply, 16);
  const double f32_mul = *em::model_estimate_pj(em::operation::float_multiply, 32);
  const double f32_add = *em::model_estimate_pj(em::operation::float_add, 32);
  const double dot_ratio = (int32_add + f32_add) / (f32_mul + f32_add);
  out << "\nThe paper's figures, re-derived (all model estimates):\n"
      << format("  element-wise \"95%% less\": 16-bit integer add vs fp16 multiply: 1 - %.2f / %.1f = "
                "%.1f%% less energy [model estimate]\n",
                int16_add, f16_mul, 100 * em::model_estimate_saving(int16_add, f16_mul))
      << format("                          32-bit integer add vs fp32 multiply: 1 - %.1f / %.1f = "
                "%.1f%% less energy [model estimate]\n",
                int32_add, f32_mul, 100 * em::model_estimate_saving(int32_add, f32_mul))
      << format("  dot product \"80%% less\": (int add + fp32 add) / (fp32 mul + fp32 add) = "
                "(%.1f + %.1f) / (%.1f + %.1f) = %.3f, i.e. %.1f%% less energy [model estimate]\n",
                int32_add, f32_add, f32_mul, f32_add, dot_ratio, 100 * (1 - dot_ratio));
}

}  // namespace lmul_report
