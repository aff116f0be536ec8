// lmul._core -- the compiled part of the Python package: thin wrappers around lmul's C++ API.
//
// Every function here takes raw addresses (Python ints: NumPy's data pointers, read from
// __array_interface__ by python/lmul/__init__.py), element counts and a format index into
// `formats` below. The Python layer checks dtypes, shapes, contiguity and allocates outputs; the
// C++ API checks lengths and overlaps again (std::invalid_argument -> ValueError, nothing written).
// Raw addresses are used because ml_dtypes' arrays do not export the buffer protocol or DLPack.
// Every kernel call runs with the GIL released.
#include <nanobind/nanobind.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <lmul/lmul.hpp>
#include <lmul/runtime/kernel_table.hpp>

namespace nb = nanobind;

namespace {

// ---- formats ------------------------------------------------------------------------------------

template <class... T>
struct type_list {};

/// Every element type the package exposes, by index. e5m2 is float8_e5m2 (the format of
/// lmul<2,5>: its L-Mul products are the same), bf16 is lmul<7,8>, fp16 lmul<10,5>.
using formats = type_list<float, lmul::float8_e4m3fn, lmul::float8_e5m2, lmul::float6_e2m3fn,
                          lmul::float6_e3m2fn, lmul::float4_e2m1fn, lmul::lmul<1, 6>,
                          lmul::lmul<3, 4>, lmul::lmul<4, 3>, lmul::lmul<5, 2>, lmul::lmul<7, 8>,
                          lmul::lmul<8, 7>, lmul::lmul<9, 6>, lmul::lmul<10, 5>, lmul::lmul<11, 4>,
                          lmul::lmul<12, 3>, lmul::lmul<13, 2>, lmul::float8_e8m0fnu>;

template <class T>
struct format_info {
  static std::tuple<int, int, std::string, int> get() {
    using F = lmul::format_of_t<T>;
    const char* specials = F::specials == lmul::special_values::ieee          ? "ieee"
                           : F::specials == lmul::special_values::finite_only ? "finite_only"
                                                                              : "none";
    return {F::mantissa_bits, F::exponent_bits, specials, int(sizeof(T))};
  }
};
template <>
struct format_info<lmul::float8_e8m0fnu> {
  static std::tuple<int, int, std::string, int> get() { return {0, 8, "e8m0", 1}; }
};

template <class... T>
std::vector<std::tuple<int, int, std::string, int>> list_formats(type_list<T...>) {
  return {format_info<T>::get()...};
}

template <class T>
struct tag {
  using type = T;
};

/// Calls f(tag<T>{}) for the type at `index` of `formats`.
template <class Fn, class... T>
decltype(auto) visit_format(int index, Fn&& f, type_list<T...>) {
  using R = std::invoke_result_t<Fn, tag<float>>;
  int i = 0;
  bool found = false;
  if constexpr (std::is_void_v<R>) {
    ((i++ == index ? (f(tag<T>{}), found = true) : false) || ...);
    if (!found) throw std::invalid_argument("format index out of range");
  } else {
    R result{};
    ((i++ == index ? (result = f(tag<T>{}), found = true) : false) || ...);
    if (!found) throw std::invalid_argument("format index out of range");
    return result;
  }
}
template <class Fn>
decltype(auto) visit_format(int index, Fn&& f) {
  return visit_format(index, std::forward<Fn>(f), formats{});
}

template <class T>
inline constexpr bool is_e8m0 = std::is_same_v<T, lmul::float8_e8m0fnu>;
template <class T>
inline constexpr bool is_mx = lmul::mx_element<T>;

template <class T>
T* ptr(std::uintptr_t address) {
  return reinterpret_cast<T*>(address);
}

[[noreturn]] void unsupported(const char* function, const char* what) {
  throw std::invalid_argument(std::string(function) + ": " + what);
}

// ---- conversions ----------------------------------------------------------------------------------

template <class T, class Source>
void quantize_loop(const Source* x, T* out, std::size_t n, lmul::rounding_mode rounding,
                   lmul::overflow_mode overflow) {
  if constexpr (is_e8m0<T>) {
    for (std::size_t i = 0; i < n; ++i) out[i] = lmul::float8_e8m0fnu(double(x[i]));
  } else {
    for (std::size_t i = 0; i < n; ++i) out[i] = lmul::round_to<T>(double(x[i]), rounding, overflow);
  }
}

/// float32 -> format T, round to nearest even, without going through double: the same codes as
/// lmul::round_to<T>(double(x)) (checked by tests/python against ml_dtypes), in a branch-free
/// loop the compiler vectorises. Normal results round on the fp32 bit pattern (add half an ulp
/// minus one plus the kept lsb, shift); results in T's subnormal range (or zero) round by one fp32
/// addition of 2^23 quanta of T's subnormals, a sum whose ulp is that quantum (the hardware
/// rounds to nearest even; fp32 subnormal inputs are exact operands: NumPy's process does not
/// flush them to zero).
struct nearest_params {
  std::uint32_t shift;            // 23 - M
  std::uint32_t rebias;           // (127 - bias) << M
  std::uint32_t min_normal_bits;  // fp32 bits of T's smallest normal 2^(1 - bias)
  std::uint32_t magic_bits;       // fp32 bits of 2^(1 - bias - M + 23)
  std::uint32_t max_code;         // largest finite magnitude code
  std::uint32_t overflow_code;    // magnitude code for overflow and +-inf
  std::uint32_t nan_code;         // magnitude code for NaN (0 where the format has no NaN)
  std::uint32_t sign_mask;
  bool nan_signed;                // false: NaN gives +0 (FP6 / FP4)
};

template <class S>
inline void quantize_nearest_body(const float* x, S* out, std::size_t n, const nearest_params& p) {
  const std::uint32_t shift = p.shift, rebias = p.rebias, min_normal = p.min_normal_bits;
  const std::uint32_t magic_bits = p.magic_bits, max_code = p.max_code, over = p.overflow_code;
  const std::uint32_t nan_code = p.nan_code, sign_mask = p.sign_mask;
  const std::uint32_t half_minus_one = (1u << (shift - 1)) - 1u;
  const std::uint32_t nan_sign_mask = p.nan_signed ? 0xFFFFFFFFu : 0u;
  const float magic = std::bit_cast<float>(magic_bits);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t u = std::bit_cast<std::uint32_t>(x[i]);
    const std::uint32_t a = u & 0x7FFFFFFFu;
    const std::uint32_t sub = std::bit_cast<std::uint32_t>(std::bit_cast<float>(a) + magic) - magic_bits;
    const std::uint32_t normal = ((a + half_minus_one + ((a >> shift) & 1u)) >> shift) - rebias;
    // Selections as masks (all ones or zero), which the vectoriser takes as they are.
    const auto mask = [](bool c) { return 0u - std::uint32_t(c); };
    const std::uint32_t is_sub = mask(a < min_normal), is_over = mask(a == 0x7F800000u);
    const std::uint32_t is_nan = mask(a > 0x7F800000u);
    std::uint32_t code = (sub & is_sub) | (normal & ~is_sub);
    const std::uint32_t too_big = mask(code > max_code) | is_over;
    code = (over & too_big) | (code & ~too_big);
    code = (nan_code & is_nan) | (code & ~is_nan);
    const std::uint32_t sign = (0u - (u >> 31)) & sign_mask & ~(is_nan & ~nan_sign_mask);
    out[i] = S(code | sign);
  }
}

