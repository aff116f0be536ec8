// src/arch_unit.hpp -- the body of one per-instruction-set unit of the lmul_kernels library.
//
// Each unit kernels_<arch>.cpp, generated from src/arch_unit.cpp.in for an entry of the registry
// cmake/lmulArchs.cmake, is compiled with exactly the flags of its instruction set and defines
//   LMUL_UNIT_NAMESPACE    a namespace name used by this unit only (lmul_avx2, ...),
//   LMUL_UNIT_KERNEL_ARCH  the arch of kernels::multiply / dot (kernels/arch.hpp),
//   LMUL_UNIT_GEMM_ARCH    the xsimd arch of the GEMM,
//   LMUL_UNIT_TABLE        the name of the function that returns this unit's table,
//   LMUL_UNIT_ARCH_NAME    the instruction set's name as the table reports it,
// then includes this file. The result is one function, lmul::runtime::LMUL_UNIT_TABLE(), giving the
// unit's kernel table (runtime/kernel_table.hpp); src/dispatch.cpp picks one table per process.
//
// No name is shared with a unit compiled for another instruction set: while lmul's headers are
// included below, the identifier `lmul` is a macro for LMUL_UNIT_NAMESPACE, so every lmul entity
// this unit instantiates (kernels, the scalar core they call, the byte tables, the types) is
// lmul_avx2::... here and lmul_avx512bw::... there. The linker therefore never replaces the copy of
// an inline function that a baseline unit compiled by the copy that an AVX-512 unit compiled.
// (xsimd's templates are instantiated on the arch tag, so they differ per unit by themselves.)
// Only the interface header, included before the rename, is shared: plain declarations.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <compare>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <new>
#include <ostream>
#include <ranges>
#include <span>
#include <thread>
#include <type_traits>
#include <vector>

#include <xsimd/xsimd.hpp>

#include <lmul/runtime/kernel_table.hpp>

#include "arch_tables.hpp"

#if !defined(LMUL_UNIT_NAMESPACE) || !defined(LMUL_UNIT_TABLE) || !defined(LMUL_UNIT_ARCH_NAME)
#error "define LMUL_UNIT_NAMESPACE, LMUL_UNIT_KERNEL_ARCH, LMUL_UNIT_GEMM_ARCH, LMUL_UNIT_TABLE \
and LMUL_UNIT_ARCH_NAME"
#endif

#define lmul LMUL_UNIT_NAMESPACE
#include <lmul/gemm/driver.hpp>
#include <lmul/kernels/span_kernels.hpp>
#undef lmul

namespace LMUL_UNIT_NAMESPACE::unit {

using kernel_arch = LMUL_UNIT_KERNEL_ARCH;
using gemm_arch = LMUL_UNIT_GEMM_ARCH;

/// The element type that serves compiled_formats[I]: float for fp32, else an lmul<M,E>-style
/// small_float of that format (the kernels depend on the format only).
template <std::size_t I>
constexpr auto element_of_format() {
  constexpr ::lmul::runtime::format_key key = ::lmul::runtime::compiled_formats[I];
  if constexpr (key.mantissa_bits == 23 && key.exponent_bits == 8 && !key.finite_only) {
    return float{};
  } else {
    constexpr auto specials = key.finite_only ? special_values::finite_only : special_values::ieee;
    return small_float<format_traits<key.mantissa_bits, key.exponent_bits, specials>,
                       lmul_multiplication>{};
  }
}
template <std::size_t I>
using element_t = decltype(element_of_format<I>());

template <class T>
void multiply(const void* a, const void* b, void* out, std::size_t n) {
  kernels::multiply<kernel_arch>(static_cast<const T*>(a), static_cast<const T*>(b),
                                 static_cast<T*>(out), n);
}

template <class T>
float dot(const void* a, const void* b, std::size_t n) {
  return kernels::dot<kernel_arch>(static_cast<const T*>(a), static_cast<const T*>(b), n);
}

template <class T>
float dot_exact(const void* a, const void* b, std::size_t n) {
  return kernels::dot_exact<kernel_arch>(static_cast<const T*>(a), static_cast<const T*>(b), n);
}

template <class T>
void block_sums(const void* a, const void* b, std::size_t n, std::size_t block, float* sums) {
  kernels::block_sums<kernel_arch>(static_cast<const T*>(a), static_cast<const T*>(b), n, block, sums);
}

template <class T>
void gemm(std::size_t m, std::size_t n, std::size_t k, const void* a, std::size_t a_row_stride,
          std::size_t a_col_stride, const void* b, std::size_t b_row_stride,
          std::size_t b_col_stride, float* c, std::size_t ldc, unsigned threads) {
  detail::gemm_threaded<gemm_arch, T>(
      m, n, k, {static_cast<const T*>(a), a_row_stride, a_col_stride},
      {static_cast<const T*>(b), b_row_stride, b_col_stride}, c, ldc, threads);
}

/// The element type of narrow_mx_formats[I] (FP6 or FP4: no inf, no NaN).
template <std::size_t I>
using narrow_element_t =
    small_float<format_traits<::lmul::runtime::narrow_mx_formats[I].mantissa_bits,
                              ::lmul::runtime::narrow_mx_formats[I].exponent_bits, special_values::none>,
                exact_multiplication>;

template <std::size_t... I>
constexpr void fill_narrow_entries(::lmul::runtime::kernel_table& table, std::index_sequence<I...>) {
  ((table.narrow_block_sums[I] = &block_sums<narrow_element_t<I>>), ...);
}

template <std::size_t I>
constexpr void fill_entries(::lmul::runtime::kernel_table& table) {
  using T = element_t<I>;
  table.multiply[I] = &multiply<T>;
  table.dot[I] = &dot<T>;
  if constexpr (lmul_byte_element<T>) {
    table.dot_exact[I] = &dot_exact<T>;
    table.block_sums[I] = &block_sums<T>;
  }
  table.gemm[I] = &gemm<T>;
}

template <std::size_t... I>
constexpr ::lmul::runtime::kernel_table make_table(std::index_sequence<I...>) {
  ::lmul::runtime::kernel_table table{};
  table.arch_name = LMUL_UNIT_ARCH_NAME;
  (fill_entries<I>(table), ...);
  fill_narrow_entries(table, std::make_index_sequence<::lmul::runtime::narrow_mx_format_count>{});
  return table;
}

/// Constant-initialised: no start-up code, no initialisation order to worry about.
constexpr ::lmul::runtime::kernel_table table =
    make_table(std::make_index_sequence<::lmul::runtime::format_count>{});

}  // namespace LMUL_UNIT_NAMESPACE::unit

const ::lmul::runtime::kernel_table& ::lmul::runtime::LMUL_UNIT_TABLE() {
  return LMUL_UNIT_NAMESPACE::unit::table;
}
