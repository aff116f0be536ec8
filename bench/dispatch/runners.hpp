// bench/dispatch/runners.hpp -- the operations measured, one set per compiled unit.
#pragma once

#include <cstddef>

#include <lmul/small_float.hpp>

namespace bench_dispatch {

using e4m3 = lmul::float8_e4m3fn;

/// One set of operations on e4m3fn, as a unit with some compile flags runs them.
struct runners {
  const char* name;
  float (*dot)(const e4m3* a, const e4m3* b, std::size_t n);
  void (*multiply)(const e4m3* a, const e4m3* b, e4m3* out, std::size_t n);
  void (*gemm)(std::size_t size, const e4m3* a, const e4m3* b, float* c);  // size^3, row-major
};

/// dispatched.cpp: the public API (lmul_dot, lmul_multiply, lmul_gemm) with runtime dispatch,
/// default flags.
runners dispatched_runners();
/// header_only_native.cpp: the same calls header-only in a -march=native unit.
runners header_only_native_runners();

}  // namespace bench_dispatch
