// Must NOT compile: E = 9 is above the exponent bound E <= 8.
// The static_assert of format_traits that names this bound must reject it.
#include <lmul/lmul.hpp>

int main() {
  lmul::lmul<3, 9> x;
  return int(x.bits());
}
