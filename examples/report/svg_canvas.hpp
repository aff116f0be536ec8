// svg_canvas.hpp -- just enough SVG for one line chart: no plotting dependency.
#pragma once

#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

namespace lmul_report {

/// Text with &, <, >, " escaped for XML.
inline std::string xml_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

/// Appends SVG elements; document() wraps them in the <svg> root.
class svg_canvas {
 public:
  svg_canvas(int width, int height) : width_(width), height_(height) {}

  void line(double x1, double y1, double x2, double y2, const std::string& style) {
    body_ << "<line x1=\"" << num(x1) << "\" y1=\"" << num(y1) << "\" x2=\"" << num(x2)
          << "\" y2=\"" << num(y2) << "\" style=\"" << style << "\"/>\n";
  }
  void polyline(const std::vector<std::pair<double, double>>& points, const std::string& style) {
    body_ << "<polyline fill=\"none\" style=\"" << style << "\" points=\"";
    for (const auto& [x, y] : points) body_ << num(x) << ',' << num(y) << ' ';
    body_ << "\"/>\n";
  }
  void circle(double x, double y, double r, const std::string& style) {
    body_ << "<circle cx=\"" << num(x) << "\" cy=\"" << num(y) << "\" r=\"" << num(r)
          << "\" style=\"" << style << "\"/>\n";
  }
  void rect(double x, double y, double w, double h, const std::string& style) {
    body_ << "<rect x=\"" << num(x) << "\" y=\"" << num(y) << "\" width=\"" << num(w)
          << "\" height=\"" << num(h) << "\" style=\"" << style << "\"/>\n";
  }
  /// anchor: start, middle or end.
  void text(double x, double y, const std::string& content, const std::string& anchor = "start",
            int size = 12, const std::string& extra = "") {
    body_ << "<text x=\"" << num(x) << "\" y=\"" << num(y) << "\" font-size=\"" << size
          << "\" text-anchor=\"" << anchor << "\" font-family=\"sans-serif\"" << extra << ">"
          << xml_escape(content) << "</text>\n";
  }

  std::string document() const {
    std::ostringstream out;
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width_ << "\" height=\""
        << height_ << "\" viewBox=\"0 0 " << width_ << ' ' << height_ << "\">\n"
        << "<rect x=\"0\" y=\"0\" width=\"" << width_ << "\" height=\"" << height_
        << "\" style=\"fill:white\"/>\n"
        << body_.str() << "</svg>\n";
    return out.str();
  }

 private:
  static std::string num(double v) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f", v);
    return buffer;
  }
  int width_, height_;
  std::ostringstream body_;
};

}  // namespace lmul_report
