// lmul/corrected.hpp -- corrected L-Mul: still one integer addition, with a tabled offset.
//
// L-Mul approximates the significand product (1 + a)(1 + b) by 1 + a + b + c with one constant c
// (spec section 3). The error it leaves, ab - c (and its carry-region counterpart), depends mostly
// on where a and b lie. The corrected variant looks c up in a small table indexed by the top t bits
// of both normalised fractions (a 2^t x 2^t table; by default t = correction_index_bits(M) =
// min(M, 4)), and adds the entry to the integer sum k instead of the paper's constant. Hardware
// cost: one table read indexed by 2t wires plus the same adder; no multiplier.
//
// At M <= 4 the default table is indexed by every fraction bit of both operands (t = M): it is a
// complete product table, one entry per pair of significands, not a small correction. Tables with
// fewer index bits (derive_correction_table(M, t)) trade error for size; lmul-report measures both.
//
// The table is not typed in: derive_correction_table(M, t) computes it (the default one once per
// M, on first use, thread-safe) from this criterion, written down so anyone can reproduce it:
//
//   For each cell (i, j), choose the integer c (in units of 2^-M) that minimises
//     sum over points (a, b) in the cell of w(a, b) * |V(a + b + c 2^-M) / ((1 + a)(1 + b)) - 1|
//   where V(s) = (1 + frac(s)) * 2^floor(s) is what the integer addition produces (a carry out of
//   the fraction doubles the significand), and w(a, b) = 1 / ((1 + a)(1 + b)) is the density of
//   log-distributed (scale-invariant, Benford) significands, which is what Gaussian and other
//   wide data produce. The points are every M-bit fraction pair in the cell when a cell holds at
//   most 2^5 fractions per axis, else the midpoints of a 16 x 16 subgrid (midpoint quadrature).
//
// Everything else (specials, subnormal operands, underflow, overflow) is exactly as L-Mul: the
// one generic routine detail::lmul_codes_with does it (through scalar.hpp's element-type
// wrappers), only the offset policy differs. Because the table is derived at run time, these
// functions are not constexpr (lmul_product is).
//
// Measured by lmul-report (docs/accuracy.md): 64-85% less mean relative error than the paper's
// L-Mul for M = 4..10 on N(0,1) operands rounded to nearest even.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>

#include "convert.hpp"
#include "detail/element_ranges.hpp"
#include "errors.hpp"
#include "detail/span_checks.hpp"
#include "format_traits.hpp"
#include "product.hpp"
#include "scalar.hpp"

namespace lmul {

/// Most fraction bits per operand a correction table is indexed by (a 16 x 16 table).
inline constexpr int max_correction_index_bits = 4;

/// Fraction bits of each operand that index the default correction table: t = min(M, 4).
/// At M <= 4 that is every fraction bit: the table is then a complete product table.
constexpr int correction_index_bits(int M) {
  return M < max_correction_index_bits ? M : max_correction_index_bits;
}

/// The per-cell integer offsets of corrected L-Mul at M fraction bits (units of 2^-M).
/// Entry [(i << t) | j] applies when the top t bits of x's fraction are i and of y's are j.
struct correction_table {
  int mantissa_bits = 0;
  int index_bits = 0;
  std::array<std::int32_t, 256> offset_units{};  // 2^t x 2^t used, t <= max_correction_index_bits

  /// Entries in use: 2^t x 2^t.
  constexpr int entries() const { return 1 << (2 * index_bits); }

