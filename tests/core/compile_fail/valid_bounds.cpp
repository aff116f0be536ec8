// Must compile: the formats at each bound (E = 2, E = 8, M = 1, M = 23, 1 + E + M = 32) are valid.
// This is the control for the compile-fail snippets beside it (same compiler, flags and header).
#include <lmul/lmul.hpp>

int main() {
  lmul::lmul<1, 2> narrowest;         // E = 2, M = 1
  lmul::lmul<1, 8> widest_range;      // E = 8
  lmul::lmul<23, 8> fp32_layout;      // 1 + 8 + 23 = 32
  lmul::lmul<23, 2> most_fraction;    // M = 23, the largest fraction
  return int(narrowest.bits() + widest_range.bits() + fp32_layout.bits() + most_fraction.bits());
}
