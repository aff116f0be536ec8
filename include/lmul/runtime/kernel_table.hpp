// lmul/runtime/kernel_table.hpp -- the interface between the public API and lmul's compiled kernels.
//
// lmul_multiply, lmul_dot, lmul_dot_exact and lmul_gemm do not instantiate any SIMD code in the
// caller's translation unit. They call through a table of function pointers that the lmul_kernels
// library (src/) fills once per process with the kernels of the best instruction set the CPU has.
// Each instruction set's kernels are compiled in a unit of their own, with exactly that
// instruction set's flags, and every lmul name in such a unit lives in a namespace of its own (see
// src/arch_unit.hpp), so the linker never merges code built for a wider CPU into another unit.
//
// This header is deliberately free of everything else in lmul and of xsimd: it is compiled with
// any flags, identically, in every unit (the per-arch units include it before renaming lmul).
// Kernels exchange raw codes (the storage integers of the element type) plus the format index.
#pragma once

#include <cstddef>

namespace lmul::runtime {

/// The formats the library compiles kernels for: (fraction bits M, exponent bits E, finite-only).
/// fp32 (float), e4m3fn, every 8-bit IEEE-style lmul<M,E> (M + E = 7, which includes e5m2 = lmul<2,5>)
/// and every 16-bit one (M + E = 15, which includes bfloat16 = lmul<7,8>). Other formats (narrower
/// than their storage, such as lmul<2,3> or lmul<10,4>) run the scalar definition in the header.
struct format_key {
  int mantissa_bits;
  int exponent_bits;
  bool finite_only;
};
inline constexpr format_key compiled_formats[] = {
    {23, 8, false},                                                                   // float
    {3, 4, true},                                                                     // e4m3fn
    {1, 6, false},  {2, 5, false},  {3, 4, false},  {4, 3, false},  {5, 2, false},    // 8-bit
    {7, 8, false},  {8, 7, false},  {9, 6, false},  {10, 5, false}, {11, 4, false},   // 16-bit
    {12, 3, false}, {13, 2, false}};
inline constexpr std::size_t format_count = sizeof(compiled_formats) / sizeof(format_key);

/// Index of a format in compiled_formats, or -1 when the library has no kernels for it.
constexpr int format_index(int mantissa_bits, int exponent_bits, bool finite_only) {
  for (std::size_t i = 0; i < format_count; ++i) {
    const format_key& k = compiled_formats[i];
    if (k.mantissa_bits == mantissa_bits && k.exponent_bits == exponent_bits &&
        k.finite_only == finite_only) {
      return int(i);
    }
  }
  return -1;
}

/// Index of format F (a format_traits) in compiled_formats, or -1: then the public API runs the
/// scalar definition inline instead of the compiled kernels.
template <class F>
inline constexpr int compiled_format_index =
    format_index(F::mantissa_bits, F::exponent_bits, !F::has_infinity);

/// The OCP MX element formats narrower than their byte, which have only the MX block sums
/// (lmul_mx_dot): FP6 e2m3, FP6 e3m2 and FP4 e2m1 (no inf, no NaN).
inline constexpr format_key narrow_mx_formats[] = {{3, 2, true}, {2, 3, true}, {1, 2, true}};
inline constexpr std::size_t narrow_mx_format_count = sizeof(narrow_mx_formats) / sizeof(format_key);

/// Index of format F in narrow_mx_formats, or -1.
template <class F>
inline constexpr int narrow_mx_format_index = [] {
  for (std::size_t i = 0; i < narrow_mx_format_count; ++i) {
    const format_key& k = narrow_mx_formats[i];
    if (k.mantissa_bits == F::mantissa_bits && k.exponent_bits == F::exponent_bits &&
        !F::has_infinity && !F::has_nan) {
      return int(i);
    }
  }
  return -1;
}();

/// out[i] = L-Mul(a[i], b[i]) on n codes (out may equal a or b).
using multiply_fn = void (*)(const void* a, const void* b, void* out, std::size_t n);
/// Sum of the wide products of n codes (lmul_dot), or their exact sum (lmul_dot_exact).
using dot_fn = float (*)(const void* a, const void* b, std::size_t n);
/// C (m x n, row stride ldc) = A (m x k) * B (k x n); element (i, j) of a matrix X is at
/// x + i * x_row_stride + j * x_col_stride (in elements). Arguments already checked.
using gemm_fn = void (*)(std::size_t m, std::size_t n, std::size_t k, const void* a,
                         std::size_t a_row_stride, std::size_t a_col_stride, const void* b,
                         std::size_t b_row_stride, std::size_t b_col_stride, float* c,
                         std::size_t ldc, unsigned threads);
/// Per-block sums of an MX dot (lmul_mx_dot): sums[j] = the fp32 sum, in any order, of the wide
/// products of codes j * block .. min(n, (j + 1) * block) - 1, for every j < ceil(n / block) (the
/// last block may be short). block > 0; arguments already checked.
using block_sums_fn = void (*)(const void* a, const void* b, std::size_t n, std::size_t block,
                               float* sums);

/// The kernels of one instruction set, indexed by format_index.
struct kernel_table {
  const char* arch_name;
  multiply_fn multiply[format_count];
  dot_fn dot[format_count];
  dot_fn dot_exact[format_count];  ///< nullptr for formats wider than 8 bits
  gemm_fn gemm[format_count];
  block_sums_fn block_sums[format_count];  ///< nullptr for formats wider than 8 bits
  block_sums_fn narrow_block_sums[narrow_mx_format_count];  ///< FP6 / FP4, by narrow_mx_format_index
};

/// The table of the best instruction set this CPU has, chosen once per process (thread-safe).
/// The environment variable LMUL_ARCH=<name> (one of arch_names()) picks a lower one, for tests
/// and benchmarks; a name the library lacks or the CPU cannot run is ignored.
const kernel_table& selected_kernels();

/// The table of the instruction set `arch_name`, or nullptr if the library was built without it
/// or the running CPU lacks it.
const kernel_table* kernels_for(const char* arch_name);

/// The instruction sets compiled into the library, best first, ending with nullptr.
const char* const* arch_names();

}  // namespace lmul::runtime
