// text_table.hpp -- plain-text tables with aligned columns, or CSV (--csv).
#pragma once

#include <algorithm>
#include <cstdio>
#include <ostream>
#include <string>
#include <vector>

namespace lmul_report {

class text_table {
 public:
  explicit text_table(std::vector<std::string> header) : header_(std::move(header)) {}
  void add_row(std::vector<std::string> row) { rows_.push_back(std::move(row)); }

  /// Aligned columns (first column left, the others right), or CSV when `csv` is set.
  void print(std::ostream& out, bool csv) const {
    if (csv) {
      print_csv_row(out, header_);
      for (const auto& row : rows_) print_csv_row(out, row);
      return;
    }
    std::vector<std::size_t> width(header_.size(), 0);
    auto measure = [&](const std::vector<std::string>& row) {
      for (std::size_t c = 0; c < row.size() && c < width.size(); ++c) {
        width[c] = std::max(width[c], row[c].size());
      }
    };
    measure(header_);
    for (const auto& row : rows_) measure(row);
    auto print_row = [&](const std::vector<std::string>& row) {
      for (std::size_t c = 0; c < row.size() && c < width.size(); ++c) {
        const std::string pad(width[c] - row[c].size(), ' ');
        out << (c ? "  " : "") << (c ? pad + row[c] : row[c] + pad);
      }
      out << '\n';
    };
    print_row(header_);
    std::size_t total = 0;
    for (std::size_t w : width) total += w + 2;
    out << std::string(total - 2, '-') << '\n';
    for (const auto& row : rows_) print_row(row);
  }

 private:
  static void print_csv_row(std::ostream& out, const std::vector<std::string>& row) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      const bool quote = row[c].find_first_of(",\"") != std::string::npos;
      std::string cell = row[c];
      if (quote) {
        std::string escaped;
        for (char ch : cell) escaped += (ch == '"') ? std::string("\"\"") : std::string(1, ch);
        cell = '"' + escaped + '"';
      }
      out << (c ? "," : "") << cell;
    }
    out << '\n';
  }
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

/// printf-style formatting into a std::string (for table cells).
template <class... Args>
std::string format(const char* pattern, Args... args) {
  const int length = std::snprintf(nullptr, 0, pattern, args...);
  std::string text(std::size_t(length > 0 ? length : 0), '\0');
  std::snprintf(text.data(), text.size() + 1, pattern, args...);
  return text;
}

/// A relative error in the tables: scientific, 3 significant digits (full precision in CSV).
inline std::string format_error(double value, bool csv) {
  return csv ? format("%.6e", value) : format("%.3e", value);
}

}  // namespace lmul_report
