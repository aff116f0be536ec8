// tests/core/core_test_support.hpp -- glue between the library types and the reference.
#pragma once

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

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

/// The reference's code of a library value (the storage bits; bits above the format are ignored
/// by the reference's decoding).
template <class T>
std::uint32_t code_of(T x) {
  if constexpr (std::is_same_v<T, float>) {
    return std::bit_cast<std::uint32_t>(x);
  } else {
    return std::uint32_t(x.bits());
  }
}

/// L-Mul of two library values as the reference computes it (spec section 3): the product's code
/// (NaN: any NaN) and the wide fp32 product, as the SIMD kernel, dot and GEMM tests expect them.
/// Types of at most 8 bits read a table of all 256 x 256 byte pairs built once; 16-bit types round
/// with the format_table; wider ones (fp32, lmul<15,8>) by quantum.
template <class T>
struct reference_products {
  static constexpr bool byte_sized = sizeof(T) == 1;

  static lmul_ref::expected product(T x, T y) {
    if constexpr (byte_sized) {
      return pairs().code[index(x, y)];
    } else {
      return round(lmul_ref::lmul_value(desc<T>(), code_of(x), code_of(y)));
    }
  }
  static float wide(T x, T y) {
    if constexpr (byte_sized) {
      return pairs().wide[index(x, y)];
    } else {
      // A small direct-mapped cache: GEMM and dot tests sum the products of a few values millions
      // of times, and the reference's decoding (ldexp) is slow.
      struct entry {
        std::uint64_t key = 0;
        bool filled = false;  // (no sentinel key: every key is a pair of 32-bit codes, ~0 included)
        float wide = 0;
      };
      thread_local std::vector<entry> cache(4096);
      const std::uint64_t key = (std::uint64_t(code_of(x)) << 32) | code_of(y);
      entry& e = cache[(key * 0x9E3779B97F4A7C15ull) >> 52];
      if (!e.filled || e.key != key) {
        e.key = key;
        e.filled = true;
        e.wide = lmul_ref::round_to_float(lmul_ref::lmul_value(desc<T>(), code_of(x), code_of(y)));
      }
      return e.wide;
    }
  }

 private:
  struct pair_table {
    std::vector<lmul_ref::expected> code;
    std::vector<float> wide;
  };
  static std::size_t index(T x, T y) { return (code_of(x) & 0xFF) * 256 + (code_of(y) & 0xFF); }
  static lmul_ref::expected round(const lmul_ref::value& v) {
    if constexpr (std::is_same_v<T, float>) {
      const float f = lmul_ref::round_to_float(v);
      return {std::isnan(f), std::bit_cast<std::uint32_t>(f)};
    } else if constexpr (lmul::format_of_t<T>::total_bits <= 16) {
      return table<T>().round(v);
    } else {
      return lmul_ref::round_by_quantum(desc<T>(), v);
    }
  }
  static const pair_table& pairs() {
    static const pair_table t = [] {
      pair_table p;
      p.code.resize(65536);
      p.wide.resize(65536);
      for (std::uint32_t x = 0; x < 256; ++x) {
        for (std::uint32_t y = 0; y < 256; ++y) {
          const lmul_ref::value v = lmul_ref::lmul_value(desc<T>(), x, y);
          p.code[x * 256 + y] = round(v);
          p.wide[x * 256 + y] = lmul_ref::round_to_float(v);
        }
      }
      return p;
    }();
    return t;
  }
};

/// Whether a library value is the expected result (NaN: any NaN; otherwise the code, bit for bit).
template <class T>
bool is_expected(const lmul_ref::expected& want, T got) {
  return matches(want, outcome(got));
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
