// Corrected L-Mul (lmul/corrected.hpp): its accuracy target, its table criterion, and its API.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <lmul/corrected.hpp>
#include <lmul/lmul.hpp>
#include <stdexcept>
#include <vector>

#include "error_stats.hpp"
#include "random_pairs.hpp"

namespace {

// ---- accuracy target: >= 40% less mean relative error than the paper's L-Mul for every M >= 4,
// operands from N(0,1) rounded to nearest even. Fresh seed: not the report's pairs.
template <int M>
void expect_target_met() {
  const auto pairs = lmul_report::draw_pairs(lmul_report::distribution::normal, 200000, 4242);
  lmul_report::error_stats paper, corrected;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const double exact = double(pairs.x[i]) * double(pairs.y[i]);
    paper.add(lmul::lmul_simulated<M>(pairs.x[i], pairs.y[i]), exact);
    corrected.add(lmul::lmul_simulated_corrected<M>(pairs.x[i], pairs.y[i]), exact);
  }
  EXPECT_LE(corrected.mean(), 0.6 * paper.mean())
      << "M = " << M << ": corrected " << corrected.mean() << ", paper " << paper.mean();
}

TEST(CorrectedLmul, AtLeastFortyPercentLessErrorForEveryMFromFour) {
  expect_target_met<4>();
  expect_target_met<5>();
  expect_target_met<6>();
  expect_target_met<7>();
  expect_target_met<8>();
  expect_target_met<9>();
  expect_target_met<10>();
}

// ---- the criterion: where a cell holds one fraction pair (M <= 4), minimising the relative error
// of that pair means picking the representable M-bit value nearest to the exact product in
// relative terms. Brute force over every M-bit value in [1/2, 8) says what that is.
template <int M>
void expect_single_point_cells_are_nearest() {
  using T = lmul::lmul<M, 8>;
  const int steps = 1 << M;
  for (int i = 0; i < steps; ++i) {
    for (int j = 0; j < steps; ++j) {
      const double x = 1 + double(i) / steps, y = 1 + double(j) / steps;
      const double exact = x * y;
      double best = std::numeric_limits<double>::infinity();
      for (int e = -1; e <= 2; ++e) {
        for (int k = 0; k < steps; ++k) {
          best = std::min(best, std::abs(std::ldexp(1 + double(k) / steps, e) / exact - 1));
        }
      }
      const double got = double(float(lmul::lmul_product_corrected(T(x), T(y))));
      EXPECT_NEAR(std::abs(got / exact - 1), best, 1e-15) << "M " << M << ": " << x << " * " << y;
    }
  }
}

TEST(CorrectedLmul, SinglePointCellsGiveTheNearestValue) {
  expect_single_point_cells_are_nearest<1>();
  expect_single_point_cells_are_nearest<2>();
  expect_single_point_cells_are_nearest<3>();
  expect_single_point_cells_are_nearest<4>();
}

TEST(CorrectedLmul, TableIsSymmetricAndSmall) {
  const lmul::correction_table& table = lmul::detail::correction_table_for<7>();
  const int t = lmul::correction_index_bits(7);
  ASSERT_EQ(table.index_bits, 4);
  for (int i = 0; i < (1 << t); ++i) {
    for (int j = 0; j < (1 << t); ++j) {
      EXPECT_EQ(table.offset_units[(i << t) | j], table.offset_units[(j << t) | i]);
      // Ideal offsets lie in [0, 1/4] of a unit significand (ab below the carry, (1-a)(1-b)/2
      // above it): at M = 7 that is 0..32 units, give or take the cell width.
      EXPECT_GE(table.offset_units[(i << t) | j], -8);
      EXPECT_LE(table.offset_units[(i << t) | j], 40);
    }
  }
}

// ---- tables with fewer index bits: derive_correction_table(M, t), checked against the criterion
// of corrected.hpp written out again here from its text (not from the library's helpers).

// The significand the integer addition yields for s = a + b + c: (1 + frac(s)) * 2^floor(s).
double added_significand(double s) {
  const double whole = std::floor(s);
  return (1 + (s - whole)) * std::ldexp(1.0, int(whole));
}

