// Configure-time probe (tests/kernels/CMakeLists.txt): exits 0 if the build machine's CPU runs the
// instruction set named by argv[1] (lmul's own CPU test, kernels/cpu_features.hpp), else 1. With
// --table it asks for the runtime table of that name instead (the dispatcher's own test). Compiled with the default flags, so it runs anywhere. A per-arch test executable built for an
// instruction set this CPU lacks cannot even list its tests (SIGILL at start-up).
#include <cstring>

#include <lmul/kernels/cpu_features.hpp>

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  const char* arch = argv[1];
  const bool table = argc > 2 && std::strcmp(argv[2], "--table") == 0;
#if defined(__x86_64__) || defined(__i386__)
  if (std::strcmp(arch, "sse4_2") == 0) return lmul::detail::cpu_has_sse4_2() ? 0 : 1;
  if (std::strcmp(arch, "avx2") == 0) return lmul::detail::cpu_has_avx2() ? 0 : 1;
  if (std::strcmp(arch, "avx512bw") == 0) return lmul::detail::cpu_has_avx512bw() ? 0 : 1;
  if (std::strcmp(arch, "avx512_vbmi") == 0) {
    if (table) return lmul::detail::cpu_has_avx512_vbmi() ? 0 : 1;
    // The VBMI test executable is built with the AVX-512 BW flags; its VBMI kernels skip
    // themselves where the CPU lacks VBMI/BF16 (arch_available), so BW is what it needs to start.
    return lmul::detail::cpu_has_avx512bw() ? 0 : 1;
  }
#else
  (void)table;
#endif
  return 0;  // scalar, baseline, neon64: the target's baseline
}
