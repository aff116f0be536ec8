# The instruction sets lmul compiles kernels for, and their flags: the one list that src/ (the
# lmul_kernels units) and tests/kernels/ (one test executable per instruction set) build from.
# The C++ side of each entry: src/kernels_<arch>.cpp (its kernel and GEMM arch), the CPU test in
# include/lmul/kernels/cpu_features.hpp and the dispatch order in src/dispatch.cpp.
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64|i[3-6]86)$")
  set(LMUL_ARCHS avx512_vbmi avx512bw avx2 sse4_2)  # best first
  set(LMUL_ARCH_FLAGS_sse4_2 -msse4.2)
  set(LMUL_ARCH_FLAGS_avx2 -mavx2 -mfma)
  set(LMUL_ARCH_FLAGS_avx512bw -mavx512f -mavx512cd -mavx512dq -mavx512bw -mavx512vl -mavx2 -mfma)
  set(LMUL_ARCH_FLAGS_avx512_vbmi ${LMUL_ARCH_FLAGS_avx512bw})  # VBMI, BF16, BMI2: target attributes
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64|ARM64)$")
  set(LMUL_ARCHS neon64)
  set(LMUL_ARCH_FLAGS_neon64 "")  # NEON is aarch64's baseline
else()
  set(LMUL_ARCHS "")
endif()
