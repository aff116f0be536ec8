// Compiled with -march=native: the kernels instantiated in this unit for the best instruction set
// the flags allow, as a -march=native build of the header kernels runs them (the reference speed).
// Only called on the build machine, which has that instruction set.
#include <lmul/gemm/by_arch.hpp>
#include <lmul/kernels/by_arch.hpp>

#include <type_traits>

#include "runners.hpp"

namespace bench_dispatch {

runners native_flags_runners() {
  using arch = lmul::kernels::default_arch;
  // The GEMM's best arch: kernels::avx512_vbmi (the bf16 kernel for 8-bit formats) where the flags
  // allow it, as the library's own AVX-512 VBMI unit runs it; otherwise xsimd's best.
  using gemm_arch = std::conditional_t<std::is_same_v<arch, lmul::kernels::avx512_vbmi>, arch,
                                       xsimd::default_arch>;
  return {"native_flags",
          [](const e4m3* a, const e4m3* b, std::size_t n) {
            return lmul::kernels::dot<arch>(a, b, n);
          },
          [](const e4m3* a, const e4m3* b, e4m3* out, std::size_t n) {
            lmul::kernels::multiply<arch>(a, b, out, n);
          },
          [](std::size_t s, const e4m3* a, const e4m3* b, float* c) {
            lmul::lmul_gemm_arch<gemm_arch>(s, s, s, a, s, b, s, c, s);
          }};
}

}  // namespace bench_dispatch
