// Header-only, compiled with -march=native (CMakeLists.txt): the same public API calls with the
// kernels instantiated in this unit for the best instruction set the flags allow (static
// dispatch), nothing linked. Only called on the build machine, which has that instruction set.
#include <span>

#include <lmul/gemm.hpp>
#include <lmul/kernels.hpp>

#include "runners.hpp"

namespace bench_dispatch {

runners header_only_native_runners() {
  return {
      "header_only_native",
      [](const e4m3* a, const e4m3* b, std::size_t n) {
        return lmul::lmul_dot(std::span<const e4m3>(a, n), std::span<const e4m3>(b, n));
      },
      [](const e4m3* a, const e4m3* b, e4m3* out, std::size_t n) {
        lmul::lmul_multiply(std::span<const e4m3>(a, n), std::span<const e4m3>(b, n),
                            std::span<e4m3>(out, n));
      },
      [](std::size_t s, const e4m3* a, const e4m3* b, float* c) {
        lmul::lmul_gemm(s, s, s, a, s, b, s, c, s);
      }};
}

}  // namespace bench_dispatch
