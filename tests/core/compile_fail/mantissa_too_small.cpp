// Must NOT compile: M = 0 is below the fraction bound M >= 1.
// The static_assert of format_traits that names this bound must reject it.
#include <lmul/lmul.hpp>

int main() {
  lmul::lmul<0, 5> x;
  return int(x.bits());
}