// One build runs on any x86-64 CPU: the loops get an AVX2 clone chosen at load time (ifunc).
#if defined(__x86_64__) && defined(__GNUC__) && defined(__linux__)
#define LMUL_PY_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define LMUL_PY_CLONES
#endif

LMUL_PY_CLONES void quantize_nearest_u8(const float* x, std::uint8_t* out, std::size_t n,
                                        const nearest_params& p) {
  quantize_nearest_body(x, out, n, p);
}
LMUL_PY_CLONES void quantize_nearest_u16(const float* x, std::uint16_t* out, std::size_t n,
                                         const nearest_params& p) {
  quantize_nearest_body(x, out, n, p);
}

template <class T>
void quantize_float_nearest(const float* x, T* out, std::size_t n, lmul::overflow_mode overflow) {
  using F = lmul::format_of_t<T>;
  using S = typename F::storage;
  static_assert(sizeof(T) == sizeof(S) && (sizeof(S) == 1 || sizeof(S) == 2));
  constexpr int M = F::mantissa_bits;
  const nearest_params p{
      std::uint32_t(23 - M),
      std::uint32_t(127 - F::bias) << M,
      std::uint32_t(127 + 1 - F::bias) << 23,
      std::uint32_t(127 + 1 - F::bias - M + 23) << 23,
      std::uint32_t(F::max_finite_code),
      std::uint32_t(lmul::detail::overflow_code<F>(S(0), overflow)),
      F::has_nan ? std::uint32_t(F::nan_code) : 0u,
      std::uint32_t(F::sign_mask),
      F::has_nan};
  if constexpr (sizeof(S) == 1) {
    quantize_nearest_u8(x, reinterpret_cast<std::uint8_t*>(out), n, p);
  } else {
    quantize_nearest_u16(x, reinterpret_cast<std::uint16_t*>(out), n, p);
  }
}

