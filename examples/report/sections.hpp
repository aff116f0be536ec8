// sections.hpp -- the report's sections; main.cpp runs them in order.
#pragma once

#include <ostream>
#include <string>

#include "offset_study.hpp"
#include "product_study.hpp"
#include "report_options.hpp"

namespace lmul_report {

/// 2. The paper's two precision claims, from section 1's measurements.
void print_claims_section(std::ostream& out, const product_study& study, bool csv);
/// 4. Dot-product error.
void print_dot_section(std::ostream& out, const report_options& options);
/// 5. Energy model (every figure a model estimate).
void print_energy_section(std::ostream& out, bool csv);
/// 8. OCP MX block scaling: dots on the three distributions and the attention case.
void print_mx_section(std::ostream& out, const report_options& options);
/// 6. The SVG picture of sections 1 and 3; returns the SVG document.
std::string accuracy_svg(const product_study& products, const offset_study& offsets);

}  // namespace lmul_report
