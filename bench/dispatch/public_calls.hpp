// bench/dispatch/public_calls.hpp -- the measured calls, written once and compiled into each unit
// that includes this (dispatched.cpp, header_only_native.cpp) with that unit's mode and flags. The
// anonymous namespace gives each unit its own copy: the linker must not merge the two.
#pragma once

#include <span>

#include <lmul/gemm.hpp>
#include <lmul/kernels.hpp>

#include "runners.hpp"

namespace bench_dispatch {
namespace {

runners public_calls(const char* name) {
  return {
      name,
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

}  // namespace
}  // namespace bench_dispatch