void quantize(int format, std::uintptr_t x, bool x_is_double, std::uintptr_t out, std::size_t n,
              bool toward_zero, bool saturate) {
  const auto rounding = toward_zero ? lmul::rounding_mode::toward_zero : lmul::rounding_mode::nearest_even;
  const auto overflow = saturate ? lmul::overflow_mode::saturating : lmul::overflow_mode::non_saturating;
  visit_format(format, [&](auto t) {
    using T = typename decltype(t)::type;
    if constexpr (is_e8m0<T>) {
      if (toward_zero || saturate) {
        unsupported("quantize", "e8m0fnu rounds to the nearest power of two only (no rounding "
                                "or saturate options)");
      }
    }
    if constexpr (!is_e8m0<T> && !std::is_same_v<T, float>) {
      if (!x_is_double && !toward_zero) {
        quantize_float_nearest(ptr<const float>(x), ptr<T>(out), n, overflow);
        return;
      }
    }
    if (x_is_double) {
      quantize_loop(ptr<const double>(x), ptr<T>(out), n, rounding, overflow);
    } else {
      quantize_loop(ptr<const float>(x), ptr<T>(out), n, rounding, overflow);
    }
  });
}

void dequantize(int format, std::uintptr_t codes, std::uintptr_t out, std::size_t n) {
  visit_format(format, [&](auto t) {
    using T = typename decltype(t)::type;
    const T* in = ptr<const T>(codes);
    float* o = ptr<float>(out);
    for (std::size_t i = 0; i < n; ++i) o[i] = float(in[i]);
  });
}

// ---- L-Mul kernels --------------------------------------------------------------------------------

void multiply(int format, std::uintptr_t a, std::uintptr_t b, std::uintptr_t out, std::size_t n) {
  visit_format(format, [&](auto t) {
    using T = typename decltype(t)::type;
    if constexpr (is_e8m0<T>) {
      unsupported("multiply", "e8m0fnu is a scale format, it has no L-Mul product");
    } else {
      lmul::lmul_multiply(std::span<const T>(ptr<const T>(a), n), std::span<const T>(ptr<const T>(b), n),
                          std::span<T>(ptr<T>(out), n));
    }
  });
}

