// Header-only, compiled with -march=native (CMakeLists.txt): the same public API calls with the
// kernels instantiated in this unit for the best instruction set the flags allow (static
// dispatch), nothing linked. Only called on the build machine, which has that instruction set.
#include "public_calls.hpp"

namespace bench_dispatch {
runners header_only_native_runners() { return public_calls("header_only_native"); }
}  // namespace bench_dispatch
