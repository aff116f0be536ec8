// The machine a benchmark runs on, in words: CPU model and the instruction sets that matter here.
#pragma once

#include <cstring>
#include <string>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace lmul_bench {

/// The CPU's brand string (cpuid leaves 0x80000002..4), or "unknown CPU".
inline std::string cpu_model() {
#if defined(__x86_64__) || defined(__i386__)
  unsigned regs[12] = {};
  for (unsigned leaf = 0; leaf < 3; ++leaf) {
    if (!__get_cpuid(0x80000002u + leaf, &regs[4 * leaf], &regs[4 * leaf + 1], &regs[4 * leaf + 2],
                     &regs[4 * leaf + 3]))
      return "unknown CPU";
  }
  char text[49] = {};
  std::memcpy(text, regs, 48);
  std::string s(text);
  const auto first = s.find_first_not_of(' ');
  const auto last = s.find_last_not_of(' ');
  return first == std::string::npos ? "unknown CPU" : s.substr(first, last - first + 1);
#else
  return "unknown CPU";
#endif
}

/// CPUID leaf 7 EDX bit 23 (clang 14's __builtin_cpu_supports does not know "avx512fp16"). The OS
/// must also save the AVX-512 state, which AVX512F in __builtin_cpu_supports already implies.
inline bool cpu_has_avx512fp16() {
#if defined(__x86_64__) || defined(__i386__)
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return false;
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && (edx >> 23 & 1u);
#else
  return false;
#endif
}

/// The vector instruction sets this CPU has, among those that decide the kernels and baselines.
inline std::string cpu_isa() {
  std::string out;
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  const auto add = [&](bool has, const char* name) {
    if (!has) return;
    if (!out.empty()) out += ' ';
    out += name;
  };
  add(__builtin_cpu_supports("sse4.2"), "SSE4.2");
  add(__builtin_cpu_supports("avx2"), "AVX2");
  add(__builtin_cpu_supports("fma"), "FMA");
  add(__builtin_cpu_supports("avx512f"), "AVX512F");
  add(__builtin_cpu_supports("avx512bw"), "AVX512BW");
  add(__builtin_cpu_supports("avx512vl"), "AVX512VL");
  add(__builtin_cpu_supports("avx512vbmi"), "AVX512VBMI");
  add(__builtin_cpu_supports("avx512vnni"), "AVX512VNNI");
  add(__builtin_cpu_supports("avx512bf16"), "AVX512BF16");
  add(cpu_has_avx512fp16(), "AVX512FP16");
#endif
  return out.empty() ? "none known" : out;
}

/// Whether the CPU runs `vdpbf16ps` (AVX-512 BF16 with BW for the byte tables and VBMI for
/// 128-entry byte lookups): the fastest exact fp8 dot baseline needs all three.
inline bool cpu_has_vbmi_bf16() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vbmi") &&
         __builtin_cpu_supports("avx512bf16");
#else
  return false;
#endif
}

}  // namespace lmul_bench
