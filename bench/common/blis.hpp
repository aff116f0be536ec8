// BLIS as a second fp32 BLAS (compiled in blis.cpp so that blis.h and OpenBLAS's cblas.h, which
// declare overlapping names, never meet in one file). Without LMUL_BENCH_HAVE_BLIS the calls are
// absent and have_blis is false.
#pragma once

#include <string>

namespace lmul_bench {

#if defined(LMUL_BENCH_HAVE_BLIS)
inline constexpr bool have_blis = true;
std::string blis_note();                                      // e.g. "BLIS 0.9.0, kernels zen3"
float blis_sdot(int n, const float* x, const float* y);       // one thread
void blis_sgemm(int m, int n, int k, const float* a, int lda,  // row-major C = A B, one thread
                const float* b, int ldb, float* c, int ldc);
#else
inline constexpr bool have_blis = false;
inline std::string blis_note() { return "BLIS not built in"; }
#endif

}  // namespace lmul_bench
