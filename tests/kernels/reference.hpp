// tests/kernels/reference.hpp -- test data and independent references for the kernel tests.
//
// Expected values come from the scalar definition (lmul::detail::lmul_codes / lmul_wide, which the
// core tests check against the spec) one element at a time, and, for the exact dot product, from a
// 128-bit fixed-point sum rounded through long double: code that shares nothing with the kernels.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include <lmul/lmul.hpp>

namespace lmul_test {

template <class T>
using format_t = lmul::format_of_t<T>;
template <class T>
using code_t = typename format_t<T>::storage;

template <class T>
T from_code(std::uint64_t code) {
  return lmul::from_code<T>(code_t<T>(code));
}

/// Special and boundary magnitude codes of T, each with both signs: zero, the subnormal ends, the
/// normal ends, one and its neighbours, max finite, inf, NaN codes.
template <class T>
std::vector<T> boundary_values() {
  using F = format_t<T>;
  constexpr std::uint64_t one = std::uint64_t(F::bias) << F::mantissa_bits;
  const std::uint64_t magnitudes[] = {0,
                                      1,
                                      2,
                                      (std::uint64_t{1} << F::mantissa_bits) - 1,
                                      std::uint64_t{1} << F::mantissa_bits,
                                      (std::uint64_t{1} << F::mantissa_bits) + 1,
                                      one - 1,
                                      one,
                                      one + 1,
                                      F::max_finite_code - 1,
                                      F::max_finite_code,
                                      F::infinity_code,
                                      F::nan_code,
                                      F::magnitude_mask};
  std::vector<T> out;
  for (std::uint64_t m : magnitudes) {
    out.push_back(from_code<T>(m & F::magnitude_mask));
    out.push_back(from_code<T>((m & F::magnitude_mask) | F::sign_mask));
  }
  return out;
}

/// Random codes for elementwise tests: a mix of uniform codes (all classes, many over- and
/// underflows), values near one (the fast path) and boundary values.
template <class T>
class code_source {
 public:
  explicit code_source(std::uint64_t seed) : rng_(seed), boundary_(boundary_values<T>()) {}

  T operator()() {
    using F = format_t<T>;
    const unsigned kind = rng_() % 8;
    const std::uint64_t bits = rng_();
    if (kind < 3) return from_code<T>(bits & ((std::uint64_t{1} << F::total_bits) - 1));
    if (kind < 7) {  // exponent within +-8 of the bias
      const int field = F::bias + int(bits % 17) - 8;
      const std::uint64_t clamped = std::uint64_t(std::max(1, std::min(field, int(F::max_finite_code >> F::mantissa_bits))));
      return from_code<T>((clamped << F::mantissa_bits) | ((bits >> 8) & F::fraction_mask) |
                          ((bits >> 40) & 1 ? F::sign_mask : 0));
    }
    return boundary_[bits % boundary_.size()];
  }

  std::mt19937_64& rng() { return rng_; }

 private:
  std::mt19937_64 rng_;
  std::vector<T> boundary_;
};

/// Finite random values for dot products (no NaN/inf; products far from fp32 overflow):
/// uniform finite codes whose exponent field is at most bias + 20, or 8-bit codes of any value.
template <class T>
std::vector<T> finite_values(std::size_t n, std::uint64_t seed) {
  using F = format_t<T>;
  std::mt19937_64 rng(seed);
  std::vector<T> out(n);
  const std::uint64_t limit =
      std::min<std::uint64_t>(F::max_finite_code, (std::uint64_t(F::bias + 20) << F::mantissa_bits) - 1);
  for (auto& x : out) {
    const std::uint64_t magnitude = rng() % (limit + 1);
    x = from_code<T>(magnitude | ((rng() & 1) ? F::sign_mask : 0));
  }
  return out;
}

/// The exact sum of the wide products (scalar definition), as long double, and sum |p_i|.
/// Every wide product is a float; long double carries 64 bits, so the sum is exact for 8-bit
/// formats whose products span few binades and otherwise within n * 2^-64 * sum |p_i|.
template <class T>
void reference_sum(const std::vector<T>& a, const std::vector<T>& b, long double& sum,
                   long double& sum_abs) {
  sum = 0;
  sum_abs = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const long double p = lmul::lmul_wide_product(a[i], b[i]);
    sum += p;
    sum_abs += std::fabs(p);
  }
}

/// Spec 4's bound gamma_n * sum |p| plus the reference's own rounding (n * 2^-63 * sum |p|).
inline long double dot_tolerance(std::size_t n, long double sum_abs) {
  const long double u = std::ldexp(1.0L, -24);
  const long double gamma = n * u / (1 - n * u);
  return (gamma + n * std::ldexp(1.0L, -63)) * sum_abs;
}

/// Correctly rounded exact sum of the wide products when a 128-bit fixed point holds them all
/// (returns false otherwise): an independent reference for lmul_dot_exact.
template <class T>
bool exact_reference(const std::vector<T>& a, const std::vector<T>& b, float& result) {
  int min_exp = std::numeric_limits<int>::max(), max_exp = std::numeric_limits<int>::min();
  std::vector<float> p(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    p[i] = lmul::lmul_wide_product(a[i], b[i]);
    if (!std::isfinite(p[i])) return false;
    if (p[i] == 0) continue;
    int e;
    std::frexp(p[i], &e);  // p = f * 2^e, 0.5 <= |f| < 1: integer significand f * 2^24
    min_exp = std::min(min_exp, e - 24);
    max_exp = std::max(max_exp, e);
  }
  if (min_exp == std::numeric_limits<int>::max()) {
    result = 0.f;
    return true;
  }
  if (max_exp - min_exp + 64 - __builtin_clzll(a.size() | 1) > 125) return false;
  __int128 sum = 0;
  for (float x : p) {
    if (x == 0) continue;
    int e;
    const float f = std::frexp(x, &e);
    const auto significand = static_cast<std::int64_t>(std::ldexp(f, 24));  // exact
    sum += static_cast<__int128>(significand) << (e - 24 - min_exp);
  }
  const bool negative = sum < 0;
  unsigned __int128 magnitude = negative ? -static_cast<unsigned __int128>(sum) : sum;
  int shift = 0;
  bool sticky = false;
  while ((magnitude >> 62) != 0) {  // keep 62 bits and a sticky bit: one rounding to float below
    sticky = sticky || (magnitude & 1);
    magnitude >>= 1;
    ++shift;
  }
  const std::uint64_t kept = (std::uint64_t(magnitude) << 1) | (sticky ? 1 : 0);
  const long double value = std::ldexp(static_cast<long double>(kept), min_exp + shift - 1);
  result = static_cast<float>(negative ? -value : value);
  return true;
}

}  // namespace lmul_test
