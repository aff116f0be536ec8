// The workload in runtime-dispatch mode (LMUL_RUNTIME_DISPATCH=1, lmul_kernels linked), default
// flags: its kernels are the compiled table chosen for the running CPU.
#include "workload.hpp"

std::uint64_t dispatched_results() { return workload(); }
const char* dispatched_arch() { return lmul::selected_arch(); }
