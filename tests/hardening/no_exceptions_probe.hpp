// The probes of no_exceptions_probe.cpp (a unit compiled with -fno-exceptions).
#pragma once

namespace no_exceptions_probe {
void multiply_with_different_lengths();  // lmul_multiply on spans of lengths 4, 5 and 4
void gemm_with_small_ldc();              // lmul_gemm with ldc < n
void mx_gemm_with_wrapping_ldc();        // lmul_mx_gemm, m = 2, ldc = 2^62 - 1 (C's row 1 wraps)
void install_handler_that_exits();       // handler prints, checks the output, exits with code 3
void install_handler_that_returns();     // handler prints and returns; SIGABRT exits with code 4
}  // namespace no_exceptions_probe
