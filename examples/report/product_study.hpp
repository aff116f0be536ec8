// product_study.hpp -- section 1's measurements, shared with the claims (2) and the plot (6).
#pragma once

#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "error_stats.hpp"
#include "product_methods.hpp"
#include "random_pairs.hpp"
#include "report_options.hpp"

namespace lmul_report {

/// Relative-error statistics of every product method on every distribution, on the same pairs.
struct product_study {
  std::size_t pairs = 0;
  std::vector<product_method> methods;
  std::map<distribution, std::vector<error_stats>> stats;  // indexed like `methods`

  /// The statistics of method `key` on distribution `d` (throws if there is no such method).
  const error_stats& at(distribution d, const std::string& key) const;
};

/// The seed of distribution d's pairs: fixed, and different per distribution.
std::uint64_t pair_seed(const report_options& options, distribution d);

/// Section 1: measure every method of all_product_methods() on every distribution.
product_study run_product_study(const report_options& options);
/// Section 1's tables.
void print_product_section(std::ostream& out, const product_study& study, bool csv);

}  // namespace lmul_report