float dot(int format, std::uintptr_t a, std::uintptr_t b, std::size_t n, bool exact) {
  return visit_format(format, [&](auto t) -> float {
    using T = typename decltype(t)::type;
    if constexpr (is_e8m0<T>) {
      unsupported("dot", "e8m0fnu is a scale format, it has no L-Mul product");
    } else {
      const std::span<const T> x(ptr<const T>(a), n), y(ptr<const T>(b), n);
      if (exact) {
        if constexpr (lmul::lmul_byte_element<T>) {
          return lmul::lmul_dot_exact(x, y);
        } else {
          unsupported("dot", "exact=True needs an 8-bit format (e4m3fn, e5m2 or lmul<M,E> with "
                             "M + E = 7)");
        }
      } else {
        return lmul::lmul_dot(x, y);
      }
    }
  });
}

/// C (m x n, row stride ldc) = A (m x k, row stride lda) * B, where B is k x n with row stride ldb
/// (transposed == false) or given as Bt, n x k with row stride ldb (transposed == true).
void gemm(int format, std::size_t m, std::size_t n, std::size_t k, std::uintptr_t a, std::size_t lda,
          std::uintptr_t b, std::size_t ldb, bool transposed, std::uintptr_t c, std::size_t ldc,
          unsigned threads) {
  visit_format(format, [&](auto t) {
    using T = typename decltype(t)::type;
    if constexpr (is_e8m0<T>) {
      unsupported("matmul", "e8m0fnu is a scale format, it has no L-Mul product");
    } else {
      const lmul::gemm_options options{threads};
      if (transposed) {
        lmul::lmul_gemm_bt(m, n, k, ptr<const T>(a), lda, ptr<const T>(b), ldb, ptr<float>(c), ldc,
                           options);
      } else {
        lmul::lmul_gemm(m, n, k, ptr<const T>(a), lda, ptr<const T>(b), ldb, ptr<float>(c), ldc,
                        options);
      }
    }
  });
}

// ---- MX ------------------------------------------------------------------------------------------

lmul::mx_scale_rule parse_rule(const std::string& rule) {
  if (rule == "floor") return lmul::mx_scale_rule::floor;
  if (rule == "rceil") return lmul::mx_scale_rule::rceil;
  unsupported("mx_quantize", "rule must be 'floor' or 'rceil'");
}

