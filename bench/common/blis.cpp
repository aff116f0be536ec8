// BLIS wrappers for the benchmarks (see blis.hpp). Kept in their own file: blis.h and OpenBLAS's
// cblas.h declare overlapping names.
//
// BLIS 0.9 reads BLIS_ARCH_TYPE once, at bli_init(), as the NUMBER of a configuration (arch_t; names
// are accepted only from BLIS 1.0): it must be called before bli_arch_query_id(), which otherwise
// aborts ("Accessed uninitialized context in gks") whenever BLIS_ARCH_TYPE is set.
#include <blis.h>

#include <string>

#include "blis.hpp"

namespace lmul_bench {

namespace {
void init_blis_single_thread() {
  static const bool done = [] {
    bli_init();
    bli_thread_set_num_threads(1);
    return true;
  }();
  (void)done;
}
}  // namespace

std::string blis_config_name() {
  init_blis_single_thread();
  return bli_arch_string(bli_arch_query_id());
}

int blis_config_id(const std::string& name) {
  for (int id = 0; id < int(BLIS_NUM_ARCHS); ++id)
    if (name == bli_arch_string(arch_t(id))) return id;
  return -1;
}

std::string blis_config_name_of(long id) {
  return id >= 0 && id < long(BLIS_NUM_ARCHS) ? bli_arch_string(arch_t(id)) : "";
}

std::string blis_note() {
  init_blis_single_thread();
  return std::string("BLIS ") + bli_info_get_version_str() + ", kernels " + blis_config_name();
}

float blis_sdot(int n, const float* x, const float* y) {
  init_blis_single_thread();
  float rho = 0.0f;
  bli_sdotv(BLIS_NO_CONJUGATE, BLIS_NO_CONJUGATE, n, const_cast<float*>(x), 1,
            const_cast<float*>(y), 1, &rho);
  return rho;
}

void blis_sgemm_any(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c, int ldc,
                    bool b_transposed) {
  init_blis_single_thread();
  float one = 1.0f, zero = 0.0f;
  bli_sgemm(BLIS_NO_TRANSPOSE, b_transposed ? BLIS_TRANSPOSE : BLIS_NO_TRANSPOSE, m, n, k, &one,
            const_cast<float*>(a), lda, 1, const_cast<float*>(b), ldb, 1, &zero, c, ldc, 1);
}

void blis_sgemm(int m, int n, int k, const float* a, int lda, const float* b, int ldb, float* c,
                int ldc) {
  blis_sgemm_any(m, n, k, a, lda, b, ldb, c, ldc, false);
}

}  // namespace lmul_bench
