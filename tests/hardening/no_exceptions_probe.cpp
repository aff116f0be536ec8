// Compiled with -fno-exceptions: includes all of lmul and makes bad calls. The death tests in
// no_exceptions_test.cpp run each probe in a child process (that unit does not include lmul, so
// this unit's build of the library is the only one in the program).
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>
#include <vector>

#include <lmul/lmul.hpp>

#include "no_exceptions_probe.hpp"

namespace no_exceptions_probe {
namespace {

constexpr float sentinel = -7.0f;
// The outputs of the bad calls: every entry must still be the sentinel after the error.
std::vector<float> output(64, sentinel);

bool output_untouched() {
  for (float x : output) {
    if (x != sentinel) return false;
  }
  return true;
}

void report_output(const char* when) {
  std::fprintf(stderr, "%s: output %s\n", when, output_untouched() ? "untouched" : "WRITTEN");
}

}  // namespace

void multiply_with_different_lengths() {
  const std::vector<float> a(4, 1.0f), b(5, 1.0f);
  lmul::lmul_multiply(std::span<const float>(a), std::span<const float>(b),
                      std::span<float>(output.data(), 4));
  report_output("returned from lmul_multiply");
}

void gemm_with_small_ldc() {
  const std::vector<lmul::float8_e4m3fn> a(6, lmul::float8_e4m3fn(1.0f));
  // 2 x 3 times 3 x 2 with ldc = 1 < n = 2.
  lmul::lmul_gemm(2, 2, 3, a.data(), 3, a.data(), 2, output.data(), 1);
  report_output("returned from lmul_gemm");
}

void mx_gemm_with_wrapping_ldc() {
  const std::vector<lmul::float8_e4m3fn> a(2, lmul::float8_e4m3fn(1.0f));
  const std::vector<lmul::float8_e8m0fnu> scales(2);
  // 2 x 1 times 1 x 1 with ldc = 2^62 - 1: C's second row would be 4 bytes before C, which lies in
  // the middle of `output`, so such a write would show.
  lmul::lmul_mx_gemm(2, 1, 1, scales.data(), a.data(), 1, scales.data(), a.data(), 1,
                     output.data() + 16, (std::size_t{1} << 62) - 1);
  report_output("returned from lmul_mx_gemm");
}

void install_handler_that_exits() {
  lmul::set_error_handler([](const char* message) {
    std::fprintf(stderr, "handler got \"%s\"\n", message);
    report_output("in the handler");
    std::_Exit(3);
  });
}

void install_handler_that_returns() {
  // The library must abort when the handler returns: check the output once SIGABRT arrives.
  std::signal(SIGABRT, [](int) {
    report_output("at abort");
    _exit(4);
  });
  lmul::set_error_handler([](const char* message) {
    std::fprintf(stderr, "handler got \"%s\" and returns\n", message);
  });
}

}  // namespace no_exceptions_probe
