// lmul/lmul.hpp -- the public header of lmul, a C++20 library for L-Mul.
//
// L-Mul (Luo & Sun, arXiv 2410.00907) replaces a floating-point multiply by one integer addition of
// the operands' bit patterns plus a small constant: (1 + a)(1 + b) ~ 1 + a + b + 2^-l(M).
// The numeric contract, bit for bit, is docs/spec.md (a copy of the project's lmul-spec.md).
//
// Types (all trivially copyable, sizeof == the storage integer):
//   lmul::lmul<M, E>       M fraction bits, E exponent bits (2..8), IEEE-style inf/NaN;
//                          operator* is L-Mul, +, -, / are correctly rounded through double.
//   lmul::float8_e4m3fn    OCP E4M3 (no inf, max 448); operator* is the exactly rounded product.
//   lmul::float8_e5m2      OCP E5M2 (IEEE-style, max 57344); operator* exactly rounded.
//   Each has from_bits / bits, explicit conversions from float and double (round to nearest even,
//   one rounding, optional lmul::overflow_mode::saturating) and an exact conversion to float,
//   IEEE comparisons, isnan / isinf / isfinite / signbit / abs, operator<< and numeric_limits.
//
// Scalar L-Mul for every element type T (float, the float8 types, lmul<M,E>):
//   T     lmul::lmul_product(T x, T y)        L-Mul rounded to T (spec section 3)
//   float lmul::lmul_wide_product(T x, T y)   L-Mul rounded to fp32 (the dot-product term)
//   float lmul::lmul_simulated<M>(float x, float y, rounding)   operands rounded to M bits first
//
// Kernels run lmul's compiled kernels for the best instruction set of the running CPU, chosen once
// per process (lmul::selected_arch() names it; link the lmul::lmul CMake target, docs/kernels.md).
// Kernels (kernels.hpp; spans, or vectors / arrays of T; bad lengths or a partial overlap of out
// with an input throw std::invalid_argument before anything is written; out == a or b is fine):
//   void  lmul::lmul_multiply(a, b, out)   out[i] = lmul_product(a[i], b[i]), bit-identical on
//                                          every instruction set
//   float lmul::lmul_dot(a, b)             sum of wide products in fp32 (within gamma_n sum |p_i|)
//   float lmul::lmul_dot_exact(a, b)       8-bit types: the exact sum, rounded once (reproducible)
// Matrices (gemm.hpp): lmul::lmul_gemm(m, n, k, a, lda, b, ldb, c, ldc) and lmul_gemm_bt (B^T),
//   row-major, C = A * B with wide L-Mul products accumulated in fp32.
// Corrected L-Mul (corrected.hpp): lmul_product_corrected, lmul_wide_product_corrected,
//   lmul_simulated_corrected<M>, lmul_multiply_corrected: still one integer addition, plus a
//   small correction table indexed by the top fraction bits of both operands.
// Energy (energy.hpp): the spec's 45 nm table; every figure it gives is a model estimate.
#pragma once

#include "convert.hpp"
#include "corrected.hpp"
#include "energy.hpp"
#include "format_traits.hpp"
#include "gemm.hpp"
#include "kernels.hpp"
#include "limits.hpp"
#include "product.hpp"
#include "scalar.hpp"
#include "small_float.hpp"
