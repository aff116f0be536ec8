// Must NOT compile: 1 + 8 + 24 = 33 bits is above the width bound 1 + E + M <= 32 (M = 24 also
// breaks M <= 23, which with E <= 8 implies the width bound; both asserts stay as guards).
// The static_assert of format_traits that names this bound must reject it.
#include <lmul/lmul.hpp>

int main() {
  lmul::lmul<24, 8> x;
  return int(x.bits());
}
