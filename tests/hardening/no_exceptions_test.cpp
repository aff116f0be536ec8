// lmul without exceptions: bad input calls the error handler (by default: print the message to
// stderr, std::abort), and the output is never written. Each case runs in a child process.
#include <gtest/gtest.h>

#include "no_exceptions_probe.hpp"

namespace {

using namespace no_exceptions_probe;

TEST(NoExceptionsDeathTest, DefaultHandlerPrintsTheMessageAndAborts) {
  EXPECT_DEATH(multiply_with_different_lengths(),
               "lmul_multiply: spans have different lengths \\(4 and 5\\)");
  EXPECT_DEATH(gemm_with_small_ldc(), "lmul_gemm: ldc \\(1\\) < n \\(2\\)");
  EXPECT_EXIT(multiply_with_different_lengths(), testing::KilledBySignal(SIGABRT), "");
}

TEST(NoExceptionsDeathTest, HandlerRunsBeforeAnythingIsWritten) {
  EXPECT_EXIT((install_handler_that_exits(), multiply_with_different_lengths()),
              testing::ExitedWithCode(3),
              "handler got \"lmul_multiply: spans have different lengths \\(4 and 5\\)\"\n"
              "in the handler: output untouched");
  EXPECT_EXIT((install_handler_that_exits(), gemm_with_small_ldc()), testing::ExitedWithCode(3),
              "handler got \"lmul_gemm: ldc \\(1\\) < n \\(2\\)\"\nin the handler: output untouched");
  // Issue 17: lmul_mx_gemm's sizes are checked as lmul_gemm's, before C is zero-filled.
  EXPECT_EXIT((install_handler_that_exits(), mx_gemm_with_wrapping_ldc()),
              testing::ExitedWithCode(3),
              "handler got \"lmul_mx_gemm: c \\(2 x 1, leading dimension 4611686018427387903\\) "
              "spans more than PTRDIFF_MAX bytes\"\nin the handler: output untouched");
}

TEST(NoExceptionsDeathTest, HandlerThatReturnsStillAborts) {
  EXPECT_EXIT((install_handler_that_returns(), multiply_with_different_lengths()),
              testing::ExitedWithCode(4), "and returns\nat abort: output untouched");
  EXPECT_EXIT((install_handler_that_returns(), gemm_with_small_ldc()), testing::ExitedWithCode(4),
              "and returns\nat abort: output untouched");
}

}  // namespace
