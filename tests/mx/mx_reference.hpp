// tests/mx/mx_reference.hpp -- a slow reference for OCP MX quantization, written from the rules of
// docs/spec.md ("MX") with exact double arithmetic and the core tests' value tables
// (tests/core/reference): no code path of include/lmul.
//
// Exactness: every fp32 value and every element value is a double; V / 2^shared and P * 2^shared
// with |shared| <= 127 stay inside double's normal range (fp32 values are >= 2^-149), so std::ldexp
// is exact; rounding to the element format uses format_table (midpoints of sorted value tables),
// rounding to fp32 uses round_to_float (scaling to the quantum, an algorithm of its own).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "reference/reference.hpp"

namespace mx_ref {

enum class rule { floor, rceil };

/// Expected output of quantizing one block: the E8M0 code and the element codes.
struct block_result {
  std::uint32_t scale_code = 0;
  std::vector<std::uint32_t> elems;
};

/// floor(log2(v)) of a positive finite double, from frexp (v = f * 2^e, f in [0.5, 1)).
inline int floor_log2(double v) {
  int e = 0;
  std::frexp(v, &e);
  return e - 1;
}

/// The smallest integer s with max_elem * 2^s >= amax: ceil(log2(amax / max_elem)), found by
/// stepping from an estimate with exact comparisons (ldexp of a double is exact here).
inline int ceil_log2_ratio(double amax, double max_elem) {
  int s = floor_log2(amax) - floor_log2(max_elem) - 2;
  while (std::ldexp(max_elem, s) < amax) ++s;
  return s;
}

/// Quantize one block of fp32 values to the format of `table` (spec "MX" rules, literally).
inline block_result quantize_block(const lmul_ref::format_table& table, const float* x,
                                   std::size_t count, rule r) {
  block_result out;
  out.elems.assign(count, 0);  // +0
  double amax = 0;
  for (std::size_t i = 0; i < count; ++i) {
    if (std::isnan(x[i]) || std::isinf(x[i])) {
      out.scale_code = 0xFF;
      return out;
    }
    amax = std::max(amax, std::fabs(double(x[i])));
  }
  const double max_elem = table.max_finite();
  const int emax_elem = floor_log2(max_elem);
  int shared;
  if (amax == 0) {
    shared = -127;
  } else if (r == rule::floor) {
    shared = floor_log2(amax) - emax_elem;
  } else {
    shared = ceil_log2_ratio(amax, max_elem);
  }
  if (shared > 127) {
    out.scale_code = 0xFF;
    return out;
  }
  shared = std::max(shared, -127);
  out.scale_code = std::uint32_t(shared + 127);
  for (std::size_t i = 0; i < count; ++i) {
    const double v = double(x[i]);
    const lmul_ref::expected e = table.round(std::signbit(v), std::ldexp(std::fabs(v), -shared), 0,
                                             lmul_ref::overflow::saturating);
    out.elems[i] = e.code;
  }
  return out;
}

/// Dequantize one element: P * 2^shared rounded once to fp32; a NaN scale gives NaN.
inline float dequantize(const lmul_ref::format_desc& d, std::uint32_t scale_code,
                        std::uint32_t elem_code) {
  if (scale_code == 0xFF) return NAN;
  const lmul_ref::value v = lmul_ref::decode(d, elem_code);
  if (v.kind == lmul_ref::value::nan) return NAN;
  if (v.kind == lmul_ref::value::infinity) return v.negative ? -INFINITY : INFINITY;
  return lmul_ref::round_to_float(v.negative, std::ldexp(v.magnitude, int(scale_code) - 127));
}

}  // namespace mx_ref
