// tests/mx/mx_test_support.hpp -- element types, value tables and input generators of the MX tests.
#pragma once

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include <lmul/lmul.hpp>

#include "core_test_support.hpp"
#include "mx_reference.hpp"

namespace mx_test {

using mx_types = ::testing::Types<lmul::float8_e4m3fn, lmul::float8_e5m2, lmul::float6_e2m3fn,
                                  lmul::float6_e3m2fn, lmul::float4_e2m1fn>;

inline float next_up(float x) { return std::nextafter(x, INFINITY); }
inline float next_down(float x) { return std::nextafter(x, -INFINITY); }

/// fp32 inputs that hold every situation the quantization rules distinguish, for an element format
/// with largest value max_elem, as a list of blocks (each at most `block` long; some shorter).
inline std::vector<std::vector<float>> special_blocks(double max_elem, std::size_t block,
                                                      std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.f, 1.f);
  const auto filled = [&](float scale) {
    std::vector<float> v(block);
    for (float& x : v) x = normal(rng) * scale;
    return v;
  };
  std::vector<std::vector<float>> blocks;
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  // Zeros, -0, and mixtures.
  blocks.push_back(std::vector<float>(block, 0.f));
  blocks.push_back(std::vector<float>(block, -0.f));
  {
    auto v = filled(1.f);
    for (std::size_t i = 0; i < v.size(); i += 3) v[i] = (i % 2) ? -0.f : 0.f;
    blocks.push_back(v);
  }
  // fp32 subnormals (alone, and with a normal amax that puts them far below the elements).
  {
    std::vector<float> v(block);
    for (std::size_t i = 0; i < v.size(); ++i) {
      v[i] = std::bit_cast<float>(std::uint32_t(rng() & 0x7FFFFF) | ((i % 2) ? 0x80000000u : 0u));
    }
    blocks.push_back(v);
    v[0] = 1.0f;
    blocks.push_back(v);
    blocks.push_back(std::vector<float>(block, std::bit_cast<float>(1u)));  // 2^-149
  }
  // NaN and inf (each in an otherwise ordinary block).
  for (const float special : {nan, -nan, inf, -inf}) {
    auto v = filled(3.f);
    v[v.size() / 2] = special;
    blocks.push_back(v);
  }
  // Outliers: one huge or tiny value among ordinary ones.
  for (const float outlier : {1e30f, -3e12f, 448.f * 64.f, 1e-30f}) {
    auto v = filled(1.f);
    v[1 % v.size()] = outlier;
    blocks.push_back(v);
  }
  // amax exactly max_elem * 2^k, just past it, just below it, and just below 2^(emax + 1) * 2^k
  // (the floor rule's clamping range), for k across the whole fp32 range.
  const int emax = mx_ref::floor_log2(max_elem);
  for (int k = -149 - emax; k <= 127 - emax; k += 3) {
    const double at = std::ldexp(max_elem, k);
    const double top = std::ldexp(1.0, emax + 1 + k);
    if (at > double(std::numeric_limits<float>::max()) || at < 0x1p-149) continue;
    for (const float a : {float(at), next_up(float(at)), next_down(float(at)), next_down(float(top))}) {
      if (!(a > 0) || std::isinf(a)) continue;
      auto v = filled(float(at / 8));
      v[0] = (k % 2) ? -a : a;
      blocks.push_back(v);
    }
  }
  // The largest floats.
  blocks.push_back(std::vector<float>(block, std::numeric_limits<float>::max()));
  blocks.push_back(std::vector<float>(block, -std::numeric_limits<float>::max()));
  // Random blocks of wide dynamic range.
  std::uniform_int_distribution<int> exponent(-60, 60);
  for (int r = 0; r < 40; ++r) {
    auto v = filled(1.f);
    const int e = exponent(rng);
    for (float& x : v) x = std::ldexp(x, e);
    blocks.push_back(v);
  }
  return blocks;
}

/// The blocks above concatenated, with the last block cut short (when it is longer than 1).
inline std::vector<float> concatenated(const std::vector<std::vector<float>>& blocks,
                                       std::size_t block) {
  std::vector<float> x;
  for (const auto& b : blocks) x.insert(x.end(), b.begin(), b.end());
  if (block > 1) x.resize(x.size() - block / 2);
  return x;
}

}  // namespace mx_test
