// src/dispatch.cpp -- picks the kernel table of the running CPU, once per process.
//
// This unit is compiled with the target's baseline flags (no -m options), so it runs on every CPU
// of the target. It also holds the baseline table: the scalar kernels, with xsimd's baseline arch
// for the GEMM (SSE2 on x86-64, NEON on aarch64). Being the unit the caller's code links first, its
// copies of the standard library's inline functions are the ones the linker keeps.
#if defined(__x86_64__) || defined(__i386__)
#define LMUL_UNIT_GEMM_ARCH xsimd::sse2
#elif defined(__aarch64__)
#define LMUL_UNIT_GEMM_ARCH xsimd::neon64
#else
#error "lmul_kernels: no baseline SIMD arch for this target (x86-64 and aarch64 are supported)"
#endif
#define LMUL_UNIT_NAMESPACE lmul_baseline
#define LMUL_UNIT_KERNEL_ARCH kernels::scalar  // this unit's lmul namespace
#define LMUL_UNIT_TABLE table_baseline
#define LMUL_UNIT_ARCH_NAME "baseline"
#include "arch_unit.hpp"

#include <cstdlib>
#include <cstring>

namespace lmul::runtime {
namespace {

/// One compiled instruction set: its table and whether the running CPU can execute it.
struct compiled_arch {
  const char* name;
  const kernel_table& (*table)();
  bool (*available)();
};

bool always() { return true; }

/// Best first (the registry's order, cmake/lmulArchs.cmake); the baseline last. The CPU tests are
/// the library's one CPU test (kernels/cpu_features.hpp), as this unit compiled it.
constexpr compiled_arch compiled_archs[] = {
#define LMUL_ARCH_ENTRY(name, cpu_test) {#name, &table_##name, &LMUL_UNIT_NAMESPACE::detail::cpu_test},
    LMUL_COMPILED_ARCHS(LMUL_ARCH_ENTRY)
#undef LMUL_ARCH_ENTRY
    {"baseline", &table_baseline, &always},
};

constexpr auto make_names() {
  std::array<const char*, std::size(compiled_archs) + 1> names{};
  for (std::size_t i = 0; i < std::size(compiled_archs); ++i) names[i] = compiled_archs[i].name;
  return names;  // ends with nullptr
}
constexpr auto names = make_names();

const kernel_table& choose() {
  if (const char* requested = std::getenv("LMUL_ARCH")) {
    if (const kernel_table* table = kernels_for(requested)) return *table;
  }
  for (const compiled_arch& arch : compiled_archs) {
    if (arch.available()) return arch.table();
  }
  return table_baseline();
}

}  // namespace

const kernel_table* kernels_for(const char* arch_name) {
  for (const compiled_arch& arch : compiled_archs) {
    if (std::strcmp(arch.name, arch_name) == 0) return arch.available() ? &arch.table() : nullptr;
  }
  return nullptr;
}

const kernel_table& selected_kernels() {
  static const kernel_table& table = choose();  // thread-safe, once per process
  return table;
}

const char* const* arch_names() { return names.data(); }

}  // namespace lmul::runtime
