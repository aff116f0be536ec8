// section_claims.cpp -- section 2: the paper's two precision claims, with both numbers.
#include "sections.hpp"
#include "text_table.hpp"

namespace lmul_report {
namespace {

struct claim {
  const char* text;
  int lmul_bits;
  const char* fp8_key;
  const char* fp8_label;
  bool strict;  ///< "more precise than" (strict) or "as precise as" (not worse)
};

constexpr claim paper_claims[] = {
    {"L-Mul with a 4-bit mantissa is as precise as e4m3", 4, "e4m3fn", "float8_e4m3fn", false},
    {"L-Mul with a 3-bit mantissa is more precise than e5m2", 3, "e5m2", "float8_e5m2", true},
};

bool holds(const claim& c, double lmul_error, double fp8_error) {
  return c.strict ? lmul_error < fp8_error : lmul_error <= fp8_error;
}

std::string lmul_key(const claim& c, lmul::rounding_mode rounding) {
  return "lmul" + std::to_string(c.lmul_bits) +
         (rounding == lmul::rounding_mode::toward_zero ? "_trunc" : "");
}

}  // namespace

void print_claims_section(std::ostream& out, const product_study& study, bool csv) {
  out << "\n== 2. The paper's claims (mean relative error; fp8 = the OCP format with its own\n"
         "      round-to-nearest-even conversion and exactly rounded product) ==\n"
         "\"as precise as\" = L-Mul mean error <= fp8 mean error; \"more precise than\" = strictly <.\n"
         "L-Mul operands reach M bits by rounding to nearest even (this library's conversion) or by\n"
         "truncation (what the paper's offset table l(M) is tuned for, spec section 6): both shown.\n\n";
  const distribution headline = distribution::normal;
  for (const claim& c : paper_claims) {
    for (lmul::rounding_mode rounding :
         {lmul::rounding_mode::nearest_even, lmul::rounding_mode::toward_zero}) {
      const double lmul_error = study.at(headline, lmul_key(c, rounding)).mean();
      const double fp8_error = study.at(headline, c.fp8_key).mean();
      out << "Claim \"" << c.text << "\" on " << distribution_name(headline) << ", operands "
          << rounding_tag(rounding) << ": " << (holds(c, lmul_error, fp8_error) ? "HOLDS" : "FAILS")
          << " (L-Mul M=" << c.lmul_bits << " " << format("%.4f%%", 100 * lmul_error) << " vs "
          << c.fp8_label << " " << format("%.4f%%", 100 * fp8_error) << ")\n";
    }
  }
  out << "\nAll distributions:\n";
  text_table table({"claim", "distribution", "operands", "L-Mul mean", "fp8 mean", "verdict"});
  for (const claim& c : paper_claims) {
    for (distribution d : all_distributions) {
      for (lmul::rounding_mode rounding :
           {lmul::rounding_mode::nearest_even, lmul::rounding_mode::toward_zero}) {
        const double lmul_error = study.at(d, lmul_key(c, rounding)).mean();
        const double fp8_error = study.at(d, c.fp8_key).mean();
        table.add_row({std::string("M=") + std::to_string(c.lmul_bits) + " vs " + c.fp8_label,
                       distribution_tag(d), rounding_tag(rounding), format_error(lmul_error, csv),
                       format_error(fp8_error, csv),
                       holds(c, lmul_error, fp8_error) ? "holds" : "fails"});
      }
    }
  }
  table.print(out, csv);
}

}  // namespace lmul_report
