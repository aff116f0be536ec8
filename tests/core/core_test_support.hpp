// tests/core/core_test_support.hpp -- glue between the library types and the reference.
#pragma once

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>

#include <lmul/lmul.hpp>

#include "reference/reference.hpp"

namespace core_test {

/// The reference's description of a library type's format (M, E, specials only).
template <class T>
lmul_ref::format_desc desc() {
  return lmul_ref::desc_of<lmul::format_of_t<T>>();
}

/// The reference's value table of a (8- or 16-bit) library type.
template <class T>
const lmul_ref::format_table& table() {
  static const lmul_ref::format_table t(desc<T>());
  return t;
}

/// A result as the checks see it: NaN (any code), or a code.
template <class T>
lmul_ref::expected outcome(T x) {
  return {lmul::isnan(x), std::uint32_t(x.bits())};
}
inline lmul_ref::expected outcome(float x) {
  return {std::isnan(x), std::bit_cast<std::uint32_t>(x)};
}

/// NaN matches any NaN; everything else matches bit for bit (so -0 differs from +0).
inline bool matches(const lmul_ref::expected& want, const lmul_ref::expected& got) {
  return want.is_nan ? got.is_nan : (!got.is_nan && got.code == want.code);
}
inline bool matches(float want, float got) {
  return std::isnan(want) ? std::isnan(got)
                          : std::bit_cast<std::uint32_t>(want) == std::bit_cast<std::uint32_t>(got);
}

inline std::string hex(std::uint64_t v) {
  std::ostringstream os;
  os << "0x" << std::hex << v;
  return os.str();
}
inline std::string show(const lmul_ref::expected& e) { return lmul_ref::describe(e); }
inline std::string show(float f) {
  std::ostringstream os;
  os << f << " (" << hex(std::bit_cast<std::uint32_t>(f)) << ")";
  return os.str();
}

/// Counts checks and mismatches of a long loop; reports the first few mismatches and the totals
/// as one gtest failure instead of millions.
class mismatch_log {
 public:
  explicit mismatch_log(std::string what) : what_(std::move(what)) {}
  mismatch_log(const mismatch_log&) = delete;
  mismatch_log& operator=(const mismatch_log&) = delete;
  ~mismatch_log() {
    EXPECT_EQ(mismatches_, 0u) << what_ << ": " << mismatches_ << " of " << checked_
                               << " checks differ from the reference; first ones:\n"
                               << first_.str();
  }

  template <class Want, class Got, class Describe>
  void check(const Want& want, const Got& got, Describe&& describe_inputs) {
    ++checked_;
    if (matches(want, got)) return;
    if (++mismatches_ <= 8) {
      first_ << "  " << describe_inputs() << ": expected " << show(want) << ", got " << show(got)
             << "\n";
    }
  }
  std::uint64_t checked() const { return checked_; }

 private:
  std::string what_;
  std::uint64_t checked_ = 0;
  std::uint64_t mismatches_ = 0;
  std::ostringstream first_;
};

}  // namespace core_test
