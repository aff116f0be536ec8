// Must NOT compile: 1 + 8 + 24 = 33 bits is above the width bound 1 + E + M <= 32.
// The static_assert of format_traits that names this bound must reject it.
#include <lmul/lmul.hpp>

int main() {
  lmul::lmul<24, 8> x;
  return int(x.bits());
}
