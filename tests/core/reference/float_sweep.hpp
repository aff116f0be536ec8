// tests/core/reference/float_sweep.hpp -- check a float -> format conversion over many floats.
//
// The inputs are walked in ascending order of magnitude (the order of their bit patterns), so the
// reference finds each input's neighbours in the format's value table by moving one index forward
// instead of searching: fast enough for all 2^32 floats. Each magnitude is checked with both signs.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "reference.hpp"

namespace lmul_ref {

/// The outcome of a conversion under test: NaN (any code) or a code.
struct converted {
  bool is_nan;
  std::uint32_t code;
};

struct sweep_result {
  std::uint64_t checked = 0;
  std::uint64_t mismatches = 0;
  std::string first_mismatches;  // the first few, for the test's failure message

  void merge(const sweep_result& other) {
    checked += other.checked;
    mismatches += other.mismatches;
    if (first_mismatches.size() < 2000) first_mismatches += other.first_mismatches;
  }
};

/// The expected result for every finite magnitude in [values[lo], values[lo + 1]): within such an
/// interval round_from() depends only on how the magnitude compares with the interval's midpoint,
/// so three calls of it cover the interval and each input costs one comparison.
class interval_expectation {
 public:
  interval_expectation(const format_table& table, overflow mode, rounding rmode)
      : table_(table), mode_(mode), rmode_(rmode) {
    set(0);
  }

  /// Expected result for the finite magnitude `m`, for ascending calls (moves lo forward).
  const expected& at(double m) {
    const std::vector<double>& values = table_.values();
    if (lo_ + 1 < values.size() && values[lo_ + 1] <= m) {
      std::size_t lo = lo_ + 1;
      while (lo + 1 < values.size() && values[lo + 1] <= m) ++lo;
      set(lo);
    }
    return m < mid_ ? below_ : (m > mid_ ? above_ : tie_);
  }
  /// Start again at the interval that holds `m` (for a sweep that does not start at zero).
  void seek(double m) { set(table_.floor_index(m)); }

 private:
  void set(std::size_t lo) {
    lo_ = lo;
    const std::vector<double>& values = table_.values();
    const double hi = lo + 1 < values.size() ? values[lo + 1] : table_.beyond_max();
    mid_ = (values[lo] + hi) / 2;  // exact, see format_table::round_from
    below_ = table_.round_from(lo, false, values[lo], 0, mode_, rmode_);
    tie_ = table_.round_from(lo, false, mid_, 0, mode_, rmode_);
    above_ = table_.round_from(lo, false, std::nextafter(mid_, hi), 0, mode_, rmode_);
  }

  const format_table& table_;
  overflow mode_;
  rounding rmode_;
  std::size_t lo_ = 0;
  double mid_ = 0;
  expected below_, tie_, above_;
};

/// Check the conversion of +x and -x, where x has magnitude bit pattern `magnitude_bits` (inputs
/// in ascending order). Rounding is symmetric in the sign (spec section 2), so the expectation for
/// -x is the one for +x with the sign bit set.
template <class Convert>
inline void check_both_signs(const format_table& table, std::uint32_t magnitude_bits,
                             interval_expectation& intervals, overflow mode, Convert& convert,
                             sweep_result& result) {
  expected positive;
  if (magnitude_bits > 0x7F800000u) {
    // NaN stays NaN in both modes; a format without NaN (FP6/FP4) gives +0 for either sign.
    positive = table.nan_result();
    if (!positive.is_nan) {
      const auto check_nan = [&](std::uint32_t bits) {
        const converted got = convert(std::bit_cast<float>(bits));
        ++result.checked;
        if (!got.is_nan && got.code == 0) return;
        if (++result.mismatches <= 5) {
          std::ostringstream os;
          os << "  NaN (bits 0x" << std::hex << bits << "): expected +0, got code 0x" << got.code
             << "\n";
          result.first_mismatches += os.str();
        }
      };
      check_nan(magnitude_bits);
      check_nan(magnitude_bits | 0x80000000u);
      return;
    }
  } else if (magnitude_bits == 0x7F800000u) {
    // +inf: IEEE-style formats keep it, e4m3fn has none (NaN), saturating mode gives max finite.
    positive = table.overflowed(false, mode);
  } else {
    positive = intervals.at(double(std::bit_cast<float>(magnitude_bits)));
  }
  const expected negative = {positive.is_nan, positive.code | table.desc().sign_bit()};
  const auto check = [&](std::uint32_t bits, const expected& want) {
    const converted got = convert(std::bit_cast<float>(bits));
    ++result.checked;
    if (want.is_nan ? got.is_nan : (!got.is_nan && got.code == want.code)) return;
    if (++result.mismatches <= 5) {
      std::ostringstream os;
      os << "  float " << std::bit_cast<float>(bits) << " (bits 0x" << std::hex << bits
         << "): expected " << describe(want) << ", got " << (got.is_nan ? "NaN" : "code")
         << " 0x" << got.code << "\n";
      result.first_mismatches += os.str();
    }
  };
  check(magnitude_bits, positive);
  check(magnitude_bits | 0x80000000u, negative);
}

/// Check every float whose magnitude bit pattern lies in [begin, end) (end <= 0x80000000), both
/// signs. `convert(float)` returns the conversion under test as a `converted`.
template <class Convert>
sweep_result sweep_range(const format_table& table, std::uint32_t begin, std::uint32_t end,
                         overflow mode, rounding rmode, Convert convert) {
  sweep_result result;
  interval_expectation intervals(table, mode, rmode);
  intervals.seek(double(std::bit_cast<float>(std::min(begin, 0x7F7FFFFFu))));
  for (std::uint64_t b = begin; b < end; ++b) {
    check_both_signs(table, std::uint32_t(b), intervals, mode, convert, result);
  }
  return result;
}

/// Check the floats whose magnitude bit patterns are listed in `magnitudes` (ascending), both signs.
template <class Convert>
sweep_result sweep_list(const format_table& table, const std::vector<std::uint32_t>& magnitudes,
                        overflow mode, rounding rmode, Convert convert) {
  sweep_result result;
  interval_expectation intervals(table, mode, rmode);
  for (const std::uint32_t bits : magnitudes) {
    check_both_signs(table, bits, intervals, mode, convert, result);
  }
  return result;
}

}  // namespace lmul_ref
