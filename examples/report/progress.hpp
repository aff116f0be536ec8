// progress.hpp -- a progress line on stderr for report sections that take more than a second.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace lmul_report {

/// Shows "[section] 42%" on stderr, but only once the section has run for a second, and at most
/// ten times a second; the line is cleared when the section ends. stdout stays clean for --csv.
class progress {
 public:
  explicit progress(std::string section) : section_(std::move(section)) {}
  progress(const progress&) = delete;
  progress& operator=(const progress&) = delete;
  ~progress() {
    if (shown_) std::fprintf(stderr, "\r[%s] done in %.1f s        \n", section_.c_str(), elapsed());
  }

  /// Report that `done` of `total` units of work are finished.
  void update(std::size_t done, std::size_t total) {
    const double now = elapsed();
    if (now < 1.0 || now - last_shown_ < 0.1) return;
    last_shown_ = now;
    shown_ = true;
    const double percent = total ? 100.0 * double(done) / double(total) : 100.0;
    std::fprintf(stderr, "\r[%s] %3.0f%%", section_.c_str(), percent);
    std::fflush(stderr);
  }

 private:
  double elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  std::string section_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  double last_shown_ = 0;
  bool shown_ = false;
};

}  // namespace lmul_report