/// Runs body(row_begin, row_end) on `threads` bands of rows (1: the calling thread only).
template <class Body>
void in_bands(std::size_t rows, unsigned threads, Body body) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = unsigned(std::min<std::size_t>(threads, std::max<std::size_t>(rows, 1)));
  if (threads <= 1) {
    body(std::size_t{0}, rows);
    return;
  }
  std::vector<std::thread> pool;
  std::vector<std::exception_ptr> errors(threads);
  const std::size_t per = rows / threads, extra = rows % threads;
  std::size_t begin = 0;
  for (unsigned t = 0; t < threads; ++t) {
    const std::size_t end = begin + per + (t < extra ? 1 : 0);
    pool.emplace_back([&, t, begin, end] {
      try {
        body(begin, end);
      } catch (...) {
        errors[t] = std::current_exception();
      }
    });
    begin = end;
  }
  for (auto& th : pool) th.join();
  for (auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

template <class Fn>
void visit_mx(const char* function, int format, Fn&& f) {
  visit_format(format, [&](auto t) {
    using T = typename decltype(t)::type;
    if constexpr (is_mx<T>) {
      f(t);
    } else {
      unsupported(function, "the MX element format must be e4m3fn, e5m2, e2m3fn, e3m2fn or e2m1fn");
    }
  });
}

/// rows x k values (row stride k) into rows x ceil(k / block) scales and rows x k elements.
void mx_quantize(int format, std::uintptr_t x, std::size_t rows, std::size_t k, std::uintptr_t scales,
                 std::uintptr_t elems, const std::string& rule_name, std::size_t block) {
  const auto rule = parse_rule(rule_name);
  if (block == 0) unsupported("mx_quantize", "block must be positive");
  const std::size_t blocks = k / block + (k % block != 0);
  visit_mx("mx_quantize", format, [&](auto t) {
    using T = typename decltype(t)::type;
    for (std::size_t i = 0; i < rows; ++i) {
      lmul::mx_quantize<T>(std::span<const float>(ptr<const float>(x) + i * k, k),
                           std::span<lmul::float8_e8m0fnu>(ptr<lmul::float8_e8m0fnu>(scales) + i * blocks, blocks),
                           std::span<T>(ptr<T>(elems) + i * k, k), rule, block);
    }
  });
}

void mx_dequantize(int format, std::uintptr_t scales, std::uintptr_t elems, std::size_t rows,
                   std::size_t k, std::uintptr_t out, std::size_t block) {
  if (block == 0) unsupported("mx_dequantize", "block must be positive");
  const std::size_t blocks = k / block + (k % block != 0);
  visit_mx("mx_dequantize", format, [&](auto t) {
    using T = typename decltype(t)::type;
    for (std::size_t i = 0; i < rows; ++i) {
      lmul::mx_dequantize<T>(
          std::span<const lmul::float8_e8m0fnu>(ptr<const lmul::float8_e8m0fnu>(scales) + i * blocks, blocks),
          std::span<const T>(ptr<const T>(elems) + i * k, k), std::span<float>(ptr<float>(out) + i * k, k),
          block);
    }
  });
}

float mx_dot(int format, std::uintptr_t scales_a, std::uintptr_t a, std::uintptr_t scales_b,
             std::uintptr_t b, std::size_t n, std::size_t block, bool use_lmul) {
  if (block == 0) unsupported("mx_dot", "block must be positive");
  const std::size_t blocks = n / block + (n % block != 0);
  float result = 0.f;
  visit_mx("mx_dot", format, [&](auto t) {
    using T = typename decltype(t)::type;
    const std::span<const lmul::float8_e8m0fnu> sa(ptr<const lmul::float8_e8m0fnu>(scales_a), blocks),
        sb(ptr<const lmul::float8_e8m0fnu>(scales_b), blocks);
    const std::span<const T> x(ptr<const T>(a), n), y(ptr<const T>(b), n);
    result = use_lmul ? lmul::lmul_mx_dot(sa, x, sb, y, block) : lmul::mx_dot(sa, x, sb, y, block);
  });
  return result;
}

/// The exact MX GEMM (lmul = False): c[i][j] = mx_dot(row i of A, row j of Bt), computed as
/// mx_dot does (exact element products summed in element order per block, each block sum scaled
/// by 2^(sa + sb) with one rounding, the blocks summed in order), on elements decoded once.
template <class T>
void exact_mx_gemm(std::size_t m, std::size_t n, std::size_t k, const lmul::float8_e8m0fnu* sa,
                   const T* a, const lmul::float8_e8m0fnu* sb, const T* bt, float* c,
                   std::size_t block, unsigned threads) {
  const std::size_t blocks = k / block + (k % block != 0);
  std::vector<float> av(m * k), bv(n * k);
  for (std::size_t i = 0; i < m * k; ++i) av[i] = float(a[i]);
  for (std::size_t i = 0; i < n * k; ++i) bv[i] = float(bt[i]);
  in_bands(m, threads, [&](std::size_t row_begin, std::size_t row_end) {
    for (std::size_t i = row_begin; i < row_end; ++i) {
      for (std::size_t j = 0; j < n; ++j) {
        float total = 0.f;
        for (std::size_t p = 0; p < blocks; ++p) {
          const auto sap = sa[i * blocks + p], sbp = sb[j * blocks + p];
          if (isnan(sap) || isnan(sbp)) {
            total = std::numeric_limits<float>::quiet_NaN();
            break;
          }
          const std::size_t first = p * block, last = std::min(k, first + block);
          float sum = 0.f;
          const float* x = av.data() + i * k;
          const float* y = bv.data() + j * k;
          for (std::size_t q = first; q < last; ++q) sum += x[q] * y[q];  // exact products
          const int exponent = int(sap.bits()) + int(sbp.bits()) - 2 * lmul::float8_e8m0fnu::bias;
          total += lmul::detail::scale_by_power_of_two(sum, exponent);
        }
        c[i * n + j] = total;
      }
    }
  });
}

/// C (m x n, contiguous) = A (m x k, contiguous) times Bt (n x k, contiguous) transposed, MX.
void mx_gemm(int format, std::size_t m, std::size_t n, std::size_t k, std::uintptr_t scales_a,
             std::uintptr_t a, std::uintptr_t scales_bt, std::uintptr_t bt, std::uintptr_t c,
             std::size_t block, bool use_lmul, unsigned threads) {
  if (block == 0) unsupported("mx_matmul", "block must be positive");
  const std::size_t blocks = k / block + (k % block != 0);
  visit_mx("mx_matmul", format, [&](auto t) {
    using T = typename decltype(t)::type;
    const auto* sa = ptr<const lmul::float8_e8m0fnu>(scales_a);
    const auto* sb = ptr<const lmul::float8_e8m0fnu>(scales_bt);
    const T* x = ptr<const T>(a);
    const T* y = ptr<const T>(bt);
    float* out = ptr<float>(c);
    // The argument checks of lmul_mx_gemm on the whole problem first (nothing written on error).
    lmul::detail::check_mx_gemm(m, n, k, sa, x, k, sb, y, k, out, n, block);
    if (!use_lmul) {
      exact_mx_gemm(m, n, k, sa, x, sb, y, out, block, threads);
      return;
    }
    in_bands(m, threads, [&](std::size_t row_begin, std::size_t row_end) {
      lmul::lmul_mx_gemm(row_end - row_begin, n, k, sa + row_begin * blocks, x + row_begin * k, k,
                         sb, y, k, out + row_begin * n, n, block);
    });
  });
}

/// The start of a NumPy array object (the public fields of PyArrayObject, the same in NumPy 1.x and
/// 2.x; pybind11 reads them the same way): the data pointer without building the
/// __array_interface__ dictionary, which costs microseconds per call for ml_dtypes' dtypes.
struct numpy_array_head {
  PyObject_HEAD
  char* data;
};

PyTypeObject* ndarray_type = nullptr;

std::uintptr_t data_address(nb::handle array) {
  if (ndarray_type == nullptr || !PyObject_TypeCheck(array.ptr(), ndarray_type)) {
    throw nb::type_error("lmul._core.address: expected a numpy.ndarray");
  }
  return reinterpret_cast<std::uintptr_t>(reinterpret_cast<numpy_array_head*>(array.ptr())->data);
}

}  // namespace

