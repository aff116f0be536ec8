// Must NOT compile: E = 1 is below the exponent bound E >= 2.
// The static_assert of format_traits that names this bound must reject it.
#include <lmul/lmul.hpp>

int main() {
  lmul::lmul<3, 1> x;
  return int(x.bits());
}
