// main.cpp -- lmul-report: how precise is L-Mul against fp32 and fp8, and what would it save?
//
// Sections: 1 product error, 2 the paper's claims, 3 beyond the paper's offset,
// 4 dot products, 5 energy model, 6 the SVG picture, then (when the attention study of
// examples/attention is present) 7 an attention summary, then 8 OCP MX block scaling.
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>

#include "sections.hpp"

// Hook for the attention study (examples/attention/attention_study.hpp). CMake puts that folder
// on the include path when the header exists; without it the report simply has no section 7.
#if __has_include("attention_study.hpp")
#include "attention_study.hpp"
#define LMUL_REPORT_HAS_ATTENTION 1
#else
#define LMUL_REPORT_HAS_ATTENTION 0
#endif

// Where the picture goes without --svg: CMake sets the build tree (examples/report/accuracy.svg);
// a quick run has its own file so that it never replaces a full run's picture.
#ifndef LMUL_REPORT_DEFAULT_SVG
#define LMUL_REPORT_DEFAULT_SVG "accuracy.svg"
#endif
#ifndef LMUL_REPORT_DEFAULT_QUICK_SVG
#define LMUL_REPORT_DEFAULT_QUICK_SVG "accuracy-quick.svg"
#endif

namespace {

constexpr const char* usage =
    "usage: lmul-report [--quick] [--csv] [--svg PATH | --no-svg]\n"
    "  --quick     small samples (about 2% of the default), for CI; numbers are noisier\n"
    "  --csv       print the tables as CSV instead of aligned text\n"
    "  --svg PATH  write the accuracy picture to PATH (--svg docs/accuracy.svg refreshes the\n"
    "              committed one); default " LMUL_REPORT_DEFAULT_SVG "\n"
    "              or, with --quick, " LMUL_REPORT_DEFAULT_QUICK_SVG "\n"
    "  --no-svg    do not write the picture\n";

lmul_report::report_options parse(int argc, char** argv) {
  lmul_report::report_options options;
  bool svg_given = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--quick") {
      options.quick = true;
    } else if (arg == "--csv") {
      options.csv = true;
    } else if (arg == "--no-svg") {
      options.write_svg = false;
    } else if (arg == "--svg") {
      if (i + 1 >= argc) throw std::invalid_argument("--svg needs a path");
      options.svg_path = argv[++i];
      svg_given = true;
    } else if (arg == "--help" || arg == "-h") {
      std::cout << usage;
      std::exit(0);
    } else {
      throw std::invalid_argument("unknown argument '" + arg + "'");
    }
  }
  if (!svg_given) {
    options.svg_path = options.quick ? LMUL_REPORT_DEFAULT_QUICK_SVG : LMUL_REPORT_DEFAULT_SVG;
  }
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  lmul_report::report_options options;
  try {
    options = parse(argc, argv);
  } catch (const std::invalid_argument& error) {
    std::cerr << "lmul-report: " << error.what() << "\n" << usage;
    return 2;
  }
  // Open the picture's file first: a bad path should fail now, not after the whole report.
  std::ofstream svg_file;
  if (options.write_svg) {
    svg_file.open(options.svg_path);
    if (!svg_file) {
      std::cerr << "lmul-report: cannot write " << options.svg_path << "\n";
      return 1;
    }
  }
  std::ostream& out = std::cout;
  out << "lmul accuracy and energy report" << (options.quick ? " (--quick: small samples)" : "")
      << "\nL-Mul: Luo & Sun, arXiv 2410.00907. Numeric contract: docs/spec.md. Seed "
      << options.seed << " (fixed: every run prints the same numbers).\n";

  const lmul_report::product_study products = lmul_report::run_product_study(options);
  lmul_report::print_product_section(out, products, options.csv);
  lmul_report::print_claims_section(out, products, options.csv);
  const lmul_report::offset_study offsets = lmul_report::run_offset_study(options);
  lmul_report::print_offset_section(out, offsets, options.csv);
  lmul_report::print_dot_section(out, options);
  lmul_report::print_energy_section(out, options.csv);

  out << "\n== 6. Picture ==\n";
  if (options.write_svg) {
    svg_file << lmul_report::accuracy_svg(products, offsets);
    svg_file.close();
    if (!svg_file) {
      std::cerr << "lmul-report: cannot write " << options.svg_path << "\n";
      return 1;
    }
    out << "Wrote " << options.svg_path
        << " (mean relative error vs mantissa bits, distribution (a)).\n";
  } else {
    out << "Not written (--no-svg).\n";
  }

#if LMUL_REPORT_HAS_ATTENTION
  out << "\n== 7. Attention ==\n";
  lmul_examples::print_attention_summary(out, options.quick, options.csv);
#endif
  lmul_report::print_mx_section(out, options);
  return 0;
}
