// ODR check driver (no lmul code here): prints the table the dispatched unit runs, the result hash
// of the header-only baseline unit and of the dispatched unit, and with --with-avx512 that of the
// header-only native AVX-512 unit too when the CPU can run it. run_odr_check.cmake compares them.
#include <cstdint>
#include <cstdio>
#include <cstring>

std::uint64_t baseline_results();
std::uint64_t dispatched_results();
std::uint64_t native_avx512_results();
const char* dispatched_arch();

int main(int argc, char** argv) {
  std::printf("selected %s\n", dispatched_arch());
  std::printf("baseline %016llx\n", static_cast<unsigned long long>(baseline_results()));
  std::printf("dispatched %016llx\n", static_cast<unsigned long long>(dispatched_results()));
  if (argc > 1 && std::strcmp(argv[1], "--with-avx512") == 0) {
    // The native AVX-512 unit's own flags: AVX-512 F/CD/DQ/BW/VL, VBMI, BF16, VNNI and BMI2 (plus the
    // build CPU's).
    const bool runs = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") &&
                      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw") &&
                      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vbmi") &&
                      __builtin_cpu_supports("avx512bf16") && __builtin_cpu_supports("avx512vnni") &&
                      __builtin_cpu_supports("bmi2");
    if (runs) {
      std::printf("native_avx512 %016llx\n", static_cast<unsigned long long>(native_avx512_results()));
    } else {
      std::printf("native_avx512 skipped: this CPU lacks AVX-512 VBMI/BF16\n");
    }
  }
  return 0;
}