// The criterion's sample fractions of cell `cell` along one axis: every M-bit fraction of the cell
// when it holds at most 32, else the midpoints of 16 equal parts of the cell.
std::vector<double> cell_fractions(int M, int t, int cell) {
  const double width = std::ldexp(1.0, -t);
  const long per_cell = 1L << (M - t);
  std::vector<double> points;
  if (per_cell <= 32) {
    for (long u = 0; u < per_cell; ++u) points.push_back(cell * width + double(u) * std::ldexp(1.0, -M));
  } else {
    for (int u = 0; u < 16; ++u) points.push_back(cell * width + (u + 0.5) / 16 * width);
  }
  return points;
}

// Sum over the cell of w(a, b) |V(a + b + c) / ((1 + a)(1 + b)) - 1|, w = 1 / ((1 + a)(1 + b)).
double cell_objective(const std::vector<double>& a, const std::vector<double>& b, double c) {
  double total = 0;
  for (double x : a) {
    for (double y : b) {
      const double exact = (1 + x) * (1 + y);
      total += std::abs(added_significand(x + y + c) / exact - 1) / exact;
    }
  }
  return total;
}

// The least objective over every integer offset in [-2^M, 2^M] (units of 2^-M): wider than any
// sensible offset.
double least_objective(const std::vector<double>& a, const std::vector<double>& b, int M) {
  double least = std::numeric_limits<double>::infinity();
  for (long c = -(1L << M); c <= (1L << M); ++c) {
    least = std::min(least, cell_objective(a, b, std::ldexp(double(c), -M)));
  }
  return least;
}

// Every entry must reach its cell's least objective (ties may pick any minimiser).
void expect_entries_minimise_their_cells(int M, int t) {
  const lmul::correction_table table = lmul::derive_correction_table(M, t);
  ASSERT_EQ(table.mantissa_bits, M);
  ASSERT_EQ(table.index_bits, t);
  ASSERT_EQ(table.entries(), 1 << (2 * t));
  const double unit = std::ldexp(1.0, -M);
  for (int i = 0; i < (1 << t); ++i) {
    for (int j = 0; j < (1 << t); ++j) {
      const std::vector<double> a = cell_fractions(M, t, i), b = cell_fractions(M, t, j);
      const double least = least_objective(a, b, M);
      const double got = cell_objective(a, b, table.offset_units[(i << t) | j] * unit);
      EXPECT_LE(got, least * (1 + 1e-12)) << "M " << M << ", t " << t << ", cell (" << i << ", " << j
                                          << "): entry " << table.offset_units[(i << t) | j];
    }
  }
}

TEST(CorrectionTables, EveryEntryMinimisesItsCellByBruteForce) {
  for (int t = 0; t <= 3; ++t) expect_entries_minimise_their_cells(3, t);
  for (int t = 0; t <= 4; ++t) expect_entries_minimise_their_cells(4, t);
  for (int t = 0; t <= 4; ++t) expect_entries_minimise_their_cells(7, t);
  expect_entries_minimise_their_cells(6, 0);   // 64 fractions per axis: midpoints
  expect_entries_minimise_their_cells(10, 2);
}

// End to end through the public product: for M <= 5 every cell's points are representable
// operands in [1, 2), whose corrected product is exactly V(a + b + c) (no rounding). The products
// of a t-bit table, summed over a cell as the criterion does, must reach the cell's least
// objective: this fails if the product looked up the wrong cell (bits other than the top t).
template <int M>
void expect_products_reach_cell_minimum(int t) {
  using T = lmul::lmul<M, 8>;
  const lmul::correction_table table = lmul::derive_correction_table(M, t);
  for (int i = 0; i < (1 << t); ++i) {
    for (int j = 0; j < (1 << t); ++j) {
      const std::vector<double> a = cell_fractions(M, t, i), b = cell_fractions(M, t, j);
      const double least = least_objective(a, b, M);
      double through_products = 0;
      for (double x : a) {
        for (double y : b) {
          const double exact = (1 + x) * (1 + y);
          const double product = double(float(lmul::lmul_product_corrected(T(1 + x), T(1 + y), table)));
          through_products += std::abs(product / exact - 1) / exact;
        }
      }
      EXPECT_LE(through_products, least * (1 + 1e-12) + 1e-300)
          << "M " << M << ", t " << t << ", cell (" << i << ", " << j << ")";
    }
  }
}

TEST(CorrectionTables, ProductsUseTheTopIndexBits) {
  for (int t = 0; t <= 3; ++t) expect_products_reach_cell_minimum<3>(t);
  for (int t = 0; t <= 4; ++t) expect_products_reach_cell_minimum<4>(t);
  for (int t = 0; t <= 4; ++t) expect_products_reach_cell_minimum<5>(t);
}

