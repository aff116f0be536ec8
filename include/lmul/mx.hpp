// lmul/mx.hpp -- OCP Microscaling (MX v1.0): block-scaled FP8/FP6/FP4 with an L-Mul dot product.
//
// Types: float8_e8m0fnu (the shared scale, float8_e8m0.hpp); float6_e2m3fn, float6_e3m2fn,
// float4_e2m1fn (small_float.hpp; one per byte) and pack_fp4 / unpack_fp4 (mx/fp4_packing.hpp).
//
//   mx_quantize(x, scales, elems, rule = mx_scale_rule::floor, block = mx_block_size)
//   mx_dequantize(scales, elems, out, block)
//   float lmul_mx_dot(scales_a, a, scales_b, b, block)   L-Mul element products, exponent-add
//                                                        scaling: no multiplication at all
//   float mx_dot(scales_a, a, scales_b, b, block)        exact element products (the reference)
//   lmul_mx_gemm(m, n, k, scales_a, a, lda, scales_bt, bt, ldbt, c, ldc, block)
// for Elem = float8_e4m3fn, float8_e5m2, float6_e2m3fn, float6_e3m2fn, float4_e2m1fn.
// Semantics: docs/spec.md, section "MX".
#pragma once

#include "float8_e8m0.hpp"
#include "mx/dot.hpp"
#include "mx/element.hpp"
#include "mx/fp4_packing.hpp"
#include "mx/gemm.hpp"
#include "mx/quantize.hpp"
#include "mx/scale.hpp"
