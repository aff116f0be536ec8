// tests/kernels/reference.hpp -- test data and independent references for the kernel tests.
//
// Expected values come from the independent reference of tests/core/reference (written from the
// spec, sharing no code with include/lmul) one element at a time: products and wide products
// (core_test::reference_products), their sums in long double and, for the exact dot product, a
// 512-bit fixed-point sum rounded through long double.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <numeric>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <lmul/lmul.hpp>

#include "../core/core_test_support.hpp"

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

/// x with its sign flipped (its code XOR the sign bit).
template <class T>
T negated(T x) {
  return lmul::from_code<T>(code_t<T>(lmul::to_code(x) ^ format_t<T>::sign_mask));
}

/// The pairs (a[i], b[i]) in a random order: the same permutation of both (the exact dot must not
/// depend on the order of the pairs).
template <class T>
std::pair<std::vector<T>, std::vector<T>> shuffled_pairs(const std::vector<T>& a,
                                                         const std::vector<T>& b,
                                                         std::mt19937_64& rng) {
  std::vector<std::size_t> order(a.size());
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), rng);
  std::vector<T> pa(a.size()), pb(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    pa[i] = a[order[i]];
    pb[i] = b[order[i]];
  }
  return {std::move(pa), std::move(pb)};
}

/// The reference's wide product of a pair (spec section 3's V(k) rounded to fp32).
template <class T>
float wide_product(T a, T b) {
  return core_test::reference_products<T>::wide(a, b);
}

/// One pair of positive operands for every finite nonzero wide product magnitude of T (the
/// reference's), keyed by that magnitude.
template <class T>
std::map<float, std::pair<T, T>> one_pair_per_product() {
  std::map<float, std::pair<T, T>> pairs;
  for (std::uint64_t x = 1; x < 128; ++x) {
    for (std::uint64_t y = 1; y < 128; ++y) {
      const float p = wide_product(from_code<T>(x), from_code<T>(y));
      if (std::isfinite(p) && p != 0) pairs.try_emplace(p, from_code<T>(x), from_code<T>(y));
    }
  }
  return pairs;
}

/// Whether `got` is the reference's L-Mul product of a and b (NaN: any NaN), and its description.
template <class T>
bool is_product(T a, T b, T got) {
  return core_test::is_expected(core_test::reference_products<T>::product(a, b), got);
}
/// Index of the first element where out differs from the reference's L-Mul of a and b, or -1.
template <class T>
long first_mismatch(const T* a, const T* b, const T* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    if (!is_product(a[i], b[i], out[i])) return long(i);
  }
  return -1;
}
template <class T>
std::string expected_product(T a, T b) {
  return core_test::show(core_test::reference_products<T>::product(a, b));
}

/// The exact sum of the wide products (reference), as long double, and sum |p_i|.
/// Every wide product is a float; long double carries 64 bits, so the sum is exact for 8-bit
/// formats whose products span few binades and otherwise within n * 2^-64 * sum |p_i|.
template <class T>
void reference_sum(const T* a, const T* b, std::size_t n, long double& sum, long double& sum_abs) {
  sum = 0;
  sum_abs = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const long double p = wide_product(a[i], b[i]);
    sum += p;
    sum_abs += std::fabs(p);
  }
}
template <class T>
void reference_sum(const std::vector<T>& a, const std::vector<T>& b, long double& sum,
                   long double& sum_abs) {
  reference_sum(a.data(), b.data(), a.size(), sum, sum_abs);
}

/// Spec 4's bound gamma_n * sum |p| plus the reference's own rounding (n * 2^-63 * sum |p|).
inline long double dot_tolerance(std::size_t n, long double sum_abs) {
  const long double u = std::ldexp(1.0L, -24);
  const long double gamma = n * u / (1 - n * u);
  return (gamma + n * std::ldexp(1.0L, -63)) * sum_abs;
}

/// Calls visit(x, y, index) for x of every exponent field of T with significand zero and y of every
/// exponent field with significand all ones, both signs (zeros, subnormals, inf and NaN among
/// them); index counts the pairs. Stops at and returns visit's first non-empty answer, else "".
template <class T, class Visit>
std::string for_each_exponent_pair(Visit visit) {
  using F = lmul::format_of_t<T>;
  using code = typename F::storage;
  constexpr int M = F::mantissa_bits, E = F::exponent_bits;
  const code all_ones = code((code(1) << M) - 1);
  std::size_t index = 0;
  for (long ex = 0; ex < (1L << E); ++ex) {
    for (long ey = 0; ey < (1L << E); ++ey) {
      for (const bool negative_y : {false, true}) {
        const T x = from_code<T>(code(ex << M));
        const T y = from_code<T>(code((ey << M) | all_ones | (negative_y ? F::sign_mask : 0)));
        const std::string failure = visit(x, y, index++);
        if (!failure.empty()) return failure;
      }
    }
  }
  return "";
}

