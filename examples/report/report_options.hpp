// report_options.hpp -- the command line of lmul-report.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace lmul_report {

struct report_options {
  bool quick = false;        ///< --quick: small samples, for CI (seconds, not minutes)
  bool csv = false;          ///< --csv: tables as CSV instead of aligned text
  std::string svg_path;      ///< --svg PATH (default: accuracy.svg in the build tree)
  bool write_svg = true;     ///< --no-svg turns the picture off
  std::uint64_t seed = 20241001;  ///< fixed: every run prints the same numbers

  /// Operand pairs per row of the product tables (at least 10^6 by default: the mean errors of
  /// the rows compared then differ by many standard errors).
  std::size_t product_pairs() const { return quick ? 20'000 : 1'000'000; }
  /// Pairs used to search the best constant offset (then evaluated on product_pairs()).
  std::size_t offset_search_pairs() const { return quick ? 4'096 : 65'536; }
  /// Products summed per dot-product length (split into length-n dot products).
  std::size_t dot_terms() const { return quick ? 32'768 : 1u << 21; }
};

}  // namespace lmul_report
