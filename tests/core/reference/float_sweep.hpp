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

/// Expected result of converting the float with bit pattern `bits` (either sign, any class).
/// `lo` must be table.floor_index(|x|) for finite x.
inline expected expected_conversion(const format_table& table, std::uint32_t bits, std::size_t lo,
                                    overflow mode, rounding rmode) {
  const bool negative = (bits >> 31) != 0;
  const std::uint32_t magnitude_bits = bits & 0x7FFFFFFFu;
  if (magnitude_bits > 0x7F800000u) return {true, 0};  // NaN stays NaN in both modes
  // +-inf: IEEE-style formats keep it, e4m3fn has none (NaN), saturating mode gives max finite.
  if (magnitude_bits == 0x7F800000u) return table.overflowed(negative, mode);
  const double magnitude = double(std::bit_cast<float>(magnitude_bits));
  return table.round_from(lo, negative, magnitude, 0, mode, rmode);
}

template <class Convert>
void check_one(const format_table& table, std::uint32_t bits, std::size_t lo, overflow mode,
               rounding rmode, Convert& convert, sweep_result& result) {
  const expected want = expected_conversion(table, bits, lo, mode, rmode);
  const converted got = convert(std::bit_cast<float>(bits));
  ++result.checked;
  const bool ok = want.is_nan ? got.is_nan : (!got.is_nan && got.code == want.code);
  if (ok) return;
  if (++result.mismatches <= 5) {
    std::ostringstream os;
    os << "  float " << std::bit_cast<float>(bits) << " (bits 0x" << std::hex << bits
       << "): expected " << describe(want) << ", got " << (got.is_nan ? "NaN" : "code")
       << " 0x" << got.code << "\n";
    result.first_mismatches += os.str();
  }
}

/// Check every float whose magnitude bit pattern lies in [begin, end) (end <= 0x80000000), both
/// signs. `convert(float)` returns the conversion under test as a `converted`.
template <class Convert>
sweep_result sweep_range(const format_table& table, std::uint32_t begin, std::uint32_t end,
                         overflow mode, rounding rmode, Convert convert) {
  sweep_result result;
  const std::vector<double>& values = table.values();
  std::size_t lo = table.floor_index(double(std::bit_cast<float>(std::min(begin, 0x7F7FFFFFu))));
  for (std::uint64_t b = begin; b < end; ++b) {
    const std::uint32_t bits = std::uint32_t(b);
    if (bits < 0x7F800000u) {
      const double magnitude = double(std::bit_cast<float>(bits));
      while (lo + 1 < values.size() && values[lo + 1] <= magnitude) ++lo;
    }
    check_one(table, bits, lo, mode, rmode, convert, result);
    check_one(table, bits | 0x80000000u, lo, mode, rmode, convert, result);
  }
  return result;
}

/// Check the floats whose magnitude bit patterns are listed in `magnitudes` (ascending), both signs.
template <class Convert>
sweep_result sweep_list(const format_table& table, const std::vector<std::uint32_t>& magnitudes,
                        overflow mode, rounding rmode, Convert convert) {
  sweep_result result;
  const std::vector<double>& values = table.values();
  std::size_t lo = 0;
  for (const std::uint32_t bits : magnitudes) {
    if (bits < 0x7F800000u) {
      const double magnitude = double(std::bit_cast<float>(bits));
      while (lo + 1 < values.size() && values[lo + 1] <= magnitude) ++lo;
    }
    check_one(table, bits, lo, mode, rmode, convert, result);
    check_one(table, bits | 0x80000000u, lo, mode, rmode, convert, result);
  }
  return result;
}

}  // namespace lmul_ref
