// Every compiled kernel table through the public functions, as users call them with runtime
// dispatch (lmul::dispatched): lmul_multiply, lmul_dot, lmul_dot_exact, lmul_gemm, lmul_gemm_bt and
// lmul_mx_dot. CTest runs this executable once per table the CPU runs, forced with LMUL_ARCH=<table>,
// and once with the process default (names dispatched.<table>.* and dispatched.default.*, label
// `dispatched`: `ctest -L dispatched` runs exactly these). Every expected value comes from the
// independent reference (tests/core/reference) or from data whose sums are exact in any order.
//
// The data is laid out to reach the SIMD paths, not only their fallbacks: all finite code pairs in
// runs with no special code (a kernel that sends a whole register block with a NaN or inf to the
// scalar definition would otherwise never run its vector code), specials at every lane position of
// the first 256 elements, both operands negative, every length up to 300 (every tail), outputs
// poisoned with two different sentinels before each call, GEMM shapes around every tile edge.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <random>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include <lmul/lmul.hpp>

#include "reference.hpp"

namespace {

using namespace lmul_test;

// ---- the table under test ---------------------------------------------------------------------

TEST(Dispatched, RunsTheRequestedTable) {
  const char* forced = std::getenv("LMUL_ARCH");
  std::printf("lmul::selected_arch() = %s (LMUL_ARCH=%s)\n", lmul::selected_arch(),
              forced ? forced : "unset");
  if (forced != nullptr) {
    // CTest registers a table only where the CPU runs it: the library must not fall back silently.
    EXPECT_STREQ(lmul::selected_arch(), forced);
  } else {
    // The process default is the first table of the list (best first) that the CPU runs.
    const char* best = nullptr;
    for (const char* const* name = lmul::runtime::arch_names(); *name && !best; ++name) {
      if (lmul::runtime::kernels_for(*name) != nullptr) best = *name;
    }
    ASSERT_NE(best, nullptr);
    EXPECT_STREQ(lmul::selected_arch(), best);
  }
}

// ---- types and data ---------------------------------------------------------------------------

template <class T>
class Dispatched : public ::testing::Test {};
// Every format with compiled kernels (runtime/kernel_table.hpp's compiled_formats).
using compiled_types =
    ::testing::Types<float, lmul::float8_e4m3fn, lmul::lmul<1, 6>, lmul::lmul<2, 5>, lmul::lmul<3, 4>,
                     lmul::lmul<4, 3>, lmul::lmul<5, 2>, lmul::lmul<7, 8>, lmul::lmul<8, 7>,
                     lmul::lmul<9, 6>, lmul::lmul<10, 5>, lmul::lmul<11, 4>, lmul::lmul<12, 3>,
                     lmul::lmul<13, 2>>;
TYPED_TEST_SUITE(Dispatched, compiled_types);

template <class T>
class DispatchedBytes : public ::testing::Test {};
using byte_types = ::testing::Types<lmul::float8_e4m3fn, lmul::lmul<1, 6>, lmul::lmul<2, 5>,
                                    lmul::lmul<3, 4>, lmul::lmul<4, 3>, lmul::lmul<5, 2>>;
TYPED_TEST_SUITE(DispatchedBytes, byte_types);

template <class T>
constexpr bool is_float = std::is_same_v<T, float>;

template <class T>
bool is_special(T x) {
  if constexpr (is_float<T>) {
    return !std::isfinite(x);
  } else {
    return !lmul::isfinite(x);
  }
}

/// The special codes of T (NaN codes of both signs, +-inf where the format has them).
template <class T>
std::vector<T> special_values() {
  using F = format_t<T>;
  std::vector<T> out = {from_code<T>(F::nan_code), from_code<T>(F::nan_code | F::sign_mask)};
  if constexpr (F::has_infinity) {
    out.push_back(from_code<T>(F::infinity_code));
    out.push_back(from_code<T>(F::infinity_code | F::sign_mask));
  }
  return out;
}

/// Random finite codes of T (uniform over the codes, and near one), never a special.
template <class T>
std::vector<T> random_finite(std::size_t n, std::uint64_t seed) {
  code_source<T> source(seed);
  std::vector<T> out;
  out.reserve(n);
  while (out.size() < n) {
    const T x = source();
    if (!is_special(x)) out.push_back(x);
  }
  return out;
}

/// Operand pairs with no special code: for 8-bit types every pair of finite codes (both signs, so
/// both operands negative too); for wider ones 2^17 random finite pairs plus every pair of finite
/// boundary values.
template <class T>
void finite_pairs(std::vector<T>& a, std::vector<T>& b) {
  a.clear();
  b.clear();
  if constexpr (sizeof(T) == 1) {
    std::vector<T> finite;
    for (unsigned c = 0; c < 256; ++c) {
      if (!is_special(from_code<T>(c))) finite.push_back(from_code<T>(c));
    }
    for (T x : finite) {
      for (T y : finite) {
        a.push_back(x);
        b.push_back(y);
      }
    }
  } else {
    a = random_finite<T>(1 << 17, 3 + sizeof(T));
    b = random_finite<T>(1 << 17, 5 + sizeof(T));
    std::vector<T> boundary;
    for (T x : boundary_values<T>()) {
      if (!is_special(x)) boundary.push_back(x);
    }
    for (T x : boundary) {
      for (T y : boundary) {
        a.push_back(x);
        b.push_back(y);
      }
    }
  }
}

/// Two output sentinels: a kernel that leaves an element unwritten shows one of them there (they
/// differ, so at most one of them can be that element's expected value).
template <class T>
T sentinel(int which) {
  return from_code<T>(which == 0 ? 0x5A : 0x33);
}

/// lmul_multiply into a poisoned buffer with a guard element past the end; every product must be
/// the reference's and the guard untouched. Returns a failure naming the first wrong element.
template <class T>
::testing::AssertionResult multiply_matches(const std::vector<T>& a, const std::vector<T>& b) {
  const std::size_t n = a.size();
  for (int s = 0; s < 2; ++s) {
    std::vector<T> out(n + 1, sentinel<T>(s));
    lmul::lmul_multiply(std::span<const T>(a), std::span<const T>(b), std::span<T>(out.data(), n));
    for (std::size_t i = 0; i < n; ++i) {
      if (!is_product(a[i], b[i], out[i])) {
        return ::testing::AssertionFailure()
               << "n " << n << ", element " << i << ": codes " << +lmul::to_code(a[i]) << " * "
               << +lmul::to_code(b[i]) << " gave " << +lmul::to_code(out[i]) << ", the reference "
               << expected_product(a[i], b[i]) << " (sentinel " << s << ")";
      }
    }
    if (lmul::to_code(out[n]) != lmul::to_code(sentinel<T>(s))) {
      return ::testing::AssertionFailure() << "n " << n << ": wrote past the end";
    }
  }
  return ::testing::AssertionSuccess();
}

// ---- lmul_multiply ----------------------------------------------------------------------------

TYPED_TEST(Dispatched, MultiplyFinitePairsInBlocksWithoutSpecials) {
  using T = TypeParam;
  std::vector<T> a, b;
  finite_pairs(a, b);
  EXPECT_TRUE(multiply_matches(a, b));
  // The same pairs with b negated: every sign combination in the same lanes.
  for (T& y : b) y = negated(y);
  EXPECT_TRUE(multiply_matches(a, b));
}

TYPED_TEST(Dispatched, MultiplySpecialsAtEveryLanePosition) {
  using T = TypeParam;
  const std::vector<T> a0 = random_finite<T>(300, 17), b0 = random_finite<T>(300, 19);
  const T zero = from_code<T>(0);
  for (const T special : special_values<T>()) {
    for (std::size_t at = 0; at < 256; ++at) {
      std::vector<T> a = a0, b = b0;
      a[at] = special;
      ASSERT_TRUE(multiply_matches(a, b)) << "special in a at " << at;
      a = a0;
      b[at] = special;
      ASSERT_TRUE(multiply_matches(a, b)) << "special in b at " << at;
      a[at] = zero;  // inf * 0, NaN * 0
      ASSERT_TRUE(multiply_matches(a, b)) << "special times zero at " << at;
    }
  }
}

TYPED_TEST(Dispatched, MultiplyOnePairAtEveryExponent) {
  using T = TypeParam;
  // n: two blocks of the widest block test (16 registers of 32) and a tail.
  const auto multiply_of = [](const T* a, const T* b, T* out, std::size_t n) {
    lmul::lmul_multiply(std::span<const T>(a, n), std::span<const T>(b, n), std::span<T>(out, n));
  };
  EXPECT_EQ(multiply_of_one_pair_at_every_exponent<T>(multiply_of, 2 * 16 * 32 + 37), "");
}

TYPED_TEST(Dispatched, MultiplyEveryLengthAndInPlace) {
  using T = TypeParam;
  code_source<T> source(23);  // all classes: specials, over- and underflows, values near one
  for (std::size_t n = 0; n <= 300; ++n) {
    std::vector<T> a(n), b(n);
    for (auto& x : a) x = source();
    for (auto& x : b) x = source();
    ASSERT_TRUE(multiply_matches(a, b));
    std::vector<T> in_a = a, in_b = b;
    lmul::lmul_multiply(std::span<const T>(in_a), std::span<const T>(b), std::span<T>(in_a));
    lmul::lmul_multiply(std::span<const T>(a), std::span<const T>(in_b), std::span<T>(in_b));
    for (std::size_t i = 0; i < n; ++i) {
      ASSERT_TRUE(is_product(a[i], b[i], in_a[i])) << "in place (out = a), n " << n << ", i " << i;
      ASSERT_TRUE(is_product(a[i], b[i], in_b[i])) << "in place (out = b), n " << n << ", i " << i;
    }
  }
}

// ---- sums that are exact in any order ---------------------------------------------------------

/// Values whose L-Mul products span few binades: +-0, +-0.5, +-1, +-1.5, +-2, +-3 (in every compiled
/// format). Their wide products are multiples of a small power of two, so sums of a few thousand
/// of them are exact in fp32 whatever the order: a dot or GEMM must give the exact sum, bit for bit.
template <class T>
std::vector<T> summable_values() {
  std::vector<T> out;
  for (const float v : {0.f, 0.5f, 1.f, 1.5f, 2.f, 3.f}) {
    out.push_back(T(v));
    out.push_back(T(-v));
  }
  return out;
}

template <class T>
std::vector<T> summable_data(std::size_t n, std::uint64_t seed) {
  const std::vector<T> values = summable_values<T>();
  std::mt19937_64 rng(seed);
  std::vector<T> out(n);
  for (auto& x : out) x = values[rng() % values.size()];
  return out;
}

/// The lowest set bit of every wide product of two summable values (2^quantum divides each) and
/// the largest |product|: a sum of n such products is exact in fp32, whatever the order, when
/// n * max_abs < 2^(quantum + 24) (every partial sum is then a multiple of 2^quantum below 2^24
/// times it).
struct summable_products {
  int quantum = 1000;
  float max_abs = 0;
};

template <class T>
const summable_products& summable_bound() {
  static const summable_products bound = [] {
    summable_products b;
    for (const T x : summable_values<T>()) {
      for (const T y : summable_values<T>()) {
        const float p = wide_product(x, y);
        if (p == 0) continue;
        int e;
        const float f = std::frexp(std::fabs(p), &e);  // |p| = f 2^e, f in [0.5, 1)
        const auto m = static_cast<std::uint32_t>(std::ldexp(f, 24));  // exact: 24 bits
        b.quantum = std::min(b.quantum, e - 24 + std::countr_zero(m));
        b.max_abs = std::max(b.max_abs, std::fabs(p));
      }
    }
    return b;
  }();
  return bound;
}

/// The exact sum of the reference's wide products of a[i] and b[i * stride_b] (summable values),
/// after checking that fp32 holds it exactly in any order.
template <class T>
float exact_sum(const T* a, const T* b, std::size_t n, std::size_t stride_b = 1) {
  const summable_products& bound = summable_bound<T>();
  EXPECT_LT(double(n) * bound.max_abs, std::ldexp(1.0, bound.quantum + 24)) << "not exactly summable";
  long double sum = 0;
  for (std::size_t i = 0; i < n; ++i) sum += wide_product(a[i], b[i * stride_b]);
  return float(sum);
}

template <class T>
float exact_sum(const std::vector<T>& a, const std::vector<T>& b) {
  return exact_sum(a.data(), b.data(), a.size());
}

std::uint32_t bits(float x) { return std::bit_cast<std::uint32_t>(x); }

// ---- lmul_dot ---------------------------------------------------------------------------------

TYPED_TEST(Dispatched, DotOfEveryLengthIsTheExactSum) {
  using T = TypeParam;
  std::vector<std::size_t> lengths;
  for (std::size_t n = 0; n <= 300; ++n) lengths.push_back(n);
  for (std::size_t n : {1000, 4099, 20000}) lengths.push_back(n);
  for (const std::size_t n : lengths) {
    const std::vector<T> a = summable_data<T>(n, n + 1), b = summable_data<T>(n, n + 2);
    const float expected = exact_sum(a, b);
    ASSERT_EQ(bits(lmul::lmul_dot(a, b)), bits(expected == 0 ? 0.f : expected)) << "n " << n;
  }
}

TYPED_TEST(Dispatched, DotWithinTheBoundOnRandomData) {
  using T = TypeParam;
  for (const std::size_t n : {std::size_t{257}, std::size_t{10007}}) {
    const std::vector<T> a = finite_values<T>(n, 11 + n), b = finite_values<T>(n, 12 + n);
    long double sum, sum_abs;
    reference_sum(a, b, sum, sum_abs);
    EXPECT_LE(std::fabs(lmul::lmul_dot(a, b) - sum), dot_tolerance(n, sum_abs)) << "n " << n;
  }
}

TYPED_TEST(Dispatched, DotNanAndInfAtEveryPositionAndLength) {
  using T = TypeParam;
  using F = format_t<T>;
  const T nan = from_code<T>(F::nan_code), zero = from_code<T>(0), one = T(1.f);
  constexpr float inf = std::numeric_limits<float>::infinity();
  for (std::size_t n = 1; n <= 140; ++n) {
    const std::vector<T> a0 = summable_data<T>(n, 3 * n), b0 = summable_data<T>(n, 3 * n + 1);
    for (std::size_t at = 0; at < n; ++at) {
      std::vector<T> a = a0, b = b0;
      a[at] = nan;
      ASSERT_TRUE(std::isnan(lmul::lmul_dot(a, b))) << "NaN, n " << n << " at " << at;
      if constexpr (F::has_infinity) {
        const T plus_inf = from_code<T>(F::infinity_code);
        a[at] = plus_inf;
        b[at] = one;
        ASSERT_EQ(lmul::lmul_dot(a, b), inf) << "+inf, n " << n << " at " << at;
        a[at] = negated(plus_inf);
        ASSERT_EQ(lmul::lmul_dot(a, b), -inf) << "-inf, n " << n << " at " << at;
        b[at] = zero;
        ASSERT_TRUE(std::isnan(lmul::lmul_dot(a, b))) << "inf * 0, n " << n << " at " << at;
        if (n > 1) {
          b[at] = one;
          const std::size_t other = (at + 1 + at % (n - 1)) % n;  // != at
          a[other] = plus_inf;
          b[other] = one;
          ASSERT_TRUE(std::isnan(lmul::lmul_dot(a, b))) << "inf - inf, n " << n << " at " << at;
        }
      }
    }
  }
}

TYPED_TEST(Dispatched, DotOfOnePairAtEveryExponent) {
  using T = TypeParam;
  // n: two blocks of the widest block test (16 registers of 32) and a tail.
  const auto dot_of = [](const std::vector<T>& a, const std::vector<T>& b) {
    return lmul::lmul_dot(a, b);
  };
  EXPECT_EQ(dot_of_one_pair_at_every_exponent<T>(dot_of, 2 * 16 * 32 + 37), "");
}

// ---- lmul_dot_exact (8-bit) -------------------------------------------------------------------

TYPED_TEST(DispatchedBytes, DotExactIsCorrectlyRoundedAtEveryLength) {
  using T = TypeParam;
  std::vector<std::size_t> lengths;
  for (std::size_t n = 0; n <= 300; ++n) lengths.push_back(n);
  for (std::size_t n : {1000, 4099, 65536 + 3}) lengths.push_back(n);
  for (const std::size_t n : lengths) {
    // Finite codes of every size (not only the summable ones): the exact sum needs rounding.
    const std::vector<T> a = random_finite<T>(n, 7 * n + 1), b = random_finite<T>(n, 7 * n + 2);
    float expected;
    ASSERT_TRUE(exact_reference(a, b, expected));
    ASSERT_EQ(bits(lmul::lmul_dot_exact(a, b)), bits(expected)) << "n " << n;
  }
}

TYPED_TEST(DispatchedBytes, DotExactNanAndInfAtEveryPosition) {
  using T = TypeParam;
  using F = format_t<T>;
  for (std::size_t n : {std::size_t{1}, std::size_t{63}, std::size_t{64}, std::size_t{65}, std::size_t{130}}) {
    const std::vector<T> a0 = random_finite<T>(n, n), b0 = random_finite<T>(n, n + 1);
    for (std::size_t at = 0; at < n; ++at) {
      std::vector<T> a = a0, b = b0;
      a[at] = from_code<T>(F::nan_code);
      ASSERT_TRUE(std::isnan(lmul::lmul_dot_exact(a, b))) << "NaN, n " << n << " at " << at;
      if constexpr (F::has_infinity) {
        a[at] = from_code<T>(F::infinity_code | F::sign_mask);
        b[at] = T(2.f);
        ASSERT_EQ(lmul::lmul_dot_exact(a, b), -std::numeric_limits<float>::infinity()) << "n " << n;
      }
    }
  }
  // Two infinities far apart, the second in b only: after the first, the VBMI kernel only looks for
  // more NaN / inf operands (issue 18); IEEE: NaN for opposite signs, inf for equal ones.
  if constexpr (F::has_infinity) {
    const std::size_t n = 64 * 600 + 37;
    const T inf = from_code<T>(F::infinity_code), minus_inf = from_code<T>(F::infinity_code | F::sign_mask);
    for (const auto& [first, second] : {std::pair<std::size_t, std::size_t>{0, n - 1}, {10, 64 * 300}}) {
      std::vector<T> a = random_finite<T>(n, first), b = random_finite<T>(n, second);
      a[first] = inf;
      b[first] = T(1.f);
      a[second] = T(1.f);
      b[second] = minus_inf;
      ASSERT_TRUE(std::isnan(lmul::lmul_dot_exact(a, b))) << "inf - inf at " << first << ", " << second;
      b[second] = inf;
      ASSERT_EQ(lmul::lmul_dot_exact(a, b), std::numeric_limits<float>::infinity())
          << "inf + inf at " << first << ", " << second;
    }
  }
}

// Every finite nonzero wide product magnitude (one pair each), n times with one sign: each lane of the
// table's kernel sums copies of one product, its largest partial sums for that product, over more
// than one flush group (the kernels flush every 8 to 512 blocks of 64). n * p is exact in double.
TYPED_TEST(DispatchedBytes, DotExactOfDataWhoseExponentsChange) {
  using T = TypeParam;
  for (std::uint64_t seed = 11; seed <= 16; ++seed) {
    EXPECT_EQ(exact_dot_of_banded_data<T>(
                  [](const std::vector<T>& a, const std::vector<T>& b) { return lmul::lmul_dot_exact(a, b); },
                  seed),
              "");
  }
}

TYPED_TEST(DispatchedBytes, DotExactOfOneProductRepeated) {
  using T = TypeParam;
  constexpr std::size_t n = 64 * 512 + 65;
  for (const auto& [p, pair] : one_pair_per_product<T>()) {
    const std::vector<T> a(n, pair.first), b(n, pair.second);
    ASSERT_EQ(lmul::lmul_dot_exact(a, b), float(double(p) * double(n))) << "product " << p;
  }
}

// A tie decided by a far-away term: P1 + P2 + P3 where P2 is half an fp32 ulp of P1 and P3 lies more
// than 62 binades below P1. The exact sum lies just above the tie, so the correctly rounded result
// is P1 + ulp; a kernel that loses P3 (the sticky bit) before rounding returns P1 (ties to even).
// Only lmul<1,6>'s wide products span more than 63 binades (the other 8-bit formats' exact sums
// fit the 62 bits kept, so the sticky bit never decides for them).
template <class T>
void check_sticky_tie() {
  std::map<float, std::pair<unsigned, unsigned>> products;  // positive wide products -> codes
  for (unsigned x = 0; x < 256; ++x) {
    for (unsigned y = 0; y < 256; ++y) {
      const T tx = from_code<T>(x), ty = from_code<T>(y);
      if (is_special(tx) || is_special(ty)) continue;
      const float p = wide_product(tx, ty);
      if (p > 0) products.emplace(p, std::make_pair(x, y));
    }
  }
  ASSERT_FALSE(products.empty());
  const float smallest = products.begin()->first;
  bool found = false;
  for (auto it = products.rbegin(); it != products.rend() && !found; ++it) {
    const float p1 = it->first;
    int e;
    std::frexp(p1, &e);  // p1 in [2^(e-1), 2^e): its fp32 ulp is 2^(e-24)
    const float p2 = std::ldexp(1.f, e - 25);
    if (products.count(p2) == 0 || !(smallest < std::ldexp(1.f, e - 1 - 63))) continue;
    found = true;
    const auto [x1, y1] = it->second;
    const auto [x2, y2] = products.at(p2);
    const auto [x3, y3] = products.begin()->second;
    // The three pairs among zero pairs, spread over lanes, so the vector paths run.
    std::vector<T> a(300, from_code<T>(0)), b(300, from_code<T>(0));
    a[5] = from_code<T>(x1), b[5] = from_code<T>(y1);
    a[77] = from_code<T>(x2), b[77] = from_code<T>(y2);
    a[200] = from_code<T>(x3), b[200] = from_code<T>(y3);
    float expected;
    ASSERT_TRUE(exact_reference(a, b, expected));
    ASSERT_EQ(expected, std::nextafter(p1, INFINITY)) << "the reference breaks the tie upward";
    EXPECT_EQ(bits(lmul::lmul_dot_exact(a, b)), bits(expected)) << "P1 = " << p1;
  }
  EXPECT_TRUE(found) << "no tie with a far-away third term in this format";
}

TEST(DispatchedExactDot, AFarAwayTermDecidesATie) {
  check_sticky_tie<lmul::lmul<1, 6>>();
}

// ---- lmul_gemm, lmul_gemm_bt ------------------------------------------------------------------

/// C = A B (or A Bt^T) through the public function into a poisoned C with padding columns (ldc =
/// n + 3), for both sentinels: every entry the exact sum, the padding untouched.
template <class T>
::testing::AssertionResult gemm_matches(std::size_t m, std::size_t n, std::size_t k, bool bt,
                                        unsigned threads, std::uint64_t seed) {
  const std::vector<T> a = summable_data<T>(m * k, seed), b = summable_data<T>(k * n, seed + 1);
  const std::size_t ldc = n + 3;
  // B(p, j): b[p * n + j] for lmul_gemm; for lmul_gemm_bt the same values stored transposed.
  std::vector<T> bt_store(k * n);
  for (std::size_t p = 0; p < k; ++p) {
    for (std::size_t j = 0; j < n; ++j) bt_store[j * k + p] = b[p * n + j];
  }
  std::vector<float> expected(m * n);
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      const float s = exact_sum(a.data() + i * k, b.data() + j, k, n);
      expected[i * n + j] = s == 0 ? 0.f : s;  // an exact zero sum of fp32 terms is +0 (round to nearest)
    }
  }
  for (const float poison : {std::numeric_limits<float>::quiet_NaN(), -7.f}) {
    std::vector<float> c(m * ldc, poison);
    if (bt) {
      lmul::lmul_gemm_bt(m, n, k, a.data(), k, bt_store.data(), k, c.data(), ldc, {threads});
    } else {
      lmul::lmul_gemm(m, n, k, a.data(), k, b.data(), n, c.data(), ldc, {threads});
    }
    for (std::size_t i = 0; i < m; ++i) {
      for (std::size_t j = 0; j < ldc; ++j) {
        const float got = c[i * ldc + j];
        const bool ok = j < n ? bits(got) == bits(expected[i * n + j])
                              : bits(got) == bits(poison);
        if (!ok) {
          return ::testing::AssertionFailure()
                 << (bt ? "lmul_gemm_bt " : "lmul_gemm ") << m << "x" << n << "x" << k << ", threads "
                 << threads << ": C(" << i << ", " << j << ") = " << got << ", expected "
                 << (j < n ? expected[i * n + j] : poison) << (j < n ? "" : " (padding)");
        }
      }
    }
  }
  return ::testing::AssertionSuccess();
}

