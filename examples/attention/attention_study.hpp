// attention_study.hpp -- what L-Mul does to single-head attention, measured.
//
//   O = softmax(Q K^T / sqrt(d)) V,  Q, K, V: seq x d,  seq = 512, d = 64 and 128.
//
// Inputs: Q, K, V ~ N(0, 1) from a fixed seed, and a second case where a few channels (columns) of
// Q, K and V are scaled up (outlier_scale) as the "massive activation" channels of real LLMs are.
// Methods (each runs the same pipeline below, only the element type and the product differ):
//   fp64             reference: every step in double
//   fp32             plain fp32 products and sums (the compiler may fuse them into FMAs)
//   L-Mul fp32       lmul_gemm on float data (fp32 L-Mul, offset 2^-4)
//   L-Mul e4m3fn     Q, K, V and P~ rounded to e4m3fn, lmul_gemm (L-Mul M = 3)
//   L-Mul e5m2       same with e5m2 (L-Mul M = 2)
//   exact e4m3fn     same rounded data, exact products: decode to fp32 and multiply in fp32 (the
//   exact e5m2       product of two fp8 values is exact in fp32), sums in fp32
// Both matmuls use the method's product: S = Q K^T (lmul_gemm_bt) and O = P V (lmul_gemm).
// Pipeline (as FlashAttention's fp8 path): S = Q K^T; scale by 1/sqrt(d) in fp32; P~ = exp(S - row
// max) in fp32 (so the largest weight is exactly 1); for the 8-bit methods P~ is rounded to the
// data format; l = fp32 row sum of the (rounded) P~; O = (P~ V) / l. Rounding P~ rather than the
// normalised P keeps weights near 1/seq out of e4m3fn's subnormal range.
// Metrics against fp64: relative Frobenius error ||O - O64|| / ||O64||, cosine similarity of O and
// O64 (flattened), the share of rows whose largest attention weight is at the same key as in fp64
// (argmax of the row of S, before any rounding of P~), and wall time (best of `repeats`). The fp32
// and exact-fp8 methods use a plain loop, not a tuned BLAS: their times compare implementations,
// not the cost of the arithmetic (see bench/gemm for lmul_gemm against OpenBLAS).
//
// Header-only (inline): the accuracy report (examples/report) includes it for its section 7.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <iomanip>
#include <limits>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include <lmul/gemm.hpp>
#include <lmul/small_float.hpp>

namespace lmul_examples {
namespace attention_detail {

/// Row-major matrix of doubles (the generated inputs and the reference).
struct matrix {
  std::size_t rows = 0, cols = 0;
  std::vector<double> data;
  matrix(std::size_t r, std::size_t c) : rows(r), cols(c), data(r * c, 0.0) {}
  double& operator()(std::size_t i, std::size_t j) { return data[i * cols + j]; }
  double operator()(std::size_t i, std::size_t j) const { return data[i * cols + j]; }
};

/// A portable N(0, 1) source (std::normal_distribution differs between standard libraries):
/// splitmix64 for uniform bits, Box-Muller for the normal variates.
class normal_source {
 public:
  explicit normal_source(std::uint64_t seed) : state_(seed) {}
  double next() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    // u1 in (0, 1], u2 in [0, 1): 53 random bits each.
    const double u1 = (double(next_bits() >> 11) + 1.0) * 0x1p-53;
    const double u2 = double(next_bits() >> 11) * 0x1p-53;
    const double radius = std::sqrt(-2.0 * std::log(u1));
    const double angle = 2.0 * 3.14159265358979323846 * u2;
    spare_ = radius * std::sin(angle);
    has_spare_ = true;
    return radius * std::cos(angle);
  }

