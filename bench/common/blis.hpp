// BLIS as a second fp32 BLAS (compiled in blis.cpp so that blis.h and OpenBLAS's cblas.h, which
// declare overlapping names, never meet in one file). Without LMUL_BENCH_HAVE_BLIS the calls are
// absent and have_blis is false. Which BLIS configuration runs is chosen in blas.hpp.
#pragma once

#include <string>

namespace lmul_bench {

#if defined(LMUL_BENCH_HAVE_BLIS)
inline constexpr bool have_blis = true;
std::string blis_note();                                      // e.g. "BLIS 0.9.0, kernels zen3"
std::string blis_config_name();                               // the configuration in use, e.g. "zen3"
int blis_config_id(const std::string& name);                  // its BLIS_ARCH_TYPE number, -1 if unknown
std::string blis_config_name_of(long id);                     // "" when id is not a configuration number
float blis_sdot(int n, const float* x, const float* y);       // one thread
void blis_sgemm(int m, int n, int k, const float* a, int lda,  // row-major C = A B, one thread
                const float* b, int ldb, float* c, int ldc);
void blis_sgemm_any(int m, int n, int k, const float* a, int lda,  // C = A B or A B^T (B n x k)
                    const float* b, int ldb, float* c, int ldc, bool b_transposed);
#else
inline constexpr bool have_blis = false;
inline std::string blis_note() { return "BLIS not built in"; }
inline std::string blis_config_name() { return ""; }
inline int blis_config_id(const std::string&) { return -1; }
inline std::string blis_config_name_of(long) { return ""; }
#endif

}  // namespace lmul_bench