TYPED_TEST(Dispatched, GemmEveryEdgeIsTheExactSum) {
  using T = TypeParam;
  // m and n around every micro-tile and panel edge of the kernels (rows 4-18, columns 8-64).
  const std::size_t ms[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 15, 16, 17, 18, 19, 31, 32, 33};
  const std::size_t ns[] = {1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 23, 24, 25, 31, 32, 33, 47, 48, 49, 63, 64, 65};
  std::uint64_t seed = 1;
  for (const std::size_t k : {std::size_t{1}, std::size_t{2}, std::size_t{33}}) {
    for (const std::size_t m : ms) {
      for (const std::size_t n : ns) {
        ASSERT_TRUE(gemm_matches<T>(m, n, k, false, 1, ++seed));
      }
    }
  }
  // Deep k (several k blocks), the transposed-B form, threads.
  for (const bool bt : {false, true}) {
    for (const unsigned threads : {1u, 3u}) {
      ASSERT_TRUE(gemm_matches<T>(37, 45, 300, bt, threads, ++seed));
      ASSERT_TRUE(gemm_matches<T>(40, 70, 520, bt, threads, ++seed));
    }
  }
}

TYPED_TEST(Dispatched, GemmNanAndInfReachOnlyTheirRowAndColumn) {
  using T = TypeParam;
  using F = format_t<T>;
  const std::size_t m = 19, n = 37, k = 41;
  std::vector<T> a = summable_data<T>(m * k, 5), b = summable_data<T>(k * n, 6);
  // A NaN in A(3, 7): row 3 of C is NaN. With +inf in B(11, 20) and every A(i, 11) = 1: column 20
  // is +inf except where a NaN term meets it.
  a[3 * k + 7] = from_code<T>(F::nan_code);
  if constexpr (F::has_infinity) {
    for (std::size_t i = 0; i < m; ++i) a[i * k + 11] = T(1.f);
    b[11 * n + 20] = from_code<T>(F::infinity_code);
  }
  std::vector<float> c(m * n, -7.f);
  lmul::lmul_gemm(m, n, k, a.data(), k, b.data(), n, c.data(), n);
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      const float got = c[i * n + j];
      if (i == 3) {
        ASSERT_TRUE(std::isnan(got)) << "C(" << i << ", " << j << ")";
      } else if (F::has_infinity && j == 20) {
        ASSERT_EQ(got, std::numeric_limits<float>::infinity()) << "C(" << i << ", " << j << ")";
      } else {
        const float s = exact_sum(a.data() + i * k, b.data() + j, k, n);
        ASSERT_EQ(bits(got), bits(s == 0 ? 0.f : s)) << "C(" << i << ", " << j << ")";
      }
    }
  }
}

