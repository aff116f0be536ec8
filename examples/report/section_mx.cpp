// section_mx.cpp -- section 8: OCP MX block scaling (blocks of 32 sharing an E8M0 scale) against
// unscaled conversion, with L-Mul element products (lmul_mx_dot / lmul_mx_gemm: no multiplication
// at all) and with exact element products (mx_dot), per element format: dot products of the three
// operand distributions, and the attention case of section 7 (relative Frobenius error).
#include <lmul/lmul.hpp>
#include <lmul/mx.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "progress.hpp"
#include "random_pairs.hpp"
#include "sections.hpp"
#include "text_table.hpp"

#if __has_include("attention_study.hpp")
#include "attention_study.hpp"
#define LMUL_MX_HAS_ATTENTION 1
#else
#define LMUL_MX_HAS_ATTENTION 0
#endif

namespace lmul_report {
namespace {

/// How values reach the element format: one scale per 32 values (MX, either rule), or none.
enum class scaling { unscaled, mx_floor, mx_rceil };
const char* scaling_name(scaling s) {
  switch (s) {
    case scaling::unscaled: return "unscaled";
    case scaling::mx_floor: return "MX floor";
    case scaling::mx_rceil: return "MX rceil";
  }
  return "?";
}

/// A vector (or a matrix's rows, each `row` long) in MX form.
template <class T>
struct mx_data {
  std::vector<lmul::float8_e8m0fnu> scales;
  std::vector<T> elems;
};

/// Quantize `rows` rows of `row` values. Unscaled: every scale is 1 and each value is converted
/// directly (the library's default conversion: e4m3fn overflows to NaN, FP6/FP4 saturate).
template <class T>
mx_data<T> quantize_rows(const std::vector<float>& x, std::size_t rows, std::size_t row, scaling s) {
  const std::size_t blocks = (row + lmul::mx_block_size - 1) / lmul::mx_block_size;
  mx_data<T> out{std::vector<lmul::float8_e8m0fnu>(rows * blocks), std::vector<T>(x.size())};
  for (std::size_t i = 0; i < rows; ++i) {
    const std::span<const float> in(x.data() + i * row, row);
    const std::span<lmul::float8_e8m0fnu> scales(out.scales.data() + i * blocks, blocks);
    const std::span<T> elems(out.elems.data() + i * row, row);
    if (s == scaling::unscaled) {
      for (auto& scale : scales) scale = lmul::float8_e8m0fnu::from_exponent(0);
      for (std::size_t j = 0; j < row; ++j) elems[j] = T(in[j]);
    } else {
      lmul::mx_quantize<T>(in, scales, elems,
                           s == scaling::mx_floor ? lmul::mx_scale_rule::floor : lmul::mx_scale_rule::rceil);
    }
  }
  return out;
}

/// One row of the tables: element format, scaling, product.
struct mx_method {
  std::string label;
  /// Mean of |dot - ref| / sum |x_i y_i| over length-n dot products of (x, y).
  double (*dot_error)(const operand_pairs&, std::size_t n, scaling, bool lmul_products);
#if LMUL_MX_HAS_ATTENTION
  /// Relative Frobenius error of attention against fp64.
  double (*attention_error)(const lmul_examples::attention_detail::problem&,
                            const lmul_examples::attention_detail::attention_result& reference,
                            scaling, bool lmul_products);
#endif
  scaling scale;
  bool lmul_products;
};

template <class T>
float dot_of(const mx_data<T>& a, std::size_t a_row, const mx_data<T>& b, std::size_t b_row,
             std::size_t n, bool lmul_products) {
  const std::size_t blocks = (n + lmul::mx_block_size - 1) / lmul::mx_block_size;
  const std::span<const lmul::float8_e8m0fnu> sa(a.scales.data() + a_row * blocks, blocks);
  const std::span<const lmul::float8_e8m0fnu> sb(b.scales.data() + b_row * blocks, blocks);
  const std::span<const T> ea(a.elems.data() + a_row * n, n), eb(b.elems.data() + b_row * n, n);
  return lmul_products ? lmul::lmul_mx_dot<T>(sa, ea, sb, eb) : lmul::mx_dot<T>(sa, ea, sb, eb);
}

template <class T>
double dot_error(const operand_pairs& data, std::size_t n, scaling s, bool lmul_products) {
  const std::size_t trials = data.size() / n;
  const mx_data<T> x = quantize_rows<T>(data.x, trials, n, s);
  const mx_data<T> y = quantize_rows<T>(data.y, trials, n, s);
  double scaled_sum = 0;
  for (std::size_t t = 0; t < trials; ++t) {
    const float dot = dot_of(x, t, y, t, n, lmul_products);
    double exact = 0, magnitude = 0;  // products of floats are exact in double
    for (std::size_t i = t * n; i < (t + 1) * n; ++i) {
      const double p = double(data.x[i]) * double(data.y[i]);
      exact += p;
      magnitude += std::abs(p);
    }
    scaled_sum += std::abs(double(dot) - exact) / magnitude;
  }
  return trials ? scaled_sum / double(trials) : 0;
}

#if LMUL_MX_HAS_ATTENTION
namespace ad = lmul_examples::attention_detail;

/// C (m x n) = A (m x k) B^T with B^T given as n x k, both in MX form.
template <class T>
void mx_matmul_bt(std::size_t m, std::size_t n, std::size_t k, const mx_data<T>& a,
                  const mx_data<T>& bt, bool lmul_products, std::vector<float>& c) {
  c.assign(m * n, 0.f);
  if (lmul_products) {
    lmul::lmul_mx_gemm<T>(m, n, k, a.scales.data(), a.elems.data(), k, bt.scales.data(),
                          bt.elems.data(), k, c.data(), n);
    return;
  }
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j < n; ++j) c[i * n + j] = dot_of(a, i, bt, j, k, false);
  }
}

