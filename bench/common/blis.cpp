// BLIS wrappers for the benchmarks (see blis.hpp). Kept in their own file: blis.h and OpenBLAS's
// cblas.h declare overlapping names.
#include <blis.h>

#include <string>

#include "blis.hpp"

namespace lmul_bench {

namespace {
void init_blis_single_thread() {
  static const bool done = [] {
    bli_thread_set_num_threads(1);
    return true;
  }();
  (void)done;
}
}  // namespace

std::string blis_note() {
  init_blis_single_thread();
  return std::string("BLIS ") + bli_info_get_version_str() + ", kernels " +
         bli_arch_string(bli_arch_query_id());
}

float blis_sdot(int n, const float* x, const float* y) {
  init_blis_single_thread();
  float rho = 0.0f;
  bli_sdotv(BLIS_NO_CONJUGATE, BLIS_NO_CONJUGATE, n, const_cast<float*>(x), 1,
            const_cast<float*>(y), 1, &rho);
  return rho;
}

void blis_sgemm(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c,
                int ldc) {
  init_blis_single_thread();
  float one = 1.0f, zero = 0.0f;
  bli_sgemm(BLIS_NO_TRANSPOSE, BLIS_NO_TRANSPOSE, m, n, k, &one, const_cast<float*>(a), lda, 1,
            const_cast<float*>(b), ldb, 1, &zero, c, ldc, 1);
}

}  // namespace lmul_bench
