// lmul/kernels/block_tests.hpp -- tests of whole blocks of registers for the 16-bit linear kernels
// (multiply.hpp, dot.hpp): the exponent window of bf16-range operands, and when to try a failed
// test again.
#pragma once

#include "../detail/isa_namespace.hpp"

#include <algorithm>
#include <cstddef>

#include <xsimd/xsimd.hpp>

namespace lmul {
namespace detail {
inline namespace LMUL_ISA {

/// The exponent window of bf16-range formats (E = 8, the sign in the storage's top bit): operands
/// whose exponent fields all lie in [low, low + 63], magnitudes [2^-31, 2^33) for bf16.
/// Subtracting `shift` = low << M from a code leaves, in the 8 exponent bits, e - low for a field e
/// in the window (0..63: the top two bits clear; the sign bit is left alone) and e - low + 256 in
/// [256 - low, 255] below it (the borrow runs through the sign bit or clears it): 160..255, top
/// bit set. Fields above the window give 64..159. So the OR of the shifted codes of a whole block,
/// tested once against `test_bits`, tells whether every operand was inside.
template <class F>
struct exponent_window {
  static constexpr int M = F::mantissa_bits;
  static constexpr long long low = F::bias - 31, width = 64;
  static constexpr long long shift = low << M;
  static constexpr long long test_bits = (0xFF ^ (width - 1)) << M;
  static_assert(F::exponent_bits == 8 && F::total_bits == 16 && 256 - low >= width);
  // Inside the window every operand is normal and finite, and every L-Mul result is a normal code
  // far from both ends: its exponent field is e(x) + e(y) - bias plus the carry of the two
  // significand fields and the offset (below 3 * 2^M: a carry of at most 2), here in [65, 193].
  static_assert(2 * low - F::bias >= 1 && 2 * (low + width - 1) - F::bias + 2 <= 254);

  /// Whether a lane of the OR of shifted codes shows an operand outside the window.
  template <class B>
  [[gnu::always_inline]] static bool any_outside(B seen, B test) {
    return xsimd::any((seen & test) != B(typename B::value_type(0)));
  }
};

/// When to try a block test again after it failed: skipped for the next 1, 2, 4, ... 64 blocks
/// while it keeps failing (data that fails pays for few blocks twice), every block again once it
/// passes.
class retry_backoff {
 public:
  /// Whether to try the test on this block (counts a skipped block otherwise).
  bool due() {
    if (skip_ == 0) return true;
    --skip_;
    return false;
  }
  /// Records the test's outcome on this block and returns it.
  bool passed(bool ok) {
    if (ok) {
      next_ = 1;
    } else {
      skip_ = next_;
      next_ = std::min<std::size_t>(2 * next_, 64);
    }
    return ok;
  }

 private:
  std::size_t skip_ = 0, next_ = 1;
};

}  // inline namespace LMUL_ISA
}  // namespace detail
}  // namespace lmul