  /// The offset for normalised fractions fx, fy (M-bit integers).
  constexpr std::int64_t lookup(std::uint32_t fx, std::uint32_t fy) const {
    const int drop = mantissa_bits - index_bits;
    return offset_units[((fx >> drop) << index_bits) | (fy >> drop)];
  }
};

/// The offset functor detail::lmul_codes_with takes (a pointer: cheap to pass by value).
struct correction_offset {
  const correction_table* table;
  constexpr std::int64_t operator()(std::uint32_t fx, std::uint32_t fy) const {
    return table->lookup(fx, fy);
  }
};

namespace detail {
inline namespace LMUL_ISA {

/// V(s) for s = a + b + c in [-1, 3): the significand the integer addition yields, relative to
/// 2^(exponent sum). A borrow (s < 0) halves it, a carry (s >= 1) doubles it.
inline double lmul_significand(double s) {
  if (s < 0) return (2 + s) / 2;
  if (s < 1) return 1 + s;
  if (s < 2) return 2 * s;
  return 4 * (s - 1);
}

/// One cell's objective: weighted mean |relative error| for offset c (units of 2^-M).
struct correction_cell {
  std::array<double, 32> a{}, b{};  // sample fractions along each axis
  int count = 0;                    // points per axis

  double weighted_error(double c) const {
    double total = 0;
    const auto n = std::size_t(count);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < n; ++j) {
        const double exact = (1 + a[i]) * (1 + b[j]);
        const double relative = lmul_significand(a[i] + b[j] + c) / exact - 1;
        total += std::abs(relative) / exact;  // weight w(a, b) = 1 / ((1 + a)(1 + b))
      }
    }
    return total;
  }
};

/// Sample fractions of cell index `cell` along one axis (see the criterion at the top).
inline void fill_cell_axis(std::array<double, 32>& axis, int& count, int M, int t, int cell) {
  const int per_cell_log2 = M - t;  // M-bit fractions per cell = 2^(M - t)
  const double unit = std::ldexp(1.0, -M);
  if (per_cell_log2 <= 5) {
    count = 1 << per_cell_log2;
    for (int u = 0; u < count; ++u) axis[std::size_t(u)] = (double(cell) * count + u) * unit;
  } else {
    count = 16;
    const double width = std::ldexp(1.0, -t);
    for (int u = 0; u < count; ++u) axis[std::size_t(u)] = (cell + (u + 0.5) / count) * width;
  }
}

/// The integer in [lo, hi] minimising `objective`: a scan with 64 steps, then the same around the
/// best point with a finer step, down to step 1 (exhaustive when hi - lo <= 64). Meant for the
/// smooth, single-valley objectives of offset searches.
template <class Objective>
std::int64_t integer_argmin(std::int64_t lo, std::int64_t hi, Objective objective) {
  std::int64_t best = lo;
  double best_value = objective(lo);
  while (true) {
    const std::int64_t step = std::max<std::int64_t>(1, (hi - lo) / 64);
    for (std::int64_t c = lo; c <= hi; c += step) {
      const double value = objective(c);
      if (value < best_value) {
        best_value = value;
        best = c;
      }
    }
    if (step == 1) return best;
    lo = best - step;
    hi = best + step;
  }
}

/// The integer c minimising the cell objective over [-2^M/8, 2^M/2] (the ideal real offset of
/// every cell lies in [0, 1/4]; the margin covers quantisation).
inline std::int32_t best_cell_offset(const correction_cell& cell, int M) {
  const double unit = std::ldexp(1.0, -M);
  return std::int32_t(integer_argmin(-(std::int64_t{1} << M) / 8 - 1,
                                     (std::int64_t{1} << M) / 2 + 1,
                                     [&](std::int64_t c) { return cell.weighted_error(double(c) * unit); }));
}

/// The table for M fraction bits indexed by the top t bits of each fraction, from the documented
/// criterion (no argument checks: see lmul::derive_correction_table).
inline correction_table derive_correction_table_unchecked(int M, int t) {
  correction_table table;
  table.mantissa_bits = M;
  table.index_bits = t;
  correction_cell cell;
  for (int i = 0; i < (1 << t); ++i) {
    for (int j = 0; j < (1 << t); ++j) {
      if (j < i) {  // the criterion is symmetric in (a, b)
        table.offset_units[std::size_t((i << t) | j)] =
            table.offset_units[std::size_t((j << t) | i)];
        continue;
      }
      fill_cell_axis(cell.a, cell.count, M, t, i);
      fill_cell_axis(cell.b, cell.count, M, t, j);
      table.offset_units[std::size_t((i << t) | j)] = best_cell_offset(cell, M);
    }
  }
  return table;
}

}  // inline namespace LMUL_ISA
}  // namespace detail

inline namespace LMUL_ISA {

/// The correction table for M fraction bits indexed by the top `index_bits` bits of each fraction
/// (a 2^t x 2^t table, t = index_bits), derived from the criterion at the top of this header.
/// t = correction_index_bits(M) gives the table lmul_product_corrected uses; fewer index bits give
/// a smaller table and more error. Throws std::invalid_argument unless 1 <= M <= 23 and
/// 0 <= index_bits <= min(M, max_correction_index_bits) (t = 0: one cell, a single constant).
inline correction_table derive_correction_table(int mantissa_bits, int index_bits) {
  if (mantissa_bits < 1 || mantissa_bits > 23) {
    detail::fail_invalid_argument("derive_correction_table: mantissa bits " +
                                std::to_string(mantissa_bits) + " outside 1..23");
  }
  if (index_bits < 0 || index_bits > correction_index_bits(mantissa_bits)) {
    detail::fail_invalid_argument("derive_correction_table: index bits " +
                                std::to_string(index_bits) + " outside 0.." +
                                std::to_string(correction_index_bits(mantissa_bits)) +
                                " for mantissa bits " + std::to_string(mantissa_bits));
  }
  return detail::derive_correction_table_unchecked(mantissa_bits, index_bits);
}

}  // inline namespace LMUL_ISA

namespace detail {
inline namespace LMUL_ISA {

/// The table for M fraction bits, derived once on first use (thread-safe static).
template <int M>
const correction_table& correction_table_for() {
  static const correction_table table = derive_correction_table_unchecked(M, correction_index_bits(M));
  return table;
}

/// The offset policy of the default table for format F.
template <class F>
correction_offset default_correction_offset() {
  return correction_offset{&correction_table_for<F::mantissa_bits>()};
}

}  // inline namespace LMUL_ISA
}  // namespace detail