TEST(CorrectionTables, DefaultIndexBitsGiveTheTableOfLmulProductCorrected) {
  auto same_as_default = [](int M, const lmul::correction_table& used) {
    const lmul::correction_table derived =
        lmul::derive_correction_table(M, lmul::correction_index_bits(M));
    EXPECT_EQ(derived.index_bits, used.index_bits) << "M " << M;
    EXPECT_TRUE(std::equal(derived.offset_units.begin(), derived.offset_units.end(),
                           used.offset_units.begin()))
        << "M " << M;
  };
  same_as_default(3, lmul::detail::correction_table_for<3>());
  same_as_default(4, lmul::detail::correction_table_for<4>());
  same_as_default(7, lmul::detail::correction_table_for<7>());
  // At M <= 4 the default table is indexed by every fraction bit: t = M.
  for (int M = 1; M <= 4; ++M) EXPECT_EQ(lmul::correction_index_bits(M), M);
  EXPECT_EQ(lmul::correction_index_bits(7), 4);
  // And the product with an explicit default table is the default product, for every e4m3fn pair.
  const lmul::correction_table table3 = lmul::derive_correction_table(3, 3);
  for (unsigned x = 0; x < 256; ++x) {
    for (unsigned y = 0; y < 256; ++y) {
      const auto a = lmul::float8_e4m3fn::from_bits(std::uint8_t(x));
      const auto b = lmul::float8_e4m3fn::from_bits(std::uint8_t(y));
      ASSERT_EQ(lmul::lmul_product_corrected(a, b, table3).bits(),
                lmul::lmul_product_corrected(a, b).bits())
          << x << " * " << y;
    }
  }
}

TEST(CorrectionTables, BadArgumentsThrow) {
  EXPECT_THROW(lmul::derive_correction_table(0, 0), std::invalid_argument);
  EXPECT_THROW(lmul::derive_correction_table(24, 2), std::invalid_argument);
  EXPECT_THROW(lmul::derive_correction_table(3, 4), std::invalid_argument);   // t > M
  EXPECT_THROW(lmul::derive_correction_table(7, 5), std::invalid_argument);   // t > 4
  EXPECT_THROW(lmul::derive_correction_table(7, -1), std::invalid_argument);
  const lmul::correction_table table7 = lmul::derive_correction_table(7, 2);
  EXPECT_THROW(lmul::lmul_product_corrected(lmul::lmul<4, 8>(1.5f), lmul::lmul<4, 8>(1.5f), table7),
               std::invalid_argument);
  EXPECT_NO_THROW(lmul::lmul_product_corrected(lmul::lmul<7, 8>(1.5f), lmul::lmul<7, 8>(1.5f), table7));
}

// ---- specials follow spec section 3's table, exactly as lmul_product.
TEST(CorrectedLmul, SpecialOperands) {
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  EXPECT_TRUE(std::isnan(lmul::lmul_product_corrected(nan, 1.0f)));
  EXPECT_TRUE(std::isnan(lmul::lmul_product_corrected(inf, 0.0f)));
  EXPECT_TRUE(std::isnan(lmul::lmul_product_corrected(-0.0f, -inf)));
  EXPECT_EQ(lmul::lmul_product_corrected(-inf, 2.0f), -inf);
  EXPECT_EQ(lmul::lmul_product_corrected(inf, inf), inf);
  const float zero = lmul::lmul_product_corrected(-0.0f, 3.0f);
  EXPECT_EQ(zero, 0.0f);
  EXPECT_TRUE(std::signbit(zero));
  // Overflow: e4m3fn has no infinity, so non-saturating overflow is NaN (spec section 3, step 4).
  const auto big = lmul::float8_e4m3fn(448.0f);
  EXPECT_TRUE(lmul::isnan(lmul::lmul_product_corrected(big, big)));
  EXPECT_EQ(lmul::lmul_product_corrected(big, big, lmul::overflow_mode::saturating).bits(), 0x7E);
}

