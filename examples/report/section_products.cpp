// section_products.cpp -- section 1: relative error of one product, per method and distribution.
#include <stdexcept>

#include "product_study.hpp"
#include "progress.hpp"
#include "text_table.hpp"

namespace lmul_report {

const error_stats& product_study::at(distribution d, const std::string& key) const {
  for (std::size_t m = 0; m < methods.size(); ++m) {
    if (methods[m].key == key) return stats.at(d)[m];
  }
  throw std::out_of_range("lmul-report: no product method '" + key + "'");
}

std::uint64_t pair_seed(const report_options& options, distribution d) {
  return options.seed + 1000 * std::uint64_t(d);
}

product_study run_product_study(const report_options& options) {
  product_study study;
  study.pairs = options.product_pairs();
  study.methods = all_product_methods();
  progress shown("section 1: product error");
  const std::size_t total = std::size(all_distributions) * study.methods.size();
  std::size_t done = 0;
  for (distribution d : all_distributions) {
    const operand_pairs pairs = draw_pairs(d, study.pairs, pair_seed(options, d));
    auto& row_stats = study.stats[d];
    for (const product_method& method : study.methods) {
      error_stats stats;
      for (std::size_t i = 0; i < pairs.size(); ++i) {
        // The exact product of the unrounded float operands: exact in double (24 + 24 <= 53 bits).
        const double exact = double(pairs.x[i]) * double(pairs.y[i]);
        stats.add(method.multiply(pairs.x[i], pairs.y[i]), exact);
      }
      row_stats.push_back(stats);
      shown.update(++done, total);
    }
  }
  return study;
}

void print_product_section(std::ostream& out, const product_study& study, bool csv) {
  out << "\n== 1. Product error: relative error of one product against the exact product of the\n"
         "      unrounded float operands (" << study.pairs << " pairs per row, fixed seed) ==\n"
         "RNE = operands rounded to nearest even, trunc = truncated. L-Mul M=k keeps the fp32\n"
         "exponent range; fp8/bf16/fp16 rows are those formats end to end (range limits included).\n"
         "non-finite = overflowed results (left out of the statistics); zero = exact product 0\n"
         "(relative error undefined, skipped).\n";
  for (distribution d : all_distributions) {
    out << "\n-- distribution " << distribution_name(d) << " --\n";
    text_table table({"method", "mean", "RMS", "max", "bias", "non-finite", "zero"});
    const auto& row_stats = study.stats.at(d);
    for (std::size_t m = 0; m < study.methods.size(); ++m) {
      const error_stats& s = row_stats[m];
      table.add_row({study.methods[m].label, format_error(s.mean(), csv), format_error(s.rms(), csv),
                     format_error(s.max(), csv), format_error(s.bias(), csv),
                     std::to_string(s.non_finite), std::to_string(s.skipped_zero)});
    }
    table.print(out, csv);
  }
}

}  // namespace lmul_report