inline namespace LMUL_ISA {  // every function: see detail/isa_namespace.hpp

/// Corrected L-Mul of two values of one type, rounded to that type (same element types, specials,
/// underflow and overflow as lmul_product; only the added offset comes from the table).
template <lmul_element T>
T lmul_product_corrected(T x, T y, overflow_mode overflow = overflow_mode::non_saturating) {
  return detail::lmul_product_with(x, y, detail::default_correction_offset<format_of_t<T>>(),
                                   overflow);
}

/// The same with a table of your choice, e.g. one with fewer index bits from
/// derive_correction_table. Throws std::invalid_argument if the table was derived for another
/// number of fraction bits than T has.
template <lmul_element T>
T lmul_product_corrected(T x, T y, const correction_table& table,
                         overflow_mode overflow = overflow_mode::non_saturating) {
  if (table.mantissa_bits != format_of_t<T>::mantissa_bits) {
    detail::fail_invalid_argument("lmul_product_corrected: table derived for " +
                                std::to_string(table.mantissa_bits) +
                                " fraction bits, element type has " +
                                std::to_string(format_of_t<T>::mantissa_bits));
  }
  return detail::lmul_product_with(x, y, correction_offset{&table}, overflow);
}

/// The wide corrected product: V(k) rounded to fp32 instead of T (the dot-product term).
template <lmul_element T>
float lmul_wide_product_corrected(T x, T y) {
  return detail::lmul_wide_product_with(x, y, detail::default_correction_offset<format_of_t<T>>());
}

/// Corrected L-Mul at M fraction bits in the fp32 exponent range: x and y rounded to lmul<M, 8>
/// (with `rounding`), multiplied with the corrected offset; the result is exact as a float.
template <int M>
float lmul_simulated_corrected(float x, float y,
                               rounding_mode rounding = rounding_mode::nearest_even) {
  return detail::lmul_simulated_with<M>(x, y, rounding,
                                        detail::default_correction_offset<format_traits<M, 8>>());
}

}  // inline namespace LMUL_ISA

namespace detail {
inline namespace LMUL_ISA {

/// For 8-bit formats: every corrected product, table[(x << 8) | y], computed once (64 KiB) by the
/// scalar routine itself, so the span kernel is bit-identical to lmul_product_corrected by
/// construction and costs one load per element.
template <class F>
const std::array<typename F::storage, 65536>& corrected_byte_products() {
  static const auto table = [] {
    const correction_offset offset = default_correction_offset<F>();
    std::array<typename F::storage, 65536> products{};
    for (unsigned x = 0; x < 256; ++x) {
      for (unsigned y = 0; y < 256; ++y) {
        products[(x << 8) | y] = lmul_codes_with<F, F>(typename F::storage(x), typename F::storage(y),
                                                       offset, overflow_mode::non_saturating);
      }
    }
    return products;
  }();
  return table;
}

}  // inline namespace LMUL_ISA
}  // namespace detail

inline namespace LMUL_ISA {

/// out[i] = lmul_product_corrected(a[i], b[i]), bit-identical to the scalar function for every
/// input. Spans of different lengths, or an out that overlaps a or b other than exactly (in
/// place), throw std::invalid_argument before anything is written (spec section 4).
/// 8-bit types read a 64 KiB table of all products; the others run the scalar routine per element.
template <lmul_element T>
void lmul_multiply_corrected(std::span<const T> a, std::span<const T> b, std::span<T> out) {
  detail::check_elementwise<T>("lmul_multiply_corrected", a, b, std::span<const T>(out));
  using F = format_of_t<T>;
  if constexpr (F::total_bits <= 8) {  // a table of all 2^16 products
    const auto& products = detail::corrected_byte_products<F>();
    for (std::size_t i = 0; i < out.size(); ++i) {
      out[i] = from_code<T>(products[(unsigned(to_code(a[i])) << 8) | unsigned(to_code(b[i]))]);
    }
  } else {
    const correction_offset offset = detail::default_correction_offset<F>();
    for (std::size_t i = 0; i < out.size(); ++i) {
      out[i] = detail::lmul_product_with(a[i], b[i], offset, overflow_mode::non_saturating);
    }
  }
}

/// The same for containers (std::vector, std::array, spans of non-const T), as lmul_multiply.
template <detail::element_range A, detail::element_range B, detail::writable_element_range Out>
  requires std::same_as<detail::element_of<A>, detail::element_of<B>> &&
           std::same_as<detail::element_of<Out>, detail::element_of<A>>
void lmul_multiply_corrected(const A& a, const B& b, Out&& out) {
  lmul_multiply_corrected<detail::element_of<A>>(detail::as_input(a), detail::as_input(b),
                                                 detail::as_output(out));
}

}  // inline namespace LMUL_ISA
}  // namespace lmul
