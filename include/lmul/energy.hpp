// lmul/energy.hpp -- the energy MODEL of spec section 5, as data and a few sums.
//
// These are not measurements of anything this library runs. They are model estimates: the
// paper's Table 1 (Horowitz, ISSCC 2014, 45 nm process), in picojoules per operation, and sums
// of its entries. Every name here says "model_estimate" so that a printed number can never be
// mistaken for a measurement; print "model estimate" next to each one (spec section 5).
#pragma once

#include <array>
#include <optional>

namespace lmul::energy_model {

enum class operation { integer_add, integer_multiply, float_add, float_multiply };

/// One cell of the table: model estimate in pJ for one operation at one operand width.
struct table_entry {
  operation op;
  int bits;
  double model_estimate_pj;
  bool interpolated;  ///< the 16-bit integer add is interpolated (spec section 5)
};

/// Spec section 5 (paper Table 1, Horowitz 45 nm). Cells marked n/a there are absent here.
inline constexpr std::array<table_entry, 9> horowitz_45nm_model_estimates{{
    {operation::integer_add, 8, 0.03, false},
    {operation::integer_add, 16, 0.05, true},
    {operation::integer_add, 32, 0.1, false},
    {operation::integer_multiply, 8, 0.2, false},
    {operation::integer_multiply, 32, 3.1, false},
    {operation::float_add, 16, 0.4, false},
    {operation::float_add, 32, 0.9, false},
    {operation::float_multiply, 16, 1.1, false},
    {operation::float_multiply, 32, 3.7, false},
}};

/// The table's width for a format of `format_bits` bits: its storage integer (8, 16 or 32 bits).
constexpr int model_width(int format_bits) {
  return format_bits <= 8 ? 8 : (format_bits <= 16 ? 16 : 32);
}

/// Model estimate (pJ) of one operation on operands of `format_bits` bits; empty where the table
/// has no figure (e.g. an 8-bit float multiply).
constexpr std::optional<double> model_estimate_pj(operation op, int format_bits) {
  const int width = model_width(format_bits);
  for (const table_entry& entry : horowitz_45nm_model_estimates) {
    if (entry.op == op && entry.bits == width) return entry.model_estimate_pj;
  }
  return std::nullopt;
}

/// Sum of two optional model estimates (empty if either is).
constexpr std::optional<double> model_estimate_sum(std::optional<double> a,
                                                   std::optional<double> b) {
  if (!a || !b) return std::nullopt;
  return *a + *b;
}

/// Model estimate of one element-wise float product: a float multiply of that width.
constexpr std::optional<double> model_estimate_float_product_pj(int format_bits) {
  return model_estimate_pj(operation::float_multiply, format_bits);
}

/// Model estimate of one element-wise L-Mul product: one integer add of the operand width.
constexpr std::optional<double> model_estimate_lmul_product_pj(int format_bits) {
  return model_estimate_pj(operation::integer_add, format_bits);
}

/// Model estimate of one dot-product term with a float multiply: multiply + accumulator add.
constexpr std::optional<double> model_estimate_float_dot_term_pj(int format_bits,
                                                                 int accumulator_bits = 32) {
  return model_estimate_sum(model_estimate_float_product_pj(format_bits),
                            model_estimate_pj(operation::float_add, accumulator_bits));
}

/// Model estimate of one dot-product term with L-Mul: integer add + accumulator float add.
constexpr std::optional<double> model_estimate_lmul_dot_term_pj(int format_bits,
                                                                int accumulator_bits = 32) {
  return model_estimate_sum(model_estimate_lmul_product_pj(format_bits),
                            model_estimate_pj(operation::float_add, accumulator_bits));
}

/// Model-estimated saving of replacing an operation costing `old_pj` by one costing `new_pj`:
/// 1 - new / old (0.95 means "95% less energy", as a model estimate).
constexpr double model_estimate_saving(double new_pj, double old_pj) { return 1 - new_pj / old_pj; }

}  // namespace lmul::energy_model
