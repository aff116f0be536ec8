// normal_like_data: the reproducible N(0, 1)-like operands of the GEMM and MX benchmarks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace lmul_bench {

/// `count` N(0, 1)-like values rounded to T, the same for the same seed: the sum of 4 uniforms in
/// [0, 1) (xorshift32) has mean 2 and variance 4/12 = 1/3, so (sum - 2) x sqrt(3) has mean 0 and
/// variance 1. Cheap, and close enough to normal for operand data.
template <class T = float>
std::vector<T> normal_like_values(std::size_t count, std::uint32_t seed) {
  std::vector<T> out(count);
  std::uint32_t state = seed;
  const auto uniform = [&] {  // xorshift32, top 24 bits as a float in [0, 1)
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return float(state >> 8) * 0x1p-24f;
  };
  for (auto& x : out) x = T((uniform() + uniform() + uniform() + uniform() - 2.0f) * 1.7320508f);
  return out;
}

}  // namespace lmul_bench
