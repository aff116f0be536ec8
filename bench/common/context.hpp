// What every benchmark program states before it measures: the machine, its instruction sets and the
// BLAS cores in use. Printed in Google Benchmark's context header and stored in its JSON output
// ("context"), where the summary scripts read them.
#pragma once

#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>

#include "blas.hpp"
#include "machine.hpp"

namespace lmul_bench {

/// Call first in main(), before benchmark::Initialize: may re-execute the program with the best
/// BLAS kernels for this CPU (see blas.hpp), then checks the BLAS baselines against a reference.
inline void start_benchmark_program(char** argv) {
  select_best_blas(argv);
  single_thread_blas();
  check_blas_baselines();
  const std::string blas = openblas_core_note(), blis = blis_config_note(), checks = blas_check_note();
  benchmark::AddCustomContext("cpu_model", cpu_model());
  benchmark::AddCustomContext("cpu_isa", cpu_isa());
  benchmark::AddCustomContext("openblas_core", openblas_get_corename());
  benchmark::AddCustomContext("openblas", blas);
  benchmark::AddCustomContext("blis", blis);
  benchmark::AddCustomContext("blis_config", blis_config_name());
  benchmark::AddCustomContext("blas_checks", checks);
  if (const auto* pinned = pinned_openblas_copy())
    benchmark::AddCustomContext("openblas_pinned_core", pinned->core);
  // Also on stderr at once, so that a run whose benchmark output goes elsewhere still shows it.
  std::fprintf(stderr, "BLAS: %s\nBLAS 2: %s\nBLAS checks: %s\n", blas.c_str(), blis.c_str(), checks.c_str());
}

}  // namespace lmul_bench
