// lmul/dispatch/kernel_calls.hpp -- how the public functions reach the kernels: the one switch
// between lmul's two modes.
//
//   header-only (the default)    the kernels are instantiated in the calling unit, for the best
//                                instruction set its compile flags allow (dispatch/static_kernels.hpp):
//                                nothing to link; a -march=native unit runs native kernels, a
//                                default-flags unit the baseline ones (scalar kernels, SSE2 GEMM on
//                                x86-64).
//   runtime dispatch             with LMUL_RUNTIME_DISPATCH=1 (the lmul::dispatched CMake target sets
//                                it and links the lmul_kernels library, src/), the public functions
//                                call the compiled per-instruction-set tables and run the best
//                                instruction set of the running CPU, whatever the unit's flags
//                                (dispatch/runtime_kernels.hpp, runtime/kernel_table.hpp).
// Both give the same bits: every kernel computes the scalar definition exactly (lmul_dot's sum
// order aside, which the spec leaves free and the tests bound). The mode is part of LMUL_ISA, so
// units of both modes link into one program without sharing a copy of any function.
//
// Both files define, in lmul::detail, for an element type T with compiled kernels
// (runtime::compiled_format_index >= 0; for block sums also the FP6 / FP4 types):
//   call_multiply(a, b, out, n)  call_dot(a, b, n)  call_dot_exact(a, b, n)
//   call_block_sums(a, b, n, block, sums)  call_gemm(m, n, k, a, a_rs, a_cs, b, b_rs, b_cs, c, ldc, threads)
//   kernels_arch_name()          the instruction set those calls run
// Arguments are already checked by the public function.
#pragma once

#include "../detail/isa_namespace.hpp"

#if defined(LMUL_RUNTIME_DISPATCH) && LMUL_RUNTIME_DISPATCH
#include "runtime_kernels.hpp"
#else
#include "static_kernels.hpp"
#endif
