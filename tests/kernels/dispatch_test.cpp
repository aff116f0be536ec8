// Runtime dispatch: this file is compiled for the x86-64 baseline; the kernels of the wider
// instruction sets come from dispatch_<arch>.cpp, compiled with their own flags.
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include <lmul/kernels/dispatch.hpp>

LMUL_KERNELS_DECLARE(xsimd::sse4_2)
LMUL_KERNELS_DECLARE(xsimd::avx2)
LMUL_KERNELS_DECLARE(xsimd::avx512bw)
LMUL_KERNELS_DECLARE(lmul::kernels::avx512_vbmi)

namespace {

using kernels = lmul::kernels::dispatch<lmul::kernels::avx512_vbmi, xsimd::avx512bw, xsimd::avx2,
                                        xsimd::sse4_2, lmul::kernels::scalar>;

TEST(KernelDispatch, PicksAnAvailableArchAndMatchesScalar) {
  std::printf("dispatch selected: %s\n", kernels::selected_name());
  std::mt19937 rng(3);
  std::vector<lmul::float8_e4m3fn> a(1000), b(1000), out(1000);
  for (std::size_t i = 0; i < a.size(); ++i) {
    a[i] = lmul::float8_e4m3fn::from_bits(std::uint8_t(rng()));
    b[i] = lmul::float8_e4m3fn::from_bits(std::uint8_t(rng()));
  }
  kernels::multiply<lmul::float8_e4m3fn>(a, b, out);
  for (std::size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(out[i].bits(), lmul::lmul_product(a[i], b[i]).bits()) << i;
  }
  std::vector<float> x(1000), y(1000), z(1000);
  for (std::size_t i = 0; i < x.size(); ++i) {
    x[i] = float(i) * 0.01f - 3.f;
    y[i] = 1.f / float(i + 1);
  }
  kernels::multiply<float>(x, y, z);
  float sum = 0.f, sum_abs = 0.f;
  for (std::size_t i = 0; i < x.size(); ++i) {
    ASSERT_EQ(z[i], lmul::lmul_product(x[i], y[i])) << i;
    sum += z[i];
    sum_abs += std::fabs(z[i]);
  }
  EXPECT_NEAR(kernels::dot<float>(x, y), sum, 1e-4f * sum_abs);
  std::vector<float> short_out(3);
  EXPECT_THROW(kernels::multiply<float>(x, y, short_out), std::invalid_argument);
}

}  // namespace