 private:
  std::uint64_t next_bits() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::uint64_t state_;
  double spare_ = 0.0;
  bool has_spare_ = false;
};

/// The inputs of one attention problem.
struct problem {
  std::string name;
  matrix q, k, v;
};

/// Channels scaled in the outlier case: 4 fixed channels, spread over d (d >= 64).
inline constexpr double outlier_scale = 8.0;
inline std::vector<std::size_t> outlier_channels(std::size_t d) {
  return {3, d / 4 + 1, d / 2 + 7, d - 5};
}

inline problem make_problem(std::size_t seq, std::size_t d, bool outliers, std::uint64_t seed) {
  problem p{outliers ? "outliers" : "N(0,1)", matrix(seq, d), matrix(seq, d), matrix(seq, d)};
  normal_source normal(seed);
  for (matrix* m : {&p.q, &p.k, &p.v}) {
    for (double& x : m->data) x = normal.next();
    if (outliers) {
      for (std::size_t c : outlier_channels(d)) {
        for (std::size_t i = 0; i < seq; ++i) (*m)(i, c) *= outlier_scale;
      }
    }
  }
  return p;
}

/// What one method produced: the output O and the attention scores S (before scaling).
struct attention_result {
  std::vector<double> output;  // seq x d
  std::vector<double> scores;  // seq x seq
  double seconds = 0.0;
};

/// Runs f `repeats` times and returns the best wall time in seconds.
template <class F>
double best_time(int repeats, F f) {
  double best = std::numeric_limits<double>::infinity();
  for (int r = 0; r < repeats; ++r) {
    const auto start = std::chrono::steady_clock::now();
    f();
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    best = std::min(best, elapsed.count());
  }
  return best;
}

/// Plain loops with exact products in Acc (double, or fp32 for fp32 and exact-fp8 data):
/// c (m x n) = a (m x k) * bt^T (bt: n x k), and c = a * b (b: k x n).
template <class Acc>
void plain_matmul_bt(std::size_t m, std::size_t n, std::size_t k, const Acc* a, const Acc* bt,
                     Acc* c) {
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      Acc sum = 0;
      for (std::size_t p = 0; p < k; ++p) sum += a[i * k + p] * bt[j * k + p];
      c[i * n + j] = sum;
    }
  }
}
template <class Acc>
void plain_matmul(std::size_t m, std::size_t n, std::size_t k, const Acc* a, const Acc* b, Acc* c) {
  std::fill(c, c + m * n, Acc(0));
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t p = 0; p < k; ++p) {
      const Acc x = a[i * k + p];
      for (std::size_t j = 0; j < n; ++j) c[i * n + j] += x * b[p * n + j];
    }
  }
}

/// The softmax middle of the pipeline, in Acc: scaled scores -> P~ = exp(s - row max).
template <class Acc>
void unnormalized_weights(std::size_t seq, const Acc* scores, Acc scale, Acc* weights) {
  for (std::size_t i = 0; i < seq; ++i) {
    const Acc* row = scores + i * seq;
    Acc row_max = -std::numeric_limits<Acc>::infinity();
    for (std::size_t j = 0; j < seq; ++j) row_max = std::max(row_max, row[j] * scale);
    for (std::size_t j = 0; j < seq; ++j) weights[i * seq + j] = std::exp(row[j] * scale - row_max);
  }
}

/// fp64 reference (and the fp32 method with Acc = float): plain loops, exact products.
template <class Acc>
attention_result run_plain(const problem& pr, int repeats) {
  const std::size_t seq = pr.q.rows, d = pr.q.cols;
  const std::vector<Acc> q(pr.q.data.begin(), pr.q.data.end()),
      k(pr.k.data.begin(), pr.k.data.end()), v(pr.v.data.begin(), pr.v.data.end());
  std::vector<Acc> s(seq * seq), w(seq * seq), o(seq * d);
  const Acc scale = Acc(1) / std::sqrt(Acc(d));
  const double seconds = best_time(repeats, [&] {
    plain_matmul_bt(seq, seq, d, q.data(), k.data(), s.data());
    unnormalized_weights(seq, s.data(), scale, w.data());
    plain_matmul(seq, d, seq, w.data(), v.data(), o.data());
    for (std::size_t i = 0; i < seq; ++i) {
      Acc l = 0;
      for (std::size_t j = 0; j < seq; ++j) l += w[i * seq + j];
      for (std::size_t c = 0; c < d; ++c) o[i * d + c] /= l;
    }
  });
  return {std::vector<double>(o.begin(), o.end()), std::vector<double>(s.begin(), s.end()),
          seconds};
}

