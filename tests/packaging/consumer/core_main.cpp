// Built by the packaging tests against lmul::core only: the dependency-free part of lmul.
#include <lmul/convert.hpp>
#include <lmul/corrected.hpp>
#include <lmul/energy.hpp>
#include <lmul/format_traits.hpp>
#include <lmul/limits.hpp>
#include <lmul/product.hpp>
#include <lmul/scalar.hpp>
#include <lmul/small_float.hpp>

#include <cstdio>

int main() {
  const lmul::lmul<3, 4> x(1.5f), y(2.0f);
  const bool ok = float(lmul::lmul_product(x, y)) == 3.25f &&
                  std::numeric_limits<lmul::float8_e4m3fn>::max() == lmul::float8_e4m3fn(448.0f);
  std::printf("core consumer: %s\n", ok ? "ok" : "WRONG");
  return ok ? 0 : 1;
}