/// A multiply (a callable (const T* a, const T* b, T* out, std::size_t n)) on one pair (x, y) among
/// n - 1 pairs of values in [1, 2) (random significands and signs: every block test passes on
/// them), for every exponent field of x (significand zero) and of y (significand all ones, both
/// signs): zeros, subnormals, inf and NaN included, and operands at, inside and outside each
/// block test's range (the bf16 kernels' exponent window [2^-31, 2^33) among them). The pair's
/// place moves through blocks and lanes; every 7th case runs in place (out = a, then out = b).
/// Every result must be the reference's product. Returns "" or the first failure.
template <class T, class Multiply>
std::string multiply_of_one_pair_at_every_exponent(Multiply multiply, std::size_t n) {
  using F = lmul::format_of_t<T>;
  using code = typename F::storage;
  constexpr int M = F::mantissa_bits;
  std::mt19937_64 rng(0x3e11 + sizeof(T) + M);
  const auto background = [&] {
    return from_code<T>(code((code(F::bias) << M) | (rng() % (std::uint64_t(1) << M)) |
                             (rng() % 2 ? F::sign_mask : 0)));
  };
  std::vector<T> a(n), b(n), out(n);
  for (std::size_t i = 0; i < n; ++i) a[i] = background(), b[i] = background();
  const std::vector<T> a0 = a, b0 = b;
  std::vector<T> expected(n);  // the background's products (checked against the reference once)
  multiply(a.data(), b.data(), expected.data(), n);
  for (std::size_t i = 0; i < n; ++i) {
    if (!is_product(a[i], b[i], expected[i])) return "background element " + std::to_string(i);
  }
  return for_each_exponent_pair<T>([&](T x, T y, std::size_t case_index) -> std::string {
    const std::size_t at = (case_index * 97 + 5) % n;
    const int mode = case_index % 7 == 0 ? int(case_index / 7 % 2) + 1 : 0;  // 1: out = a, 2: b
    a[at] = x, b[at] = y;
    T* const dest = mode == 1 ? a.data() : mode == 2 ? b.data() : out.data();
    multiply(a.data(), b.data(), dest, n);
    for (std::size_t i = 0; i < n; ++i) {
      const bool ok = i == at ? is_product(x, y, dest[i])
                              : lmul::to_code(dest[i]) == lmul::to_code(expected[i]);
      if (!ok) {
        return "codes " + std::to_string(+lmul::to_code(x)) + " * " +
               std::to_string(+lmul::to_code(y)) + " at " + std::to_string(at) + " of " +
               std::to_string(n) + (mode ? " (in place)" : "") + ": element " + std::to_string(i) +
               " is " + std::to_string(+lmul::to_code(dest[i]));
      }
    }
    if (mode == 1) a = a0;  // undo in place
    if (mode == 2) b = b0;
    a[at] = a0[at], b[at] = b0[at];
    return "";
  });
}