/// The 8-bit and L-Mul methods. T is the data type (float or an fp8 type); with use_lmul the two
/// matmuls are lmul_gemm_bt / lmul_gemm, otherwise fp32 plain loops on the decoded values.
template <class T, bool use_lmul>
attention_result run_typed(const problem& pr, int repeats) {
  const std::size_t seq = pr.q.rows, d = pr.q.cols;
  const auto to_data = [](const std::vector<double>& x) {
    std::vector<T> out(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) out[i] = T(x[i]);  // one rounding from double
    return out;
  };
  const auto decoded = [](const std::vector<T>& x) {
    std::vector<float> out(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) out[i] = float(x[i]);
    return out;
  };
  // Rounding the inputs to the data format is data preparation, outside the timed region.
  const std::vector<T> q = to_data(pr.q.data), k = to_data(pr.k.data), v = to_data(pr.v.data);
  const std::vector<float> qf = decoded(q), kf = decoded(k), vf = decoded(v);
  std::vector<float> s(seq * seq), w(seq * seq), o(seq * d);
  std::vector<T> w_data(seq * seq);
  const float scale = 1.0f / std::sqrt(float(d));
  const double seconds = best_time(repeats, [&] {
    if constexpr (use_lmul) {
      lmul::lmul_gemm_bt(seq, seq, d, q.data(), d, k.data(), d, s.data(), seq);
    } else {
      plain_matmul_bt(seq, seq, d, qf.data(), kf.data(), s.data());
    }
    unnormalized_weights(seq, s.data(), scale, w.data());
    for (std::size_t i = 0; i < w.size(); ++i) {
      w_data[i] = T(w[i]);      // P~ in the data format (for float: unchanged)
      w[i] = float(w_data[i]);  // the value the second matmul sees, for the row sums
    }
    if constexpr (use_lmul) {
      lmul::lmul_gemm(seq, d, seq, w_data.data(), seq, v.data(), d, o.data(), d);
    } else {
      plain_matmul(seq, d, seq, w.data(), vf.data(), o.data());
    }
    for (std::size_t i = 0; i < seq; ++i) {
      float l = 0.0f;
      for (std::size_t j = 0; j < seq; ++j) l += w[i * seq + j];
      for (std::size_t c = 0; c < d; ++c) o[i * d + c] /= l;
    }
  });
  return {std::vector<double>(o.begin(), o.end()), std::vector<double>(s.begin(), s.end()),
          seconds};
}

/// Accuracy of one method against the fp64 result.
struct accuracy {
  double relative_frobenius = 0.0;
  double cosine = 0.0;
  double argmax_agreement = 0.0;  // share of rows, 0..1
  std::size_t nonfinite = 0;      // NaN or inf entries of O (then the other figures are NaN)
};

inline std::size_t row_argmax(const std::vector<double>& scores, std::size_t seq, std::size_t row) {
  const auto first = scores.begin() + std::ptrdiff_t(row * seq);
  return std::size_t(std::max_element(first, first + std::ptrdiff_t(seq)) - first);
}

inline accuracy compare(const attention_result& got, const attention_result& reference,
                        std::size_t seq) {
  accuracy a;
  double diff2 = 0, ref2 = 0, got2 = 0, dot = 0;
  for (std::size_t i = 0; i < got.output.size(); ++i) {
    const double x = got.output[i], r = reference.output[i];
    if (!std::isfinite(x)) ++a.nonfinite;
    diff2 += (x - r) * (x - r);
    ref2 += r * r;
    got2 += x * x;
    dot += x * r;
  }
  a.relative_frobenius = std::sqrt(diff2 / ref2);
  a.cosine = dot / std::sqrt(ref2 * got2);
  std::size_t same = 0;
  for (std::size_t i = 0; i < seq; ++i)
    same += row_argmax(got.scores, seq, i) == row_argmax(reference.scores, seq, i);
  a.argmax_agreement = double(same) / double(seq);
  return a;
}

/// One table row.
struct study_row {
  std::string input;
  std::size_t d = 0;
  std::string method;
  accuracy acc;
  double milliseconds = 0.0;
};

