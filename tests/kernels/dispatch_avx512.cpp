// The kernels for runtime dispatch, compiled with the avx512 flags (see CMakeLists.txt).
#include <lmul/kernels/dispatch.hpp>
LMUL_KERNELS_INSTANTIATE(xsimd::avx512bw)
LMUL_KERNELS_INSTANTIATE(lmul::kernels::avx512_vbmi)
