// product_methods.hpp -- the rows of the product-error table: every way of multiplying two floats
// that the report compares, each as a function (float x, float y) -> double.
#pragma once

#include <lmul/corrected.hpp>
#include <lmul/lmul.hpp>

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace lmul_report {

struct product_method {
  std::string key;    ///< short id used by other sections ("e4m3fn", "lmul4", ...)
  std::string label;  ///< what the table prints
  std::function<double(float, float)> multiply;
};

/// The element type of format F whose operator* is the exactly rounded product (IEEE semantics):
/// what float8_e4m3fn and float8_e5m2 are for their formats, here for any format_traits.
template <class F>
using exact_type = lmul::small_float<F, lmul::exact_multiplication>;

/// Operands rounded to format F (nearest even), the exact product rounded once to F: an IEEE-style
/// multiply in that format, range limits included.
template <class F>
double exactly_rounded_in(float x, float y) {
  return double(float(exact_type<F>(x) * exact_type<F>(y)));
}

/// L-Mul on the data of element type T (operands rounded to T, product rounded to T).
template <class T>
double lmul_on(float x, float y) {
  return double(float(lmul::lmul_product(T(x), T(y))));
}

/// Mitchell's logarithmic multiply on fp32 operands: L-Mul with offset 0.
inline double mitchell(float x, float y) {
  return double(lmul::lmul_product_constant_offset(x, y, 0));
}

inline std::string rounding_tag(lmul::rounding_mode rounding) {
  return rounding == lmul::rounding_mode::nearest_even ? "RNE" : "trunc";
}

/// L-Mul with M fraction bits, fp32 exponent range (the paper's simulation).
template <int M>
product_method simulated_lmul(lmul::rounding_mode rounding) {
  const bool rne = rounding == lmul::rounding_mode::nearest_even;
  return {"lmul" + std::to_string(M) + (rne ? "" : "_trunc"),
          "L-Mul M=" + std::to_string(M) + " (" + rounding_tag(rounding) + ")",
          [rounding](float x, float y) { return double(lmul::lmul_simulated<M>(x, y, rounding)); }};
}

template <int... Ms>
void add_simulated_lmul(std::vector<product_method>& methods,
                        std::integer_sequence<int, Ms...>) {
  (methods.push_back(simulated_lmul<Ms + 1>(lmul::rounding_mode::nearest_even)), ...);
}

/// Largest M of the L-Mul sweep: M = 1..10 covers the fraction bits of fp8 (2, 3), bf16 (7) and
/// fp16 (10).
inline constexpr int max_swept_mantissa = 10;

/// Every row of the product-error table, in print order.
inline std::vector<product_method> all_product_methods() {
  using lmul::rounding_mode;
  std::vector<product_method> methods = {
      {"fp32", "fp32 multiply", [](float x, float y) { return double(x * y); }},
      {"bf16", "bf16 (rounded operands and product)", exactly_rounded_in<lmul::format_traits<7, 8>>},
      {"fp16", "fp16 (rounded operands and product)", exactly_rounded_in<lmul::format_traits<10, 5>>},
      {"e4m3fn", "float8_e4m3fn (exactly rounded)", exactly_rounded_in<lmul::e4m3fn_traits>},
      {"e5m2", "float8_e5m2 (exactly rounded)", exactly_rounded_in<lmul::e5m2_traits>},
  };
  add_simulated_lmul(methods, std::make_integer_sequence<int, max_swept_mantissa>{});
  methods.push_back(simulated_lmul<3>(rounding_mode::toward_zero));
  methods.push_back(simulated_lmul<4>(rounding_mode::toward_zero));
  methods.push_back({"lmul_e4m3fn", "L-Mul on float8_e4m3fn data", lmul_on<lmul::float8_e4m3fn>});
  methods.push_back({"lmul_e5m2", "L-Mul on float8_e5m2 data", lmul_on<lmul::float8_e5m2>});
  methods.push_back({"mitchell", "Mitchell (fp32, offset 0)", mitchell});
  return methods;
}

}  // namespace lmul_report