inline std::vector<study_row> run_study(std::size_t seq, const std::vector<std::size_t>& dims,
                                        int repeats) {
  std::vector<study_row> rows;
  std::uint64_t seed = 20241001;
  for (bool outliers : {false, true}) {
    for (std::size_t d : dims) {
      const problem pr = make_problem(seq, d, outliers, seed++);
      const attention_result reference = run_plain<double>(pr, repeats);
      const auto add = [&](const std::string& method, const attention_result& r) {
        rows.push_back({pr.name, d, method, compare(r, reference, seq), r.seconds * 1e3});
      };
      add("fp64 (reference)", reference);
      add("fp32", run_plain<float>(pr, repeats));
      add("L-Mul fp32", run_typed<float, true>(pr, repeats));
      add("L-Mul e4m3fn", run_typed<lmul::float8_e4m3fn, true>(pr, repeats));
      add("exact e4m3fn", run_typed<lmul::float8_e4m3fn, false>(pr, repeats));
      add("L-Mul e5m2", run_typed<lmul::float8_e5m2, true>(pr, repeats));
      add("exact e5m2", run_typed<lmul::float8_e5m2, false>(pr, repeats));
    }
  }
  return rows;
}

inline std::string fixed(double x, int digits) {
  std::ostringstream s;
  s << std::setprecision(digits) << x;
  return s.str();
}

}  // namespace attention_detail

/// Runs the attention study and prints its table (plain text, or CSV with csv = true).
/// quick: seq = 128 and one timing run instead of seq = 512 and best of 3.
inline void print_attention_summary(std::ostream& os, bool quick, bool csv) {
  namespace ad = attention_detail;
  const std::size_t seq = quick ? 128 : 512;
  const int repeats = quick ? 1 : 3;
  const std::vector<ad::study_row> rows = ad::run_study(seq, {64, 128}, repeats);
  if (csv) {
    os << "input,seq,d,method,rel_frobenius_error,cosine_similarity,argmax_agreement,nonfinite,"
          "time_ms\n";
    for (const auto& r : rows) {
      os << r.input << ',' << seq << ',' << r.d << ',' << r.method << ','
         << ad::fixed(r.acc.relative_frobenius, 6) << ',' << ad::fixed(r.acc.cosine, 9) << ','
         << ad::fixed(r.acc.argmax_agreement, 6) << ',' << r.acc.nonfinite << ','
         << ad::fixed(r.milliseconds, 4) << '\n';
    }
    return;
  }
  os << "Single-head attention softmax(Q K^T / sqrt(d)) V, seq = " << seq
     << ", Q, K, V ~ N(0,1) (fixed seed); 'outliers': 4 channels of Q, K, V scaled by "
     << ad::outlier_scale << ".\n"
     << "Both matmuls (Q K^T and P V) use the method's product; 8-bit methods round Q, K, V and\n"
     << "P~ = exp(S - rowmax) to the format (nearest even); exact fp8 = exact products of the fp8\n"
     << "values summed in fp32. Errors against fp64. argmax = rows whose largest attention weight\n"
     << "is at the same key as in fp64. Times: "
     << (repeats == 1 ? std::string("one run") : "best of " + std::to_string(repeats) + " runs")
     << "; fp64, fp32 and exact fp8 use plain loops\n(not BLAS), L-Mul uses lmul_gemm (1 "
        "thread).\n\n";
  os << std::left << std::setw(9) << "input" << std::setw(5) << "d" << std::setw(18) << "method"
     << std::right << std::setw(13) << "rel. error" << std::setw(13) << "cosine" << std::setw(9)
     << "argmax" << std::setw(11) << "time ms" << '\n';
  for (const auto& r : rows) {
    os << std::left << std::setw(9) << r.input << std::setw(5) << r.d << std::setw(18) << r.method
       << std::right << std::setw(13) << ad::fixed(r.acc.relative_frobenius, 3) << std::setw(13)
       << ad::fixed(r.acc.cosine, 7) << std::setw(8) << ad::fixed(100.0 * r.acc.argmax_agreement, 4)
       << '%' << std::setw(11) << ad::fixed(r.milliseconds, 3);
    if (r.acc.nonfinite != 0) os << "  (" << r.acc.nonfinite << " non-finite outputs)";
    os << '\n';
  }
}

}  // namespace lmul_examples
