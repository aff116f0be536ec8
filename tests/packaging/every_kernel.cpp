// Compiled (not run) by the packaging tests under other settings than the main build: -O0 debug
// builds and, where installed, clang++. Instantiates every kernel family for every kind of type,
// through the public API and through the explicit-arch templates (the code of lmul's compiled
// kernels) for the best arch of the flags.
#include <lmul/gemm/by_arch.hpp>
#include <lmul/kernels/by_arch.hpp>
#include <lmul/lmul.hpp>

#include <vector>

template <class T>
float use_kernels() {
  const std::vector<T> a(100, T(1.5f));
  std::vector<T> out(100);
  lmul::lmul_multiply(a, a, out);
  lmul::lmul_multiply_corrected(a, a, out);
  std::vector<float> c(100);
  lmul::lmul_gemm(10, 10, 10, a.data(), 10, a.data(), 10, c.data(), 10);
  lmul::lmul_gemm_arch<xsimd::default_arch>(10, 10, 10, a.data(), 10, a.data(), 10, c.data(), 10);
#if defined(__AVX512BW__)
  // AVX-512 BF16 GEMM (gemm/bf16_driver.hpp for 8-bit formats, the AVX-512 BW path otherwise).
  lmul::lmul_gemm_arch<lmul::kernels::avx512_vbmi>(10, 10, 10, a.data(), 10, a.data(), 10,
                                                   c.data(), 10);
  lmul::lmul_gemm_bt_arch<lmul::kernels::avx512_vbmi>(10, 10, 10, a.data(), 10, a.data(), 10,
                                                      c.data(), 10);
#endif
  using arch = lmul::kernels::default_arch;
  lmul::kernels::multiply<arch>(a.data(), a.data(), out.data(), a.size());
  return lmul::lmul_dot(a, a) + lmul::kernels::dot<arch>(a.data(), a.data(), a.size()) + c[0];
}

int main() {
  float sum = use_kernels<float>() + use_kernels<lmul::float8_e4m3fn>() +
              use_kernels<lmul::float8_e5m2>() + use_kernels<lmul::lmul<3, 4>>() +
              use_kernels<lmul::lmul<7, 8>>() + use_kernels<lmul::lmul<10, 5>>();
  const std::vector<lmul::float8_e4m3fn> b(100, lmul::float8_e4m3fn(2.0f));
  sum += lmul::lmul_dot_exact(b, b) + lmul::kernels::dot_exact(b.data(), b.data(), b.size()) +
         lmul::kernels::dot_exact<lmul::kernels::default_arch>(b.data(), b.data(), b.size());
  return sum > 0 ? 0 : 1;
}
