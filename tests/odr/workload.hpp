// tests/odr/workload.hpp -- the same lmul calls, compiled into units with different flags.
//
// baseline_unit.cpp (no -m flags) and wide_unit.cpp (-march=native plus AVX-512 VBMI/BF16) both
// include this and instantiate exactly the same lmul templates: the public kernels, the GEMM, the
// scalar core, the header-only fallbacks of formats the library does not compile (lmul<10,4>). If
// the linker kept the wide unit's copy of any of them for the baseline unit, the program would run
// AVX-512 instructions on a CPU without them (SIGILL under qemu -cpu Haswell / Nehalem).
//
// Every result is a bit pattern that does not depend on the instruction set: element-wise products
// are bit-exact by definition, and the dot and GEMM inputs are chosen so that every partial sum is
// exact in fp32 (operands 2^e (1 + f/8), 0 <= e <= 3: products are multiples of 2^-4 below 2^8, and
// fewer than 2^10 of them sum to less than 2^18: 22 significant bits), so any order gives the same
// bits. The workload returns a hash of all result bits.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include <lmul/lmul.hpp>

namespace {

struct result_hash {
  std::uint64_t value = 1469598103934665603ull;  // FNV-1a
  void add(std::uint64_t bits) {
    for (int i = 0; i < 8; ++i) {
      value ^= (bits >> (8 * i)) & 0xFF;
      value *= 1099511628211ull;
    }
  }
};

/// 2^e (1 + f/8) with e in [0, 3], f in [0, 7], random sign: exact in every format used here.
template <class T>
std::vector<T> exact_sum_operands(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<T> out(n);
  for (T& x : out) {
    const float magnitude = float(1 << (rng() % 4)) * (1.0f + float(rng() % 8) / 8.0f);
    x = T(rng() % 2 ? -magnitude : magnitude);
  }
  return out;
}

template <class T>
void run_format(result_hash& hash, std::size_t n, unsigned seed) {
  // Element-wise: every code pair for 8-bit formats (specials included), else random codes.
  std::vector<T> a(n), b(n), out(n);
  std::mt19937_64 rng(seed);
  for (std::size_t i = 0; i < n; ++i) {
    if constexpr (sizeof(T) == 1) {
      a[i] = lmul::from_code<T>(std::uint8_t(i >> 8));
      b[i] = lmul::from_code<T>(std::uint8_t(i));
    } else {
      a[i] = lmul::from_code<T>(typename lmul::format_of_t<T>::storage(rng()));
      b[i] = lmul::from_code<T>(typename lmul::format_of_t<T>::storage(rng()));
    }
  }
  lmul::lmul_multiply(a, b, out);
  for (T x : out) hash.add(lmul::to_code(x));
  lmul::lmul_multiply_corrected(a, b, out);
  for (T x : out) hash.add(lmul::to_code(x));
  for (std::size_t i = 0; i < 1000; ++i) hash.add(lmul::to_code(lmul::lmul_product(a[i], b[i])));

  // Dot products and GEMM on operands whose sums are exact in any order.
  const std::size_t m = 19, k = 300, cols = 23;
  const std::vector<T> x = exact_sum_operands<T>(m * k, seed + 1);
  const std::vector<T> y = exact_sum_operands<T>(k * cols, seed + 2);
  hash.add(std::bit_cast<std::uint32_t>(lmul::lmul_dot(x, y)));
  if constexpr (lmul::lmul_byte_element<T>) {
    hash.add(std::bit_cast<std::uint32_t>(lmul::lmul_dot_exact(a, b)));
  }
  std::vector<float> c(m * cols);
  lmul::lmul_gemm(m, cols, k, x.data(), k, y.data(), cols, c.data(), cols);
  for (float v : c) hash.add(std::bit_cast<std::uint32_t>(v));
  lmul::lmul_gemm_bt(m, m, k, x.data(), k, x.data(), k, c.data(), cols);
  for (std::size_t i = 0; i < m * m; ++i) hash.add(std::bit_cast<std::uint32_t>(c[i]));
}

std::uint64_t workload() {
  result_hash hash;
  run_format<lmul::float8_e4m3fn>(hash, 65536, 1);
  run_format<lmul::float8_e5m2>(hash, 65536, 2);
  run_format<float>(hash, 100000, 3);
  run_format<lmul::lmul<7, 8>>(hash, 100000, 4);
  run_format<lmul::lmul<10, 4>>(hash, 100000, 5);  // no compiled kernels: the header's scalar path
  return hash.value;
}

}  // namespace
