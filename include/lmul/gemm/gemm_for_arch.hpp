// lmul/gemm/gemm_for_arch.hpp -- lmul_gemm on an instruction set named at compile time.
//
//   lmul::lmul_gemm_arch<Arch>(m, n, k, a, lda, b, ldb, c, ldc [, options])
//   lmul::lmul_gemm_bt_arch<Arch>(m, n, k, a, lda, bt, ldbt, c, ldc [, options])
// Arch is an xsimd arch (xsimd::sse2, xsimd::avx2, xsimd::avx512bw, xsimd::neon64, ...) or
// lmul::kernels::avx512_vbmi (8-bit formats and bfloat16 on the bf16 kernel, the rest on AVX-512
// BW). Same semantics and checks as lmul_gemm / lmul_gemm_bt (gemm.hpp), but the kernels are
// instantiated in the calling unit: compile it with Arch's flags and call these only where the
// CPU has Arch.
#pragma once

#include <cstddef>

#include "../detail/matrix_checks.hpp"
#include "driver.hpp"
#include "options.hpp"

namespace lmul {
inline namespace LMUL_ISA {  // every function: see detail/isa_namespace.hpp

/// C = A * B (row-major, C overwritten) with L-Mul products, on instruction set Arch.
template <class Arch, lmul_element T>
void lmul_gemm_arch(std::size_t m, std::size_t n, std::size_t k, const T* a, std::size_t lda,
                    const T* b, std::size_t ldb, float* c, std::size_t ldc,
                    const gemm_options& options = {}) {
  detail::check_arguments("lmul_gemm", m, n, k, a, lda, b, k, n, ldb, "ldb", c, ldc);
  detail::gemm_threaded<Arch, T>(m, n, k, {a, lda, 1}, {b, ldb, 1}, c, ldc,
                                 detail::thread_count(options));
}

/// C = A * Bt^T (Bt is n x k, row-major, C overwritten) with L-Mul products, on Arch.
template <class Arch, lmul_element T>
void lmul_gemm_bt_arch(std::size_t m, std::size_t n, std::size_t k, const T* a, std::size_t lda,
                       const T* bt, std::size_t ldbt, float* c, std::size_t ldc,
                       const gemm_options& options = {}) {
  detail::check_arguments("lmul_gemm_bt", m, n, k, a, lda, bt, n, k, ldbt, "ldbt", c, ldc);
  // B(p, j) = bt[j * ldbt + p]: row stride 1, column stride ldbt.
  detail::gemm_threaded<Arch, T>(m, n, k, {a, lda, 1}, {bt, 1, ldbt}, c, ldc,
                                 detail::thread_count(options));
}

}  // inline namespace LMUL_ISA
}  // namespace lmul
