// section_dot.cpp -- section 4: dot products of N(0,1) data with different products, all summed
// in fp32 (left to right), against a double-precision reference of the exact products.
#include <algorithm>
#include <cmath>
#include <functional>
#include <lmul/corrected.hpp>
#include <lmul/lmul.hpp>

#include "product_methods.hpp"
#include "progress.hpp"
#include "random_pairs.hpp"
#include "sections.hpp"
#include "text_table.hpp"

namespace lmul_report {
namespace {

/// The term x*y one method adds to the fp32 accumulator.
struct dot_method {
  const char* label;
  std::function<float(float, float)> term;
};

/// Operands rounded to F, product exact in float (2 (M + 1) <= 24 significant bits for M <= 11):
/// how fp8/bf16/fp16 tensor-core dot products form their terms before fp32 accumulation.
template <class F>
float exact_product_of_rounded(float x, float y) {
  static_assert(2 * (F::mantissa_bits + 1) <= 24, "product must be exact in float");
  return float(exact_type<F>(x)) * float(exact_type<F>(y));
}

std::vector<dot_method> dot_methods() {
  using lmul::float8_e4m3fn;
  using lmul::float8_e5m2;
  return {
      {"fp32 products", [](float x, float y) { return x * y; }},
      {"bf16 operands, exact products", exact_product_of_rounded<lmul::format_traits<7, 8>>},
      {"float8_e4m3fn operands, exact products", exact_product_of_rounded<lmul::e4m3fn_traits>},
      {"float8_e5m2 operands, exact products", exact_product_of_rounded<lmul::e5m2_traits>},
      {"L-Mul fp32 (M=23)", [](float x, float y) { return lmul::lmul_wide_product(x, y); }},
      {"L-Mul M=4 (RNE, fp32 range)", [](float x, float y) { return lmul::lmul_simulated<4>(x, y); }},
      {"L-Mul on float8_e4m3fn",
       [](float x, float y) { return lmul::lmul_wide_product(float8_e4m3fn(x), float8_e4m3fn(y)); }},
      {"L-Mul on float8_e5m2",
       [](float x, float y) { return lmul::lmul_wide_product(float8_e5m2(x), float8_e5m2(y)); }},
      {"corrected L-Mul M=4 (RNE)",
       [](float x, float y) { return lmul::lmul_simulated_corrected<4>(x, y); }},
      {"corrected L-Mul on float8_e4m3fn",
       [](float x, float y) {
         return lmul::lmul_wide_product_corrected(float8_e4m3fn(x), float8_e4m3fn(y));
       }},
  };
}

constexpr std::size_t dot_lengths[] = {64, 1024, 16384};

struct dot_errors {
  double median_relative = 0;  ///< median of |dot - ref| / |ref|
  double mean_scaled = 0;      ///< mean of |dot - ref| / sum |x_i y_i| (insensitive to ref ~ 0)
};

dot_errors measure(const dot_method& method, const operand_pairs& data, std::size_t n) {
  std::vector<double> relative;
  double scaled_sum = 0;
  const std::size_t trials = data.size() / n;
  for (std::size_t t = 0; t < trials; ++t) {
    float sum = 0;       // fp32 accumulation, left to right
    double exact = 0;    // double sum of the exact products (each exact in double)
    double magnitude = 0;
    for (std::size_t i = t * n; i < (t + 1) * n; ++i) {
      sum += method.term(data.x[i], data.y[i]);
      const double p = double(data.x[i]) * double(data.y[i]);
      exact += p;
      magnitude += std::abs(p);
    }
    const double error = std::abs(double(sum) - exact);
    if (exact != 0) relative.push_back(error / std::abs(exact));
    scaled_sum += error / magnitude;
  }
  dot_errors errors;
  if (!relative.empty()) {
    auto middle = relative.begin() + std::ptrdiff_t(relative.size() / 2);
    std::nth_element(relative.begin(), middle, relative.end());
    errors.median_relative = *middle;
  }
  errors.mean_scaled = trials ? scaled_sum / double(trials) : 0;
  return errors;
}

}  // namespace

void print_dot_section(std::ostream& out, const report_options& options) {
  const std::vector<dot_method> methods = dot_methods();
  // results[m][l]: method m at length dot_lengths[l].
  std::vector<std::vector<dot_errors>> results(methods.size());
  std::vector<std::size_t> trials;
  {
    progress shown("section 4: dot products");
    std::size_t done = 0;
    for (std::size_t n : dot_lengths) {
      const std::size_t count = std::max<std::size_t>(8, options.dot_terms() / n);
      trials.push_back(count);
      const operand_pairs data = draw_pairs(distribution::normal, count * n, options.seed + 7 * n);
      for (std::size_t m = 0; m < methods.size(); ++m) {
        results[m].push_back(measure(methods[m], data, n));
        shown.update(++done, methods.size() * std::size(dot_lengths));
      }
    }
  }
  out << "\n== 4. Dot products of N(0,1) vectors: error against a double-precision sum of the exact\n"
         "      products; every method accumulates its products in fp32, left to right ==\n"
         "Dot products per length:";
  for (std::size_t i = 0; i < trials.size(); ++i) {
    out << (i ? ", " : " ") << trials[i] << " x n=" << dot_lengths[i];
  }
  out << ".\n";
  auto print_metric = [&](const char* title, double dot_errors::*metric) {
    out << "\n" << title << "\n";
    std::vector<std::string> header{"products (all summed in fp32)"};
    for (std::size_t n : dot_lengths) header.push_back("n=" + std::to_string(n));
    text_table table(header);
    for (std::size_t m = 0; m < methods.size(); ++m) {
      std::vector<std::string> row{methods[m].label};
      for (const dot_errors& e : results[m]) row.push_back(format_error(e.*metric, options.csv));
      table.add_row(row);
    }
    table.print(out, options.csv);
  };
  print_metric("-- median of |dot - ref| / |ref| --", &dot_errors::median_relative);
  print_metric("-- mean of |dot - ref| / sum |x_i y_i| (stable where ref is near 0) --",
               &dot_errors::mean_scaled);
}

}  // namespace lmul_report
