// error_stats.hpp -- relative-error statistics of approximate products against exact ones.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace lmul_report {

/// Mean, RMS, max and signed mean (bias) of the relative error (approx - exact) / exact.
/// A positive relative error means the magnitude came out too large. Pairs whose exact value is
/// 0 have no relative error and are only counted (spec section 6); non-finite results (an fp8
/// overflow) are counted separately and left out of the statistics.
struct error_stats {
  std::size_t count = 0;          ///< pairs in the statistics
  std::size_t skipped_zero = 0;   ///< exact product 0: relative error undefined
  std::size_t non_finite = 0;     ///< inf or NaN results (overflow), not in the statistics
  double sum_abs = 0, sum_square = 0, sum_signed = 0, max_abs = 0;

  void add(double approx, double exact) {
    if (exact == 0) {
      ++skipped_zero;
      return;
    }
    if (!std::isfinite(approx)) {
      ++non_finite;
      return;
    }
    const double relative = (approx - exact) / exact;
    ++count;
    sum_abs += std::abs(relative);
    sum_square += relative * relative;
    sum_signed += relative;
    max_abs = std::max(max_abs, std::abs(relative));
  }
  double mean() const { return count ? sum_abs / double(count) : 0; }
  double rms() const { return count ? std::sqrt(sum_square / double(count)) : 0; }
  double bias() const { return count ? sum_signed / double(count) : 0; }
  double max() const { return max_abs; }
  /// Standard error of mean(): the sampling tolerance of the mean relative error.
  double mean_standard_error() const {
    if (count < 2) return 0;
    const double m = mean();
    const double variance = std::max(0.0, sum_square / double(count) - m * m);
    return std::sqrt(variance / double(count));
  }
};

}  // namespace lmul_report