NB_MODULE(_core, m) {
  {
    nb::object ndarray = nb::module_::import_("numpy").attr("ndarray");
    ndarray_type = reinterpret_cast<PyTypeObject*>(ndarray.ptr());
    Py_INCREF(ndarray.ptr());  // kept for the life of the process
  }
  m.def("address", &data_address, "The data pointer of a numpy.ndarray, as an int");
  m.doc() = "lmul's compiled kernels (internal: use the functions of the lmul package)";
  m.def("formats", [] { return list_formats(formats{}); },
        "(M, E, specials, itemsize) of every format index");
  m.def("selected_arch", [] { return std::string(lmul::runtime::selected_kernels().arch_name); },
        "The instruction set whose kernels this process runs");
  m.def(
      "arch_names",
      [] {
        std::vector<std::string> names;
        for (const char* const* name = lmul::runtime::arch_names(); *name != nullptr; ++name) {
          if (lmul::runtime::kernels_for(*name) != nullptr) names.emplace_back(*name);
        }
        return names;
      },
      "The instruction sets compiled into the library that this CPU can run, best first");
  using release = nb::call_guard<nb::gil_scoped_release>;
  m.def("quantize", &quantize, release());
  m.def("dequantize", &dequantize, release());
  m.def("multiply", &multiply, release());
  m.def("dot", &dot, release());
  m.def("gemm", &gemm, release());
  m.def("mx_quantize", &mx_quantize, release());
  m.def("mx_dequantize", &mx_dequantize, release());
  m.def("mx_dot", &mx_dot, release());
  m.def("mx_gemm", &mx_gemm, release());
}
