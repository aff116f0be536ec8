// tests/odr/workload.hpp -- the same lmul calls, compiled into units with different flags.
//
// baseline_unit.cpp (header-only, no -m flags), native_avx512_unit.cpp (header-only, -march=native plus
// AVX-512 VBMI/BF16) and dispatched_unit.cpp (runtime dispatch, no -m flags) all include this and
// instantiate the same lmul templates: the public kernels, the GEMM, MX, the scalar core, the
// fallbacks of formats without compiled kernels (lmul<10,4>). If the linker kept the native AVX-512 unit's
// copy of any of them for another unit, the program would run AVX-512 instructions on a CPU
// without them (SIGILL under qemu -cpu Haswell / Nehalem); if it mixed the modes' copies, the
// dispatched unit would not report the table it ran.
//
// Every result is a bit pattern that does not depend on the instruction set: element-wise products
// are bit-exact by definition, and the dot and GEMM inputs are chosen so that every partial sum is
// exact in fp32 (operands 2^e (1 + f/8), 0 <= e <= 3: products are multiples of 2^-4 below 2^8, and
// fewer than 2^10 of them sum to less than 2^18: 22 significant bits), so any order gives the same
// bits. The workload returns a hash of all result bits.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

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

/// A small generator of this unit's own (xorshift64): the standard library's engines are templates
/// that both units would instantiate too, with their own flags, which is not what is tested here.
struct random_bits {
  std::uint64_t state;
  std::uint64_t operator()() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  }
};

/// Fixed-size storage of this unit's own (no std::vector: see random_bits).
template <class T>
struct buffers {
  static constexpr std::size_t size = 100000;
  T a[size], b[size], out[size], x[size], y[size];
  float c[1024];
};

/// 2^e (1 + f/8) with e in [0, 3], f in [0, 7], random sign: exact in every format used here.
template <class T>
void fill_exact_sum_operands(T* out, std::size_t n, std::uint64_t seed) {
  random_bits rng{seed};
  for (std::size_t i = 0; i < n; ++i) {
    const float magnitude = float(1 << (rng() % 4)) * (1.0f + float(rng() % 8) / 8.0f);
    out[i] = T(rng() % 2 ? -magnitude : magnitude);
  }
}

template <class T>
void run_format(result_hash& hash, std::size_t n, std::uint64_t seed) {
  // Element-wise: every code pair for 8-bit formats (specials included), else random codes.
  const auto storage = std::make_unique<buffers<T>>();
  const std::span<T> a(storage->a, n), b(storage->b, n), out(storage->out, n);
  random_bits rng{seed};
  for (std::size_t i = 0; i < n; ++i) {
    if constexpr (sizeof(T) == 1) {
      a[i] = lmul::from_code<T>(std::uint8_t(i >> 8));
      b[i] = lmul::from_code<T>(std::uint8_t(i));
    } else {
      a[i] = lmul::from_code<T>(typename lmul::format_of_t<T>::storage(rng()));
      b[i] = lmul::from_code<T>(typename lmul::format_of_t<T>::storage(rng()));
    }
  }
  lmul::lmul_multiply(std::span<const T>(a), std::span<const T>(b), out);
  for (T v : out) hash.add(lmul::to_code(v));
  lmul::lmul_multiply_corrected(std::span<const T>(a), std::span<const T>(b), out);
  for (T v : out) hash.add(lmul::to_code(v));
  for (std::size_t i = 0; i < 1000; ++i) hash.add(lmul::to_code(lmul::lmul_product(a[i], b[i])));

  // Dot products and GEMM on operands whose sums are exact in any order.
  const std::size_t m = 19, k = 300, cols = 23;
  T* const x = storage->x;
  T* const y = storage->y;
  fill_exact_sum_operands(x, m * k, seed + 1);
  fill_exact_sum_operands(y, k * cols, seed + 2);
  hash.add(std::bit_cast<std::uint32_t>(
      lmul::lmul_dot(std::span<const T>(x, m * k), std::span<const T>(y, m * k))));
  if constexpr (lmul::lmul_byte_element<T>) {
    hash.add(std::bit_cast<std::uint32_t>(
        lmul::lmul_dot_exact(std::span<const T>(a), std::span<const T>(b))));
  }
  float* const c = storage->c;
  lmul::lmul_gemm(m, cols, k, x, k, y, cols, c, cols);
  for (std::size_t i = 0; i < m * cols; ++i) hash.add(std::bit_cast<std::uint32_t>(c[i]));
  lmul::lmul_gemm_bt(m, m, k, x, k, x, k, c, cols);
  for (std::size_t i = 0; i < m * m; ++i) hash.add(std::bit_cast<std::uint32_t>(c[i]));
}

/// MX dot and GEMM (block sums through the kernels) with unit scales on exact-sum operands.
template <class Elem>
void run_mx(result_hash& hash, std::uint64_t seed) {
  constexpr std::size_t m = 5, n = 7, k = 96, blocks = k / lmul::mx_block_size;
  Elem a[m * k], bt[n * k];
  lmul::float8_e8m0fnu sa[m * blocks], sb[n * blocks];  // default: 1
  fill_exact_sum_operands(a, m * k, seed);
  fill_exact_sum_operands(bt, n * k, seed + 1);
  hash.add(std::bit_cast<std::uint32_t>(lmul::lmul_mx_dot<Elem>(
      std::span<const lmul::float8_e8m0fnu>(sa, blocks), std::span<const Elem>(a, k),
      std::span<const lmul::float8_e8m0fnu>(sb, blocks), std::span<const Elem>(bt, k))));
  float c[m * n];
  lmul::lmul_mx_gemm<Elem>(m, n, k, sa, a, k, sb, bt, k, c, n);
  for (float v : c) hash.add(std::bit_cast<std::uint32_t>(v));
}

std::uint64_t workload() {
  result_hash hash;
  run_mx<lmul::float8_e4m3fn>(hash, 6);
  run_mx<lmul::float4_e2m1fn>(hash, 7);
  run_format<lmul::float8_e4m3fn>(hash, 65536, 1);
  run_format<lmul::float8_e5m2>(hash, 65536, 2);
  run_format<float>(hash, 100000, 3);
  run_format<lmul::lmul<7, 8>>(hash, 100000, 4);
  run_format<lmul::lmul<10, 4>>(hash, 100000, 5);  // no compiled kernels: the header's scalar path
  return hash.value;
}

}  // namespace