/// A dot (a callable on two std::vector<T>) on one pair (x, y) among products of exactly +-p0
/// (x0 = 1, y0 = (1 + f) / 2 with f + the offset = 1, spec 3: p0 = 1; or y0 = 1 where that is no
/// code; + at even and - at odd indices, so with n odd the background sums to p0), for every
/// exponent field of x (significand zero) and of y (significand all ones, both signs): zeros,
/// subnormals, inf and NaN included, and operands at, inside and outside each block test's range
/// (the bf16 dot's exponent window [2^-31, 2^33) among them). The pair's place moves through
/// blocks and lanes. A NaN / inf product must give NaN / that inf, any other the exact sum within
/// the spec's bound (gamma_n * ((n - 1) p0 + |p|)): a product taken from a fast path where the
/// definition gives inf, NaN or a wrap is far outside it. Returns "" or the first failure.
template <class T, class Dot>
std::string dot_of_one_pair_at_every_exponent(Dot dot, std::size_t n) {
  constexpr int M = lmul::format_of_t<T>::mantissa_bits;
  // y0: L-Mul gives 1 * 2^-1 * (1 + f + offset) = 1 where (1 + f) / 2 is a code; else y0 = 1 and
  // the background's products are +-p0 = +-(1 + offset) (partial sums: small multiples of p0,
  // exact in fp32).
  const double one_minus_offset = 1.0 - std::ldexp(1.0, -::lmul::paper_offset_exponent(M));
  const T x0 = T(1.0f);
  float y0_value = float((1.0 + one_minus_offset) / 2);
  if (float(T(y0_value)) != y0_value) y0_value = 1.0f;
  const T y0 = T(y0_value), y0_negative = T(-y0_value);
  const long double p0 = wide_product(x0, y0);
  if (!(p0 > 0 && p0 < 2) || n % 2 == 0) return "bad background";
  std::vector<T> a(n, x0), b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = i % 2 ? y0_negative : y0;
  return for_each_exponent_pair<T>([&](T x, T y, std::size_t case_index) -> std::string {
    const std::size_t at = (case_index * 97 + 5) % n;
    const T saved_a = a[at], saved_b = b[at];
    a[at] = x, b[at] = y;
    const float got = dot(a, b);
    a[at] = saved_a, b[at] = saved_b;
    const float p = wide_product(x, y);
    const long double exact = p + p0 * (1 - (at % 2 ? -1 : 1));  // the pair replaced one
    const bool ok = std::isnan(p)   ? std::isnan(got)
                    : std::isinf(p) ? got == p
                                    : std::fabs(got - exact) <=
                                          dot_tolerance(n, (n - 1) * p0 + std::fabs((long double)p));
    if (ok) return "";
    return "codes " + std::to_string(+lmul::to_code(x)) + " * " + std::to_string(+lmul::to_code(y)) +
           " at " + std::to_string(at) + " of " + std::to_string(n) + ": dot " +
           std::to_string(got) + ", exact " + std::to_string(double(exact));
  });
}

/// Correctly rounded exact sum of the wide products (false when a product is inf or NaN): an
/// independent reference for lmul_dot_exact. Every finite float is an integer multiple of 2^-149;
/// the sum is kept as a 512-bit two's complement integer in units of 2^-160 (below 2^-149), which
/// holds any sum of fewer than 2^220 floats (|float| < 2^128: 288 bits of magnitude), and is
/// rounded once: its 62 leading bits plus a sticky bit are exact in long double, which then rounds
/// to float (round to nearest even; overflow to inf).
template <class T>
bool exact_reference(const std::vector<T>& a, const std::vector<T>& b, float& result) {
  constexpr int words = 8, unit_exponent = -160;
  std::uint64_t sum[words] = {};
  const auto add = [&](std::uint64_t magnitude, int shift, bool negative) {
    // (negative ? -1 : 1) * magnitude * 2^shift, magnitude < 2^24, shift >= 0.
    std::uint64_t addend[words] = {};
    const int word = shift / 64, bit = shift % 64;
    addend[word] = magnitude << bit;
    if (bit != 0 && word + 1 < words) addend[word + 1] = magnitude >> (64 - bit);
    if (negative) {  // two's complement: invert and add one
      unsigned carry = 1;
      for (auto& w : addend) {
        w = ~w + carry;
        carry = (carry != 0 && w == 0) ? 1 : 0;
      }
    }
    unsigned carry = 0;
    for (int w = 0; w < words; ++w) {
      const std::uint64_t s1 = sum[w] + addend[w];
      const std::uint64_t s2 = s1 + carry;
      carry = (s1 < addend[w] || s2 < s1) ? 1 : 0;
      sum[w] = s2;
    }
  };
  for (std::size_t i = 0; i < a.size(); ++i) {
    const float p = wide_product(a[i], b[i]);
    if (!std::isfinite(p)) return false;
    if (p == 0) continue;
    int e;
    const float f = std::frexp(std::fabs(p), &e);  // |p| = f * 2^e, 0.5 <= f < 1
    const auto significand = static_cast<std::uint64_t>(std::ldexp(f, 24));  // exact
    add(significand, e - 24 - unit_exponent, p < 0);
  }
  const bool negative = (sum[words - 1] >> 63) != 0;
  if (negative) {
    unsigned carry = 1;
    for (auto& w : sum) {
      w = ~w + carry;
      carry = (carry != 0 && w == 0) ? 1 : 0;
    }
  }
  int top = words - 1;
  while (top >= 0 && sum[top] == 0) --top;
  if (top < 0) {
    result = 0.f;
    return true;
  }
  const int leading = 64 * top + 63 - __builtin_clzll(sum[top]);  // bit index of the leading one
  const int drop = std::max(leading - 61, 0);                      // keep 62 bits
  std::uint64_t kept = 0;
  bool sticky = false;
  for (int bit = 0; bit <= leading; ++bit) {
    const bool set = (sum[bit / 64] >> (bit % 64)) & 1;
    if (bit < drop) {
      sticky = sticky || set;
    } else {
      kept |= std::uint64_t(set) << (bit - drop);
    }
  }
  kept = (kept << 1) | (sticky ? 1 : 0);
  const long double value = std::ldexp(static_cast<long double>(kept), unit_exponent + drop - 1);
  result = static_cast<float>(negative ? -value : value);
  return true;
}

