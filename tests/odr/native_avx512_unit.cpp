// The workload compiled with -march=native plus AVX-512 (CMakeLists.txt): call only on such CPUs.
#include "workload.hpp"

std::uint64_t native_avx512_results() { return workload(); }