/// Section 7's pipeline on MX data: S = Q K^T (Q, K quantized along d), P~ = exp(S / sqrt(d) -
/// row max) in fp32, quantized along the keys, O = P~ V (V^T quantized along the keys) divided by
/// the fp32 row sums of the quantized P~.
template <class T>
double attention_error(const ad::problem& pr, const ad::attention_result& reference, scaling s,
                       bool lmul_products) {
  const std::size_t seq = pr.q.rows, d = pr.q.cols;
  const auto floats = [](const std::vector<double>& x) { return std::vector<float>(x.begin(), x.end()); };
  std::vector<float> vt(d * seq);
  for (std::size_t i = 0; i < seq; ++i) {
    for (std::size_t c = 0; c < d; ++c) vt[c * seq + i] = float(pr.v(i, c));
  }
  const mx_data<T> q = quantize_rows<T>(floats(pr.q.data), seq, d, s);
  const mx_data<T> k = quantize_rows<T>(floats(pr.k.data), seq, d, s);
  const mx_data<T> v = quantize_rows<T>(vt, d, seq, s);
  std::vector<float> scores, weights(seq * seq), out;
  mx_matmul_bt(seq, seq, d, q, k, lmul_products, scores);
  ad::unnormalized_weights(seq, scores.data(), 1.0f / std::sqrt(float(d)), weights.data());
  const mx_data<T> p = quantize_rows<T>(weights, seq, seq, s);
  std::vector<float> p_values(seq * seq);
  lmul::mx_dequantize<T>(p.scales, p.elems, p_values);
  mx_matmul_bt(seq, d, seq, p, v, lmul_products, out);
  for (std::size_t i = 0; i < seq; ++i) {
    float l = 0.f;
    for (std::size_t j = 0; j < seq; ++j) l += p_values[i * seq + j];
    for (std::size_t c = 0; c < d; ++c) out[i * d + c] /= l;
  }
  ad::attention_result got{std::vector<double>(out.begin(), out.end()),
                           std::vector<double>(scores.begin(), scores.end()), 0.0};
  return ad::compare(got, reference, seq).relative_frobenius;
}
#endif

template <class T>
void add_methods(std::vector<mx_method>& methods, const std::string& format) {
  for (const scaling s : {scaling::unscaled, scaling::mx_floor, scaling::mx_rceil}) {
    for (const bool use_lmul : {true, false}) {
      methods.push_back({format + ", " + scaling_name(s) + ", " + (use_lmul ? "L-Mul" : "exact"),
                         dot_error<T>,
#if LMUL_MX_HAS_ATTENTION
                         attention_error<T>,
#endif
                         s, use_lmul});
    }
  }
}

