// Must NOT compile: M = 24 is above the fraction bound M <= 23 (a value of lmul<24,7> would not be
// exact in float, which every conversion and wide product of the library relies on).
// The static_assert of format_traits that names this bound must reject it.
#include <lmul/lmul.hpp>

int main() {
  lmul::lmul<24, 7> x;
  return int(x.bits());
}
