// Runtime dispatch, compiled with the default flags (no -m option) and LMUL_RUNTIME_DISPATCH=1
// (CMakeLists.txt): the public API runs lmul's compiled kernels for the best instruction set of
// the CPU, through the library's table.
#include <span>

#include <lmul/gemm.hpp>
#include <lmul/kernels.hpp>

#include "runners.hpp"

namespace bench_dispatch {

runners dispatched_runners() {
  return {
      "dispatched",
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