std::vector<mx_method> mx_methods() {
  std::vector<mx_method> methods;
  add_methods<lmul::float8_e4m3fn>(methods, "e4m3fn");
  add_methods<lmul::float8_e5m2>(methods, "e5m2");
  add_methods<lmul::float6_e2m3fn>(methods, "e2m3fn (FP6)");
  add_methods<lmul::float6_e3m2fn>(methods, "e3m2fn (FP6)");
  add_methods<lmul::float4_e2m1fn>(methods, "e2m1fn (FP4)");
  return methods;
}

constexpr std::size_t mx_dot_length = 1024;

}  // namespace

void print_mx_section(std::ostream& out, const report_options& options) {
  const std::vector<mx_method> methods = mx_methods();
  const std::size_t trials = std::max<std::size_t>(8, options.dot_terms() / mx_dot_length);
  std::vector<operand_pairs> data;
  for (const distribution d : all_distributions) {
    data.push_back(draw_pairs(d, trials * mx_dot_length, options.seed + 811));
  }
  std::vector<std::vector<std::string>> rows;
  {
    progress shown("section 8: MX");
#if LMUL_MX_HAS_ATTENTION
    const std::size_t seq = options.quick ? 128 : 512, d = 64;
    // Section 7's d = 64 problems (its seeds: 20241001 for N(0,1), 20241003 for the outliers), so
    // that the unscaled rows can be compared with its table.
    const ad::problem problems[] = {ad::make_problem(seq, d, false, 20241001),
                                    ad::make_problem(seq, d, true, 20241003)};
    const ad::attention_result references[] = {ad::run_plain<double>(problems[0], 1),
                                               ad::run_plain<double>(problems[1], 1)};
#endif
    for (std::size_t m = 0; m < methods.size(); ++m) {
      const mx_method& method = methods[m];
      std::vector<std::string> row{method.label};
      for (const operand_pairs& pairs : data) {
        row.push_back(format_error(method.dot_error(pairs, mx_dot_length, method.scale,
                                                    method.lmul_products),
                                   options.csv));
      }
#if LMUL_MX_HAS_ATTENTION
      for (int p = 0; p < 2; ++p) {
        row.push_back(format_error(method.attention_error(problems[p], references[p], method.scale,
                                                          method.lmul_products),
                                   options.csv));
      }
#endif
      rows.push_back(row);
      shown.update(m + 1, methods.size());
    }
  }
  out << "\n== 8. OCP MX block scaling: blocks of 32 values share a power-of-two E8M0 scale ==\n"
         "Unscaled: each value converted directly (e4m3fn overflow gives NaN, FP6/FP4 saturate).\n"
         "MX floor / rceil: mx_quantize with that scale rule. L-Mul: lmul_mx_dot / lmul_mx_gemm\n"
         "(wide L-Mul element products, block sums scaled by an exponent add: no multiplication);\n"
         "exact: mx_dot (exact element products). All sums in fp32.\n"
         "Dots: mean of |dot - ref| / sum |x_i y_i| over "
      << trials << " dot products of length " << mx_dot_length
      << " per distribution, ref = the exact dot of the fp32 inputs.\n";
#if LMUL_MX_HAS_ATTENTION
  out << "Attention: section 7's single head, seq = " << (options.quick ? 128 : 512)
      << ", d = 64; Q, K along d, P~ and V along the keys in MX form; relative Frobenius error\n"
         "against fp64 (N(0,1) inputs, and 4 outlier channels scaled by "
      << ad::outlier_scale << ").\n";
#endif
  std::vector<std::string> header{"format, scaling, products", "dot (a)", "dot (b)", "dot (c)"};
#if LMUL_MX_HAS_ATTENTION
  header.push_back("attn N(0,1)");
  header.push_back("attn outliers");
#endif
  text_table table(header);
  for (auto& row : rows) table.add_row(row);
  table.print(out, options.csv);
  out << "(a) N(0,1), (b) log-uniform |x| in [2^-8, 2^8], (c) uniform [-1, 1]. NaN: the unscaled\n"
         "format overflowed (e4m3fn has no infinity).\n";
}

}  // namespace lmul_report
