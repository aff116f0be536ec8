// The workload compiled with the target's default flags.
#include "workload.hpp"

std::uint64_t baseline_results() { return workload(); }
