// lmul/kernels/algorithm_choice.hpp -- which algorithm serves each kernel, for a format and an instruction set.
//
// The one place that decides it: kernels/span_kernels.hpp (multiply, dot, dot_exact) and the GEMM's
// packing (kernels/operand_words.hpp) ask here. The public API (kernels.hpp, gemm.hpp) runs these
// kernels (dispatch/kernel_calls.hpp) for the formats in runtime::compiled_formats, and the scalar
// definition inline for the others. The answers
// depend on the format's layout (format traits: width, storage, sign and magnitude masks), and
// formats narrower than their storage (lmul<2,3>, lmul<10,4>, lmul<15,8>) get only algorithms that
// read the sign and magnitude through the traits' masks.
// No xsimd here: an instruction set is described by arch_features (span_kernels.hpp fills them in).
// Everything here is evaluated at compile time.
#pragma once

#include <type_traits>

#include "../format_traits.hpp"
#include "byte_tables.hpp"

namespace lmul::kernels {

/// The algorithms of the kernels (docs/kernels.md explains each).
enum class algorithm {
  scalar,             ///< the scalar definition, one element at a time
  byte_classes,       ///< 8-bit codes: u(x) + u(y) through 16-byte table lookups (pshufb, tbl);
                      ///< lmul<5,2>'s 447 classes as two signed saturating sums
  byte_classes_vbmi,  ///< the same with 128-byte lookups (vpermi2b) and vdpbf16ps as fp32 adder
  linear,             ///< one integer addition on the codes; lanes outside its range: scalar
  float_avx512,       ///< fp32 dot: raw-bit addition checked by vfpclassps (AVX-512 DQ)
  class_histogram,    ///< exact dot of 8-bit codes: integer counts per class, one rounding
  exact_windows,      ///< exact dot of 8-bit codes: fp32 lanes per exponent window that never round
  exact_windows_vbmi, ///< the same in int32 lanes filled by vpdpwssd, with 128-byte lookups (vpermi2b)
};

/// What an instruction set offers the kernels.
struct arch_features {
  bool vectors = false;       ///< xsimd batches with a byte-table lookup (SSE4.2, AVX2, AVX-512 BW, NEON)
  bool vbmi = false;          ///< lmul::kernels::avx512_vbmi
  bool avx512_float = false;  ///< AVX-512 F + DQ (vfpclassps)
};

/// True when the sign is the storage's top bit (8- and 16-bit formats that fill their storage, and
/// fp32 itself): the vector dot kernels split and widen whole storage words.
template <class F>
inline constexpr bool fills_storage =
    F::total_bits == 8 * int(sizeof(typename F::storage)) &&
    (F::total_bits != 32 || std::is_same_v<F, float32_traits>);

/// lmul_multiply and kernels::multiply.
template <class F>
constexpr algorithm multiply_algorithm(arch_features arch) {
  if (!arch.vectors) return algorithm::scalar;
  if constexpr (detail::is_byte_format<F>) {
    return arch.vbmi ? algorithm::byte_classes_vbmi : algorithm::byte_classes;
  } else {
    return algorithm::linear;  // any width: masks, bias and range from the traits
  }
}

/// lmul_dot and kernels::dot.
template <class F>
constexpr algorithm dot_algorithm(arch_features arch) {
  if (!arch.vectors || !fills_storage<F>) return algorithm::scalar;
  if constexpr (detail::is_byte_format<F>) {
    return arch.vbmi ? algorithm::byte_classes_vbmi : algorithm::byte_classes;
  } else {
    if (std::is_same_v<F, float32_traits> && arch.avx512_float) return algorithm::float_avx512;
    return algorithm::linear;
  }
}

/// lmul_dot_exact (8-bit formats only). Every algorithm computes the exact sum and rounds it once,
/// so all give the same bits; the vector ones read codes that fill their byte (sign in bit 7).
template <class F>
constexpr algorithm dot_exact_algorithm(arch_features arch) {
  static_assert(detail::is_byte_format<F>, "lmul_dot_exact takes 8-bit formats");
  if (!arch.vectors || !fills_storage<F>) return algorithm::class_histogram;
  return arch.vbmi ? algorithm::exact_windows_vbmi : algorithm::exact_windows;
}

/// The GEMM's operand words: read from a 256-entry table (codes of at most 8 bits) or computed.
template <class F>
inline constexpr bool gemm_words_from_table = F::total_bits <= 8;

}  // namespace lmul::kernels