/// Exact dots of data whose exponents change along the vector, for kernels that choose exponent
/// windows from the data they see (exact_dot_vbmi.hpp: per flush group of 2048 to 16384 elements).
/// Segments of 1 to 9000 pairs draw each operand from a random band of 1 to 24 magnitude codes
/// (random signs), with zero operands now and then and, rarely, one code from the whole finite range
/// (a product far outside the segment's band). Then every pair again, negated and shuffled (those
/// groups span every band at once), and one smallest product: the exact sum is that product, and a
/// kernel that drops or rounds any product of the banded part returns something else. Also a NaN,
/// and (formats with infinities) an inf, placed late in the banded part. `dot(a, b)` computes the
/// exact dot of two vectors; returns "" or what went wrong.
template <class T, class Dot>
std::string exact_dot_of_banded_data(Dot dot, std::uint64_t seed) {
  using F = format_t<T>;
  std::mt19937_64 rng(seed);
  const unsigned top = F::max_finite_code;
  const auto signed_code = [&](unsigned magnitude) {
    return from_code<T>(magnitude | ((rng() & 1) ? F::sign_mask : 0u));
  };
  const auto band = [&] {
    const unsigned width = 1 + unsigned(rng() % 24), lo = 1 + unsigned(rng() % top);
    return std::pair<unsigned, unsigned>{lo, std::min(top, lo + width - 1)};
  };
  std::vector<T> a, b;
  const std::size_t banded = 20000 + rng() % 40000;
  while (a.size() < banded) {
    const std::size_t length = 1 + rng() % 9000;
    const auto [a_lo, a_hi] = band();
    const auto [b_lo, b_hi] = band();
    for (std::size_t i = 0; i < length; ++i) {
      const std::uint64_t r = rng();
      unsigned x = a_lo + unsigned(r % (a_hi - a_lo + 1)), y = b_lo + unsigned((r >> 20) % (b_hi - b_lo + 1));
      if ((r >> 40) % 50 == 0) ((r >> 46) & 1 ? x : y) = 0;
      if ((r >> 48) % 3000 == 0) ((r >> 60) & 1 ? x : y) = 1 + unsigned(rng() % top);
      a.push_back(signed_code(x));
      b.push_back(signed_code(y));
    }
  }
  const auto [shuffled_a, shuffled_b] = shuffled_pairs(a, b, rng);
  for (std::size_t i = 0; i < shuffled_a.size(); ++i) {
    a.push_back(negated(shuffled_a[i]));
    b.push_back(shuffled_b[i]);
  }
  a.push_back(from_code<T>(1));
  b.push_back(from_code<T>(1));
  const auto describe = [&](const char* what, float got, float expected) {
    return std::string(what) + ", seed " + std::to_string(seed) + ", n " + std::to_string(a.size()) +
           ": got " + std::to_string(got) + ", expected " + std::to_string(expected);
  };
  float expected;
  if (!exact_reference(a, b, expected)) return "the banded data is not finite";
  const float smallest = wide_product(from_code<T>(1), from_code<T>(1));
  if (expected != smallest) return describe("the reference is not the one uncancelled product", expected, smallest);
  const float got = dot(a, b);
  if (std::bit_cast<std::uint32_t>(got) != std::bit_cast<std::uint32_t>(expected)) {
    return describe("banded data", got, expected);
  }
  const std::size_t at = banded / 2 + rng() % (banded / 2);
  const T saved_a = a[at], saved_b = b[at];
  a[at] = from_code<T>(F::nan_code);
  if (const float nan = dot(a, b); !std::isnan(nan)) return describe("a NaN operand", nan, NAN);
  if constexpr (F::has_infinity) {
    a[at] = from_code<T>(F::infinity_code);
    b[at] = T(1.0f);
    const float inf = dot(a, b);
    if (inf != std::numeric_limits<float>::infinity()) return describe("an inf operand", inf, INFINITY);
  }
  a[at] = saved_a;
  b[at] = saved_b;
  return "";
}

}  // namespace lmul_test
