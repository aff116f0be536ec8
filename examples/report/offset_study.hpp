// offset_study.hpp -- section 3: the paper's offset, the best constant offset, corrected L-Mul.
#pragma once

#include <cstdint>
#include <ostream>
#include <vector>

#include "error_stats.hpp"
#include "report_options.hpp"

namespace lmul_report {

/// Errors at one M on distribution (a), for one way of reaching M bits (RNE or trunc).
struct offset_errors {
  error_stats paper;             ///< offset 2^-l(M) (spec section 3)
  std::int64_t best_units = 0;   ///< best constant offset found by search, units of 2^-M
  error_stats best;              ///< that constant offset
  error_stats corrected;         ///< corrected L-Mul (lmul/corrected.hpp)
};

struct offset_row {
  int mantissa_bits = 0;
  offset_errors nearest_even, truncated;
};

struct offset_study {
  std::size_t pairs = 0, search_pairs = 0;
  std::vector<offset_row> rows;  // M = 1 .. max_swept_mantissa
};

offset_study run_offset_study(const report_options& options);
void print_offset_section(std::ostream& out, const offset_study& study, bool csv);

}  // namespace lmul_report
