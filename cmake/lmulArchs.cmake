# The instruction sets lmul compiles kernels for: the one registry of them. Each entry gives
#   the name        (the runtime table's name, LMUL_ARCH=<name>, the test executables' suffix),
#   FLAGS           the compile flags of its units (src/ and the per-arch tests of tests/kernels/),
#   KERNEL, GEMM    the arch types of its kernels and of its GEMM (C++, in namespace lmul),
#   CPU_TEST        its test in include/lmul/kernels/cpu_features.hpp (detail::<CPU_TEST>()).
# src/CMakeLists.txt generates each unit of the lmul_kernels library (src/arch_unit.cpp.in) and the
# dispatcher's list (src/compiled_archs.hpp.in, best first) from it.
set(LMUL_ARCHS "")
macro(lmul_arch name)
  cmake_parse_arguments(_lmul_arch "" "KERNEL;GEMM;CPU_TEST" "FLAGS" ${ARGN})
  list(APPEND LMUL_ARCHS ${name})
  set(LMUL_ARCH_FLAGS_${name} ${_lmul_arch_FLAGS})
  set(LMUL_ARCH_KERNEL_${name} ${_lmul_arch_KERNEL})
  set(LMUL_ARCH_GEMM_${name} ${_lmul_arch_GEMM})
  set(LMUL_ARCH_CPU_TEST_${name} ${_lmul_arch_CPU_TEST})
endmacro()

if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64|i[3-6]86)$")  # best first
  set(lmul_avx512_flags -mavx512f -mavx512cd -mavx512dq -mavx512bw -mavx512vl -mavx2 -mfma)
  # VBMI, BF16 and BMI2 come as target attributes on the functions that use them
  # (kernels/avx512_vbmi.hpp); the GEMM of the 8-bit formats is the bf16 one (gemm/bf16_scheme.hpp).
  lmul_arch(avx512_vbmi FLAGS ${lmul_avx512_flags} KERNEL kernels::avx512_vbmi
            GEMM kernels::avx512_vbmi CPU_TEST cpu_has_avx512_vbmi)
  lmul_arch(avx512bw FLAGS ${lmul_avx512_flags} KERNEL xsimd::avx512bw GEMM xsimd::avx512bw
            CPU_TEST cpu_has_avx512bw)
  lmul_arch(avx2 FLAGS -mavx2 -mfma KERNEL xsimd::avx2 GEMM xsimd::avx2 CPU_TEST cpu_has_avx2)
  lmul_arch(sse4_2 FLAGS -msse4.2 KERNEL xsimd::sse4_2 GEMM xsimd::sse4_2 CPU_TEST cpu_has_sse4_2)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64|ARM64)$")
  # NEON is aarch64's baseline: no flags.
  lmul_arch(neon64 KERNEL xsimd::neon64 GEMM xsimd::neon64 CPU_TEST cpu_has_neon64)
endif()