TEST(CorrectedLmul, ExactForPowersOfTwoWhenCellsAreSinglePoints) {
  // M <= 4: cell (0, 0) holds only the pair 1 * 1 = 1, so its offset is 0 and powers of two
  // multiply exactly. (For larger M the cell averages over a, b in [0, 2^-4) and is not exact.)
  EXPECT_EQ(float(lmul::lmul_product_corrected(lmul::float8_e5m2(4.0f), lmul::float8_e5m2(-0.5f))),
            -2.0f);
  EXPECT_EQ(float(lmul::lmul_product_corrected(lmul::float8_e4m3fn(0.25f), lmul::float8_e4m3fn(8.0f))),
            2.0f);
  EXPECT_EQ(float(lmul::lmul_product_corrected(lmul::lmul<4, 5>(16.0f), lmul::lmul<4, 5>(0.125f))),
            2.0f);
}

// ---- span kernel: bit-identical to the scalar function for every input, checked arguments.
template <class T>
std::vector<T> all_codes_or_samples() {
  using F = lmul::format_of_t<T>;
  std::vector<T> values;
  if constexpr (F::total_bits <= 8) {
    for (unsigned c = 0; c < 256; ++c) values.push_back(lmul::from_code<T>(typename F::storage(c)));
  } else {
    lmul_report::random_source random(5);
    for (int n = 0; n < 4096; ++n) {
      values.push_back(lmul::from_code<T>(typename F::storage(random.next())));
    }
  }
  return values;
}

template <class T>
void expect_kernel_matches_scalar() {
  const std::vector<T> values = all_codes_or_samples<T>();
  std::vector<T> a, b;
  for (T x : values) {
    for (std::size_t k = 0; k < values.size(); k += (values.size() > 256 ? 37 : 1)) {
      a.push_back(x);
      b.push_back(values[k]);
    }
  }
  std::vector<T> out(a.size());
  lmul::lmul_multiply_corrected<T>(a, b, out);
  for (std::size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(lmul::to_code(out[i]), lmul::to_code(lmul::lmul_product_corrected(a[i], b[i])))
        << "element " << i;
  }
  // In place (out is exactly a) gives the same.
  std::vector<T> in_place = a;
  lmul::lmul_multiply_corrected<T>(in_place, b, in_place);
  for (std::size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(lmul::to_code(in_place[i]), lmul::to_code(out[i]));
  }
}

TEST(CorrectedLmulKernel, BitIdenticalToScalar) {
  expect_kernel_matches_scalar<float>();
  expect_kernel_matches_scalar<lmul::float8_e4m3fn>();
  expect_kernel_matches_scalar<lmul::float8_e5m2>();
  expect_kernel_matches_scalar<lmul::lmul<3, 4>>();
  expect_kernel_matches_scalar<lmul::lmul<7, 8>>();
  expect_kernel_matches_scalar<lmul::lmul<10, 5>>();
}

TEST(CorrectedLmulKernel, BadArgumentsThrowAndWriteNothing) {
  std::vector<float> a(8, 1.5f), b(8, 2.5f), out(8, 7.0f), short_out(7, 7.0f);
  EXPECT_THROW(lmul::lmul_multiply_corrected<float>(a, b, short_out), std::invalid_argument);
  EXPECT_TRUE(std::all_of(short_out.begin(), short_out.end(), [](float v) { return v == 7.0f; }));
  EXPECT_THROW(lmul::lmul_multiply_corrected<float>(std::span(a).first(7), b, short_out),
               std::invalid_argument);
  // Partial overlap of out with a: rejected, nothing written.
  std::vector<float> buffer(9, 3.0f);
  const std::vector<float> before = buffer;
  EXPECT_THROW(lmul::lmul_multiply_corrected<float>(std::span(buffer).first(8), b,
                                                    std::span(buffer).subspan(1, 8)),
               std::invalid_argument);
  EXPECT_EQ(buffer, before);
  // Empty spans are fine; containers and spans work without naming T.
  std::vector<float> empty;
  EXPECT_NO_THROW(lmul::lmul_multiply_corrected(empty, empty, empty));
  lmul::lmul_multiply_corrected(std::span<const float>(a), std::span<const float>(b),
                                std::span<float>(out));
  EXPECT_EQ(out[0], lmul::lmul_product_corrected(1.5f, 2.5f));
  std::vector<lmul::float8_e4m3fn> a8(3, lmul::float8_e4m3fn(1.5f)), out8(3);
  lmul::lmul_multiply_corrected(a8, a8, out8);
  EXPECT_EQ(out8[2].bits(), lmul::lmul_product_corrected(a8[0], a8[0]).bits());
  EXPECT_THROW(lmul::lmul_multiply_corrected(a8, a8, std::span(out8).first(2)),
               std::invalid_argument);
}

}  // namespace
