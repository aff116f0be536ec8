// lmul-attention: single-head attention with L-Mul matmuls against fp64, fp32 and exact fp8.
// Usage: lmul-attention [--quick] [--csv]   (the study itself: attention_study.hpp)
#include <cstring>
#include <iostream>

#include "attention_study.hpp"

int main(int argc, char** argv) {
  bool quick = false, csv = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) {
      quick = true;
    } else if (std::strcmp(argv[i], "--csv") == 0) {
      csv = true;
    } else {
      std::cerr << "usage: lmul-attention [--quick] [--csv]\n"
                   "  --quick  seq = 128 and one timing run (default: seq = 512, best of 3)\n"
                   "  --csv    CSV instead of the plain-text table\n";
      return 2;
    }
  }
  lmul_examples::print_attention_summary(std::cout, quick, csv);
  return 0;
}
