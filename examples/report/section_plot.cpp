// section_plot.cpp -- section 6: mean relative error against mantissa bits, as an SVG.
#include <algorithm>
#include <cmath>

#include "sections.hpp"
#include "svg_canvas.hpp"
#include "text_table.hpp"

namespace lmul_report {
namespace {

// Plot area inside a 820 x 520 picture.
constexpr double left = 80, right = 640, top = 50, bottom = 450;
constexpr int min_bits = 1, max_bits = 10;

struct axes {
  double log_low, log_high;  // decades shown on the y axis
  double x(double bits) const {
    return left + (bits - min_bits) / double(max_bits - min_bits) * (right - left);
  }
  double y(double error) const {
    const double v = std::log10(std::max(error, 1e-12));
    return bottom - (v - log_low) / (log_high - log_low) * (bottom - top);
  }
};

struct reference_line {
  const char* key;
  const char* label;
  const char* colour;
};

constexpr reference_line references[] = {
    {"e5m2", "float8_e5m2", "#d62728"},
    {"e4m3fn", "float8_e4m3fn", "#ff7f0e"},
    {"bf16", "bf16", "#8c564b"},
    {"fp16", "fp16", "#7f7f7f"},
};

}  // namespace

std::string accuracy_svg(const product_study& products, const offset_study& offsets) {
  const distribution d = distribution::normal;
  std::vector<double> all;
  for (const offset_row& row : offsets.rows) {
    all.push_back(row.nearest_even.paper.mean());
    all.push_back(row.truncated.paper.mean());
    all.push_back(row.nearest_even.corrected.mean());
  }
  for (const reference_line& r : references) all.push_back(products.at(d, r.key).mean());
  const auto [low, high] = std::minmax_element(all.begin(), all.end());
  const axes ax{std::floor(std::log10(std::max(*low, 1e-12))),
                std::ceil(std::log10(std::max(*high, 1e-12)))};

  svg_canvas svg(820, 520);
  svg.text(410, 28,
           "Mean relative error of one product, N(0,1) operands, " +
               std::to_string(products.pairs) + " pairs",
           "middle", 16);
  // Grid and axes.
  for (int decade = int(ax.log_low); decade <= int(ax.log_high); ++decade) {
    const double y = ax.y(std::pow(10.0, decade));
    svg.line(left, y, right, y, "stroke:#dddddd;stroke-width:1");
    svg.text(left - 8, y + 4, "1e" + std::to_string(decade), "end", 11);
  }
  for (int bits = min_bits; bits <= max_bits; ++bits) {
    svg.line(ax.x(bits), bottom, ax.x(bits), bottom + 5, "stroke:black;stroke-width:1");
    svg.text(ax.x(bits), bottom + 20, std::to_string(bits), "middle", 11);
  }
  svg.rect(left, top, right - left, bottom - top, "fill:none;stroke:black;stroke-width:1");
  svg.text((left + right) / 2, bottom + 42, "mantissa (fraction) bits M of the L-Mul operands",
           "middle", 13);
  svg.text(22, (top + bottom) / 2, "mean relative error (log scale)", "middle", 13,
           " transform=\"rotate(-90 22 " + std::to_string(int((top + bottom) / 2)) + ")\"");

  // Reference formats: horizontal dashed lines, labelled on the right.
  for (const reference_line& r : references) {
    const double y = ax.y(products.at(d, r.key).mean());
    svg.line(left, y, right, y,
             std::string("stroke:") + r.colour + ";stroke-width:1.5;stroke-dasharray:6,4");
    svg.text(right + 6, y + 4, std::string(r.label) + " " + format("%.2e", products.at(d, r.key).mean()),
             "start", 11, std::string(" fill=\"") + r.colour + "\"");
  }

  // L-Mul series.
  struct series {
    const char* label;
    const char* colour;
    const char* dash;
    double (*error)(const offset_row&);
  };
  const series lines[] = {
      {"L-Mul, paper offset, RNE operands", "#1f77b4", "",
       [](const offset_row& r) { return r.nearest_even.paper.mean(); }},
      {"L-Mul, paper offset, truncated operands", "#17becf", ";stroke-dasharray:3,3",
       [](const offset_row& r) { return r.truncated.paper.mean(); }},
      {"corrected L-Mul (add-only), RNE operands", "#2ca02c", "",
       [](const offset_row& r) { return r.nearest_even.corrected.mean(); }},
  };
  // Legend in the lower left, where the curves never go (errors there are below fp16's).
  double legend_y = bottom - 54;
  svg.rect(left + 8, legend_y - 12, 290, 16.0 * std::size(lines) + 8,
           "fill:white;fill-opacity:0.9;stroke:#999999;stroke-width:0.5");
  for (const series& s : lines) {
    std::vector<std::pair<double, double>> points;
    for (const offset_row& row : offsets.rows) {
      points.emplace_back(ax.x(row.mantissa_bits), ax.y(s.error(row)));
    }
    const std::string style = std::string("stroke:") + s.colour + ";stroke-width:2" + s.dash;
    svg.polyline(points, style);
    for (const auto& [x, y] : points) svg.circle(x, y, 3, std::string("fill:") + s.colour);
    svg.line(left + 14, legend_y, left + 44, legend_y, style);
    svg.text(left + 50, legend_y + 4, s.label, "start", 11);
    legend_y += 16;
  }

  // The paper's two claims: L-Mul (RNE) at M against the fp8 line, joined by a marker.
  struct claim_mark {
    int bits;
    const char* fp8_key;
    const char* text;
    bool strict;
  };
  const claim_mark claims[] = {{4, "e4m3fn", "claim: M=4 as precise as e4m3", false},
                               {3, "e5m2", "claim: M=3 more precise than e5m2", true}};
  double label_y = top + 18;
  for (const claim_mark& c : claims) {
    const offset_row& row = offsets.rows[std::size_t(c.bits - 1)];
    const double lmul_error = row.nearest_even.paper.mean();
    const double trunc_error = row.truncated.paper.mean();
    const double fp8_error = products.at(d, c.fp8_key).mean();
    auto verdict_of = [&](double e) {
      return (c.strict ? e < fp8_error : e <= fp8_error) ? "holds" : "fails";
    };
    const double x = ax.x(c.bits);
    svg.line(x, ax.y(lmul_error), x, ax.y(fp8_error), "stroke:black;stroke-width:2");
    svg.circle(x, ax.y(lmul_error), 6, "fill:none;stroke:black;stroke-width:2");
    const std::string verdict =
        std::string(c.text) + format(" (%.2e): RNE %s (%.2e), trunc %s (%.2e)", fp8_error,
                                     verdict_of(lmul_error), lmul_error, verdict_of(trunc_error),
                                     trunc_error);
    svg.text(x + 10, label_y, verdict, "start", 11);
    svg.line(x, ax.y(lmul_error), x + 8, label_y - 4, "stroke:black;stroke-width:0.5");
    label_y += 16;
  }
  return svg.document();
}

}  // namespace lmul_report
