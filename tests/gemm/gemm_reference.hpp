// Test oracle for lmul_gemm: a naive triple loop over the reference's wide products (tests/core/
// reference, independent of the library), summed in double,
// and the dot-product bound of spec section 4 to compare the fp32 result with.
#pragma once

#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <lmul/scalar.hpp>

#include "../core/core_test_support.hpp"

namespace lmul_gemm_test {

/// Exact-ish sum (double; the terms are fp32 values, k is small) and the sum of |terms|.
struct reference_entry {
  double sum = 0.0;
  double abs_sum = 0.0;
};

/// element(i, p) of A and element(p, j) of B through accessors, so one oracle serves gemm and
/// gemm_bt.
template <class T, class AElement, class BElement>
std::vector<reference_entry> naive_reference(std::size_t m, std::size_t n, std::size_t k,
                                             AElement a, BElement b) {
  std::vector<reference_entry> out(m * n);
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      reference_entry e;
      for (std::size_t p = 0; p < k; ++p) {
        const double term = double(core_test::reference_products<T>::wide(a(i, p), b(p, j)));
        e.sum += term;
        e.abs_sum += std::fabs(term);
      }
      out[i * n + j] = e;
    }
  }
  return out;
}

/// gamma_k = k u / (1 - k u), u = 2^-24 (spec section 4).
inline double gamma_bound(std::size_t k) {
  const double ku = double(k) * std::ldexp(1.0, -24);
  return ku / (1.0 - ku);
}

/// Checks one C entry: NaN and inf as IEEE addition of the terms gives them, else the bound.
inline ::testing::AssertionResult matches_reference(float got, const reference_entry& e,
                                                    std::size_t k) {
  if (std::isnan(e.sum)) {
    if (std::isnan(got)) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "expected NaN, got " << got;
  }
  if (std::isinf(e.sum)) {
    if (double(got) == e.sum) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "expected " << e.sum << ", got " << got;
  }
  const double error = std::fabs(double(got) - e.sum);
  // Plus the double reference's own rounding: at most k additions of relative error 2^-53.
  const double bound = (gamma_bound(k) + double(k) * std::ldexp(1.0, -53)) * e.abs_sum;
  if (error <= bound) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "got " << got << ", exact " << e.sum << ", error " << error << " > bound " << bound;
}

}  // namespace lmul_gemm_test