// ---- lmul_mx_dot ------------------------------------------------------------------------------

template <class T>
class DispatchedMx : public ::testing::Test {};
using mx_types = ::testing::Types<lmul::float8_e4m3fn, lmul::float8_e5m2, lmul::float6_e2m3fn,
                                  lmul::float6_e3m2fn, lmul::float4_e2m1fn>;
TYPED_TEST_SUITE(DispatchedMx, mx_types);

// Summable elements and scales 2^-1 .. 2^1: every block sum and the scaled total are exact, so
// lmul_mx_dot must give the exact value for every block size and length (short last blocks).
TYPED_TEST(DispatchedMx, MxDotIsTheExactSum) {
  using T = TypeParam;
  for (const std::size_t block : {std::size_t{1}, std::size_t{7}, std::size_t{32}, std::size_t{33}, std::size_t{100}}) {
    for (const std::size_t n : {std::size_t{1}, block, 3 * block + 1, std::size_t{257}, std::size_t{1000}}) {
      const std::vector<T> a = summable_data<T>(n, n * 7 + block), b = summable_data<T>(n, n * 11 + block);
      const std::size_t blocks = (n + block - 1) / block;
      std::mt19937 rng(unsigned(n + block));
      std::vector<lmul::float8_e8m0fnu> sa(blocks), sb(blocks);
      long double sum = 0;
      for (std::size_t j = 0; j < blocks; ++j) {
        const int ea = int(rng() % 3) - 1, eb = int(rng() % 3) - 1;
        sa[j] = lmul::float8_e8m0fnu::from_bits(std::uint8_t(127 + ea));
        sb[j] = lmul::float8_e8m0fnu::from_bits(std::uint8_t(127 + eb));
        const std::size_t first = j * block, count = std::min(block, n - first);
        sum += std::ldexp((long double)exact_sum(a.data() + first, b.data() + first, count), ea + eb);
      }
      // Scales 2^-2 .. 2^2 on the products: exact in any order while n * 4 max < 2^(quantum - 2 + 24).
      const summable_products& bound = summable_bound<T>();
      ASSERT_LT(double(n) * 4 * bound.max_abs, std::ldexp(1.0, bound.quantum - 2 + 24));
      const float expected = float(sum);
      const float got = lmul::lmul_mx_dot<T>(sa, a, sb, b, block);
      ASSERT_EQ(bits(got), bits(expected == 0 ? 0.f : expected)) << "block " << block << ", n " << n;
    }
  }
}

}  // namespace
