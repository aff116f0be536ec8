// offset_study.hpp -- section 3: the paper's offset, the best constant offset, corrected L-Mul,
// and corrected L-Mul with smaller tables (fewer index bits).
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

/// Corrected L-Mul at M bits with a table indexed by t bits of each fraction (RNE operands).
struct table_size_row {
  int mantissa_bits = 0;
  int index_bits = 0;     ///< t: the table has 2^t x 2^t entries
  int entries = 0;
  int entry_bits = 0;     ///< bits that hold every entry (two's complement if one is negative)
  error_stats error;
  error_stats paper;      ///< the paper's offset on the same operands, for the reduction
};

struct offset_study {
  std::size_t pairs = 0, search_pairs = 0;
  std::vector<offset_row> rows;  // M = 1 .. max_swept_mantissa
  std::vector<table_size_row> table_sizes;  // M in table_size_mantissas, t = 0 .. default t
};

/// The M at which section 3 weighs table size against error: 3 and 4 (fp8-sized, where the
/// default table is a complete product table) and 7 (bf16's fraction bits).
inline constexpr int table_size_mantissas[] = {3, 4, 7};

offset_study run_offset_study(const report_options& options);
void print_offset_section(std::ostream& out, const offset_study& study, bool csv);

}  // namespace lmul_report
