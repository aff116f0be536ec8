// The kernels for runtime dispatch, compiled with the sse4_2 flags (see CMakeLists.txt).
#include <lmul/kernels/dispatch.hpp>
LMUL_KERNELS_INSTANTIATE(xsimd::sse4_2)
