// lmul_svg_check FILE: exit 0 if FILE is well-formed XML whose root element is <svg>.
#include <fstream>
#include <iostream>
#include <sstream>

#include "xml_wellformed.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: lmul_svg_check FILE\n";
    return 2;
  }
  std::ifstream file(argv[1], std::ios::binary);
  if (!file) {
    std::cerr << "lmul_svg_check: cannot read " << argv[1] << "\n";
    return 1;
  }
  std::ostringstream contents;
  contents << file.rdbuf();
  const std::string text = contents.str();
  lmul_test::xml_checker checker(text);
  if (const auto error = checker.error()) {
    std::cerr << argv[1] << ": not well-formed XML: " << *error << "\n";
    return 1;
  }
  if (checker.root() != "svg") {
    std::cerr << argv[1] << ": root element is <" << checker.root() << ">, not <svg>\n";
    return 1;
  }
  std::cout << argv[1] << ": well-formed SVG (" << text.size() << " bytes)\n";
  return 0;
}
