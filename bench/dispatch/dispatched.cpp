// Runtime dispatch, compiled with the default flags (no -m option) and LMUL_RUNTIME_DISPATCH=1
// (CMakeLists.txt): the public API runs lmul's compiled kernels for the best instruction set of
// the CPU, through the library's table.
#include "public_calls.hpp"

namespace bench_dispatch {
runners dispatched_runners() { return public_calls("dispatched"); }
}  // namespace bench_dispatch
