// float -> format for all 2^32 floats against the reference (built with -DLMUL_EXHAUSTIVE=ON,
// CTest label "exhaustive"). Each test spreads its sweep over two std::threads and takes about
// 23 s of CPU time (Zen 4, -O3): the 18 tests about 7 CPU-minutes, some 3 minutes on 2 idle cores.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include "conversion_support.hpp"

namespace {

constexpr unsigned threads = 2;

template <class T>
void check_all_floats(const char* name, core_test::conversion_mode mode) {
  const auto start = std::chrono::steady_clock::now();
  const lmul_ref::sweep_result r = core_test::sweep_all_floats<T>(mode, threads);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%s: %llu floats in %.1f s\n", name, static_cast<unsigned long long>(r.checked),
              seconds);
  EXPECT_EQ(r.checked, std::uint64_t{1} << 32);
  EXPECT_EQ(r.mismatches, 0u) << name << ", first mismatches:\n" << r.first_mismatches;
}

using core_test::nearest;
using core_test::nearest_saturating;
using core_test::toward_zero;

TEST(AllFloats, E4m3fn) { check_all_floats<lmul::float8_e4m3fn>("e4m3fn", nearest); }
TEST(AllFloats, E4m3fnSaturating) {
  check_all_floats<lmul::float8_e4m3fn>("e4m3fn saturating", nearest_saturating);
}
TEST(AllFloats, E5m2) { check_all_floats<lmul::float8_e5m2>("e5m2", nearest); }
TEST(AllFloats, E5m2Saturating) {
  check_all_floats<lmul::float8_e5m2>("e5m2 saturating", nearest_saturating);
}
TEST(AllFloats, Bf16Layout) { check_all_floats<lmul::lmul<7, 8>>("lmul<7,8>", nearest); }
TEST(AllFloats, HalfLayout) { check_all_floats<lmul::lmul<10, 5>>("lmul<10,5>", nearest); }
TEST(AllFloats, HalfLayoutSaturating) {
  check_all_floats<lmul::lmul<10, 5>>("lmul<10,5> saturating", nearest_saturating);
}
TEST(AllFloats, Bf16LayoutSaturating) {
  check_all_floats<lmul::lmul<7, 8>>("lmul<7,8> saturating", nearest_saturating);
}
TEST(AllFloats, HalfLayoutTowardZero) {
  check_all_floats<lmul::lmul<10, 5>>("lmul<10,5> toward zero", toward_zero);
}
// The other 8-bit L-Mul formats (M + E = 7); the remaining 16-bit layouts are in the sampled sweep
// of conversion_test.cpp.
TEST(AllFloats, Lmul16) { check_all_floats<lmul::lmul<1, 6>>("lmul<1,6>", nearest); }
TEST(AllFloats, Lmul25) { check_all_floats<lmul::lmul<2, 5>>("lmul<2,5>", nearest); }
TEST(AllFloats, Lmul34) { check_all_floats<lmul::lmul<3, 4>>("lmul<3,4>", nearest); }
TEST(AllFloats, Lmul43) { check_all_floats<lmul::lmul<4, 3>>("lmul<4,3>", nearest); }
TEST(AllFloats, Lmul52) { check_all_floats<lmul::lmul<5, 2>>("lmul<5,2>", nearest); }
// OCP MX element formats: no inf/NaN (inf saturates, NaN gives +0); saturating mode is the same.
TEST(AllFloats, E2m3fn) { check_all_floats<lmul::float6_e2m3fn>("float6_e2m3fn", nearest); }
TEST(AllFloats, E3m2fn) { check_all_floats<lmul::float6_e3m2fn>("float6_e3m2fn", nearest); }
TEST(AllFloats, E2m1fn) { check_all_floats<lmul::float4_e2m1fn>("float4_e2m1fn", nearest); }
TEST(AllFloats, E4m3fnTowardZero) {
  check_all_floats<lmul::float8_e4m3fn>("e4m3fn toward zero", toward_zero);
}

}  // namespace
