// lmul/kernels/dispatch.hpp -- runtime choice of the instruction set, for portable binaries.
//
// A header-only library cannot compile one function for several instruction sets by itself, so
// dispatch follows xsimd's pattern: the kernels for an arch are instantiated in a translation unit
// compiled with that arch's flags, and the caller picks the best one the CPU has at run time.
//
//   // kernels_avx2.cpp, compiled with -mavx2 -mfma:
//   #include <lmul/kernels/dispatch.hpp>
//   LMUL_KERNELS_INSTANTIATE(xsimd::avx2)
//
//   // kernels_avx512.cpp, compiled with -mavx512f -mavx512cd -mavx512dq -mavx512bw:
//   LMUL_KERNELS_INSTANTIATE(xsimd::avx512bw)
//   LMUL_KERNELS_INSTANTIATE(lmul::kernels::avx512_vbmi)   // VBMI/BF16 code carries target attributes
//
//   // caller, compiled for the baseline (scalar is always instantiated implicitly):
//   LMUL_KERNELS_DECLARE(xsimd::avx2)  LMUL_KERNELS_DECLARE(xsimd::avx512bw) ...
//   using kernels = lmul::kernels::dispatch<lmul::kernels::avx512_vbmi, xsimd::avx512bw,
//                                           xsimd::avx2, lmul::kernels::scalar>;
//   kernels::multiply(a, b, out);    float d = kernels::dot(a, b);
//
// dispatch<Archs...> tries the archs in the order given and runs the first the CPU has; list scalar
// last as the fallback. Checks and exceptions are those of lmul_multiply / lmul_dot.
// Caveat (as with xsimd's own dispatch): keep each per-arch translation unit to the kernels, since
// inline functions it instantiates with wider flags are merged with the baseline's by the linker.
#pragma once

#include <span>

#include "../errors.hpp"
#include "../kernels.hpp"

namespace lmul::kernels {

template <class... Archs>
struct dispatch {
  static_assert(sizeof...(Archs) > 0, "lmul: dispatch needs at least one arch (list scalar last)");

  /// The name of the arch the running CPU gets (the first available one).
  static const char* selected_name() {
    const char* name = nullptr;
    ((name == nullptr && arch_available<Archs>() ? (name = arch_name<Archs>(), true) : false) || ...);
    return name;
  }

  template <lmul_element T>
  static void multiply(std::span<const T> a, std::span<const T> b, std::span<T> out) {
    ::lmul::detail::check_elementwise<T>("lmul_multiply", a, b, std::span<const T>(out));
    const bool ran = ((arch_available<Archs>() &&
                       (kernels::multiply<Archs>(a.data(), b.data(), out.data(), a.size()), true)) ||
                      ...);
    if (!ran) {
      ::lmul::detail::fail_runtime_error("lmul: no arch of the dispatch list runs on this CPU");
    }
  }

  template <lmul_element T>
  static float dot(std::span<const T> a, std::span<const T> b) {
    ::lmul::detail::check_same_length("lmul_dot", a.size(), b.size());
    float result = 0.f;
    const bool ran = ((arch_available<Archs>() &&
                       (result = kernels::dot<Archs>(a.data(), b.data(), a.size()), true)) ||
                      ...);
    if (!ran) {
      ::lmul::detail::fail_runtime_error("lmul: no arch of the dispatch list runs on this CPU");
    }
    return result;
  }

 private:
  template <class Arch>
  static const char* arch_name() {
    if constexpr (requires { Arch::name(); }) {
      return Arch::name();
    } else {
      return "xsimd";
    }
  }
};

}  // namespace lmul::kernels

// The element types every instantiation covers: float, the OCP float8 types, every 8-bit
// lmul<M,E> (M + E = 7) and every 16-bit one (M + E = 15). Aliases: macro arguments cannot hold
// the comma of lmul<M, E>.
namespace lmul::kernels::element_types {
using e4m3fn = ::lmul::float8_e4m3fn;
using e5m2 = ::lmul::float8_e5m2;
using lmul_1_6 = ::lmul::lmul<1, 6>;
using lmul_2_5 = ::lmul::lmul<2, 5>;
using lmul_3_4 = ::lmul::lmul<3, 4>;
using lmul_4_3 = ::lmul::lmul<4, 3>;
using lmul_5_2 = ::lmul::lmul<5, 2>;
using lmul_7_8 = ::lmul::lmul<7, 8>;
using lmul_8_7 = ::lmul::lmul<8, 7>;
using lmul_9_6 = ::lmul::lmul<9, 6>;
using lmul_10_5 = ::lmul::lmul<10, 5>;
using lmul_11_4 = ::lmul::lmul<11, 4>;
using lmul_12_3 = ::lmul::lmul<12, 3>;
using lmul_13_2 = ::lmul::lmul<13, 2>;
}  // namespace lmul::kernels::element_types

#define LMUL_KERNELS_FOR_EACH_TYPE(X, ARCH)                                                        \
  X(ARCH, float)                                                                                   \
  X(ARCH, ::lmul::kernels::element_types::e4m3fn)                                                  \
  X(ARCH, ::lmul::kernels::element_types::e5m2)                                                    \
  X(ARCH, ::lmul::kernels::element_types::lmul_1_6)                                                \
  X(ARCH, ::lmul::kernels::element_types::lmul_2_5)                                                \
  X(ARCH, ::lmul::kernels::element_types::lmul_3_4)                                                \
  X(ARCH, ::lmul::kernels::element_types::lmul_4_3)                                                \
  X(ARCH, ::lmul::kernels::element_types::lmul_5_2)                                                \
  X(ARCH, ::lmul::kernels::element_types::lmul_7_8)                                                \
  X(ARCH, ::lmul::kernels::element_types::lmul_8_7)                                                \
  X(ARCH, ::lmul::kernels::element_types::lmul_9_6)                                                \
  X(ARCH, ::lmul::kernels::element_types::lmul_10_5)                                               \
  X(ARCH, ::lmul::kernels::element_types::lmul_11_4)                                               \
  X(ARCH, ::lmul::kernels::element_types::lmul_12_3)                                               \
  X(ARCH, ::lmul::kernels::element_types::lmul_13_2)

#define LMUL_KERNELS_INSTANTIATE_ONE(ARCH, T)                                                      \
  template void lmul::kernels::multiply<ARCH, T>(const T*, const T*, T*, std::size_t);             \
  template float lmul::kernels::dot<ARCH, T>(const T*, const T*, std::size_t);
#define LMUL_KERNELS_DECLARE_ONE(ARCH, T)                                                          \
  extern template void lmul::kernels::multiply<ARCH, T>(const T*, const T*, T*, std::size_t);      \
  extern template float lmul::kernels::dot<ARCH, T>(const T*, const T*, std::size_t);

/// Defines the kernels of ARCH for every element type (in a TU compiled for ARCH).
#define LMUL_KERNELS_INSTANTIATE(ARCH) LMUL_KERNELS_FOR_EACH_TYPE(LMUL_KERNELS_INSTANTIATE_ONE, ARCH)
/// Declares them where dispatch<...> is used, so that they are not compiled there again.
#define LMUL_KERNELS_DECLARE(ARCH) LMUL_KERNELS_FOR_EACH_TYPE(LMUL_KERNELS_DECLARE_ONE, ARCH)
