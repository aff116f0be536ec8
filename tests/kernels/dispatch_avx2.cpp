// The kernels for runtime dispatch, compiled with the avx2 flags (see CMakeLists.txt).
#include <lmul/kernels/dispatch.hpp>
LMUL_KERNELS_INSTANTIATE(xsimd::avx2)
