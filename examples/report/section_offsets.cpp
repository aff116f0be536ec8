// section_offsets.cpp -- section 3: beyond the paper's offset.
//
// For each M: operands of distribution (a) rounded to lmul<M, 8>, then L-Mul with (1) the paper's
// offset 2^-l(M), (2) the constant offset that minimises the mean relative error, found by
// integer search on the first search_pairs pairs and then measured on all pairs, (3) corrected
// L-Mul, whose table comes from its own documented criterion (never from this data). For a few M,
// (4) corrected L-Mul with tables of fewer index bits, derived by the same criterion, so that
// table size can be weighed against error.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <lmul/corrected.hpp>
#include <lmul/lmul.hpp>
#include <utility>

#include "offset_study.hpp"
#include "product_methods.hpp"
#include "product_study.hpp"
#include "progress.hpp"
#include "random_pairs.hpp"
#include "text_table.hpp"

namespace lmul_report {
namespace {

/// The pairs rounded to lmul<M, 8> with `rounding`.
template <int M>
std::vector<lmul::lmul<M, 8>> round_all(const std::vector<float>& values, lmul::rounding_mode rounding) {
  std::vector<lmul::lmul<M, 8>> rounded(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    rounded[i] = lmul::round_to<lmul::lmul<M, 8>>(double(values[i]), rounding);
  }
  return rounded;
}

/// Error statistics of `product` (a function of two lmul<M, 8>) on the first n pairs.
template <class T, class Product>
error_stats measure_product(const std::vector<T>& x, const std::vector<T>& y,
                            const std::vector<double>& exact, std::size_t n, Product product) {
  error_stats stats;
  for (std::size_t i = 0; i < n; ++i) stats.add(double(float(product(x[i], y[i]))), exact[i]);
  return stats;
}

template <int M>
offset_errors measure_offsets(const operand_pairs& pairs, const std::vector<double>& exact,
                              std::size_t search_pairs, lmul::rounding_mode rounding) {
  using T = lmul::lmul<M, 8>;
  const std::vector<T> x = round_all<M>(pairs.x, rounding), y = round_all<M>(pairs.y, rounding);
  auto with_constant = [&](std::int64_t units, std::size_t n) {
    return measure_product(x, y, exact, n, [units](T a, T b) {
      return lmul::lmul_product_constant_offset(a, b, units);
    });
  };
  offset_errors errors;
  errors.paper = measure_product(x, y, exact, pairs.size(),
                                 [](T a, T b) { return lmul::lmul_product(a, b); });
  // Every candidate 0 .. 2^(M-1), i.e. offsets 0 .. 1/2 (the L-Mul error ab - c is minimised well
  // inside); the first of equal means wins.
  const std::size_t n_search = std::min(search_pairs, pairs.size());
  double best_mean = with_constant(0, n_search).mean();
  for (std::int64_t c = 1; c <= (std::int64_t{1} << (M - 1)); ++c) {
    const double mean = with_constant(c, n_search).mean();
    if (mean < best_mean) {
      best_mean = mean;
      errors.best_units = c;
    }
  }
  errors.best = with_constant(errors.best_units, pairs.size());
  errors.corrected = measure_product(x, y, exact, pairs.size(),
                                     [](T a, T b) { return lmul::lmul_product_corrected(a, b); });
  return errors;
}

/// Bits per entry that hold every entry of `table`: unsigned, or two's complement when one is
/// negative.
int entry_bits(const lmul::correction_table& table) {
  const auto* begin = table.offset_units.data();
  const auto [low, high] = std::minmax_element(begin, begin + table.entries());
  if (*low >= 0) return std::max(1, int(std::bit_width(std::uint32_t(*high))));
  return 1 + int(std::bit_width(std::uint32_t(std::max(-(*low + 1), *high))));
}

/// Corrected L-Mul at M with tables of t = 0 .. correction_index_bits(M) index bits, RNE operands.
template <int M>
void measure_table_sizes(offset_study& study, const operand_pairs& pairs,
                         const std::vector<double>& exact) {
  using T = lmul::lmul<M, 8>;
  const auto rounding = lmul::rounding_mode::nearest_even;
  const std::vector<T> x = round_all<M>(pairs.x, rounding), y = round_all<M>(pairs.y, rounding);
  const error_stats paper = measure_product(x, y, exact, pairs.size(),
                                            [](T a, T b) { return lmul::lmul_product(a, b); });
  for (int t = 0; t <= lmul::correction_index_bits(M); ++t) {
    const lmul::correction_table table = lmul::derive_correction_table(M, t);
    table_size_row row;
    row.mantissa_bits = M;
    row.index_bits = t;
    row.entries = table.entries();
    row.entry_bits = entry_bits(table);
    row.error = measure_product(x, y, exact, pairs.size(), [&table](T a, T b) {
      return lmul::lmul_product_corrected(a, b, table);
    });
    row.paper = paper;
    study.table_sizes.push_back(row);
  }
}

template <int... Ms>
void measure_all(offset_study& study, const operand_pairs& pairs, const std::vector<double>& exact,
                 progress& shown, std::integer_sequence<int, Ms...>) {
  auto one = [&](auto m) {
    constexpr int M = decltype(m)::value;
    offset_row row;
    row.mantissa_bits = M;
    row.nearest_even =
        measure_offsets<M>(pairs, exact, study.search_pairs, lmul::rounding_mode::nearest_even);
    row.truncated =
        measure_offsets<M>(pairs, exact, study.search_pairs, lmul::rounding_mode::toward_zero);
    study.rows.push_back(row);
    if (std::find(std::begin(table_size_mantissas), std::end(table_size_mantissas), M) !=
        std::end(table_size_mantissas)) {
      measure_table_sizes<M>(study, pairs, exact);
    }
    shown.update(study.rows.size(), sizeof...(Ms));
  };
  (one(std::integral_constant<int, Ms + 1>{}), ...);
}

/// An offset in units of 2^-M as "c/2^M (decimal)".
std::string format_offset(std::int64_t units, int M) {
  return format("%lld/2^%d (%.4g)", (long long)units, M, std::ldexp(double(units), -M));
}

}  // namespace

offset_study run_offset_study(const report_options& options) {
  offset_study study;
  study.pairs = options.product_pairs();
  study.search_pairs = options.offset_search_pairs();
  const operand_pairs pairs = draw_pairs(distribution::normal, study.pairs,
                                         pair_seed(options, distribution::normal));
  std::vector<double> exact(pairs.size());
  for (std::size_t i = 0; i < pairs.size(); ++i) exact[i] = double(pairs.x[i]) * double(pairs.y[i]);
  progress shown("section 3: offsets");
  measure_all(study, pairs, exact, shown, std::make_integer_sequence<int, max_swept_mantissa>{});
  return study;
}

void print_offset_section(std::ostream& out, const offset_study& study, bool csv) {
  out << "\n== 3. Beyond the paper: mean relative error on " << distribution_name(distribution::normal)
      << ", " << study.pairs << " pairs ==\n"
         "paper = offset 2^-l(M); best const = the constant offset with the least mean error (every\n"
         "candidate in 0..1/2 tried on the first " << study.search_pairs << " pairs, measured on all);\n"
         "corrected = lmul::lmul_product_corrected: offset from a 2^t x 2^t table indexed by the top\n"
         "t = min(M, 4) bits of both fractions, still one integer addition (include/lmul/corrected.hpp).\n"
         "At M <= 4 that is every fraction bit of both operands: the corrected rows for M <= 4 use a\n"
         "complete product table (2^M x 2^M entries), not a small correction; smaller tables below.\n"
         "reduction = 1 - corrected / paper (target: >= 40% for every M >= 4, RNE operands).\n"
         "The corrected table treats the M-bit operands as exact, as RNE operands are on average;\n"
         "truncated operands sit half an ulp low on average, a bias the paper's larger offsets absorb,\n"
         "so with truncation the corrected variant only wins once M is large.\n";
  for (bool rne : {true, false}) {
    out << "\n-- operands " << (rne ? "rounded to nearest even (RNE)" : "truncated (trunc)")
        << " to M bits --\n";
    text_table table({"M", "paper l(M)", "paper mean", "best const offset", "best const mean",
                      "corrected mean", "reduction vs paper"});
    for (const offset_row& row : study.rows) {
      const offset_errors& e = rne ? row.nearest_even : row.truncated;
      const int M = row.mantissa_bits;
      table.add_row({std::to_string(M), format("2^-%d", lmul::paper_offset_exponent(M)),
                     format_error(e.paper.mean(), csv), format_offset(e.best_units, M),
                     format_error(e.best.mean(), csv), format_error(e.corrected.mean(), csv),
                     format("%.1f%%", 100 * (1 - e.corrected.mean() / e.paper.mean()))});
    }
    table.print(out, csv);
  }
  out << "\n-- table size against error: corrected L-Mul with t index bits per operand, RNE operands --\n"
         "Every table from the same criterion (lmul::derive_correction_table(M, t)); t = 0 is one\n"
         "constant (the criterion's best single offset). bytes = entries x bits per entry / 8, where\n"
         "bits per entry is the narrowest integer holding every entry of that table.\n";
  text_table table({"M", "t", "entries", "bits/entry", "bytes", "corrected mean",
                    "reduction vs paper", "table"});
  for (const table_size_row& row : study.table_sizes) {
    const int M = row.mantissa_bits, t = row.index_bits;
    std::string kind = t == 0 ? "one constant" : t == M ? "complete product table" : "";
    if (t == lmul::correction_index_bits(M)) {
      kind += std::string(kind.empty() ? "" : ", ") + "default (lmul_product_corrected)";
    }
    table.add_row({std::to_string(M), std::to_string(t), std::to_string(row.entries),
                   std::to_string(row.entry_bits),
                   format("%.0f", std::ceil(double(row.entries) * row.entry_bits / 8)),
                   format_error(row.error.mean(), csv),
                   format("%.1f%%", 100 * (1 - row.error.mean() / row.paper.mean())), kind});
  }
  table.print(out, csv);
}

}  // namespace lmul_report
