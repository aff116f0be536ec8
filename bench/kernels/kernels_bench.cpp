// lmul-bench-kernels -- the span kernels against their fp32 and exact fp8 baselines.
//
//   multiply/<impl>/<type>/n   element-wise products: fp32 a*b, L-Mul (lmul_multiply), exact fp8
//   dot/<impl>/<type>/n        dot products: cblas_sdot (OpenBLAS), blis_sdot (BLIS), fp32 FMA dot,
//                              lmul_dot, lmul_dot_exact, exact fp8 (decode -> exact products)
//   stream/..., peak/...       the hardware's limits, measured in the same run (common/machine_limits.hpp)
//
// The baselines are the fastest implementations found (bench/baselines/*.hpp say why); each one's
// alternatives run too, under <impl>_<method> names, so a reader sees the baseline against them:
//   dot/fp32_fma              8 FMA chains   (alternatives fp32_fma_4acc, fp32_fma_12acc)
//   multiply/fp32             4x unrolled    (alternative fp32_plain: the compiler's vectoriser)
//   dot/fp8_emulated          the first available of bf16_dpbf16 (AVX-512 VBMI + BF16), vbmi_fp32fma,
//                             decode_fp32fma (AVX-512F), avx2_f16c_fp32fma (AVX2 + FMA + F16C),
//                             table_fp32fma (any); bf16_shifts_dpbf16 is measured as an alternative only
//   multiply/fp8_emulated     the first available of vbmi_fp32, decode_fp32, avx2_f16c (AVX2 + F16C),
//                             then table_gather and table_scalar (slower on Zen 4: 2.3 and 1.2
//                             against 5.7 G elements/s)
// Every exact fp8 method is checked on all 256 x 256 code pairs against the library's exact
// conversions and exactly rounded operator* before it is timed; a method that differs reports an
// error instead of a rate.
//   multiply/bf16_exact/lmul<7,8>, dot/bf16_exact/lmul<7,8>     exact bf16 (lmul<7,8>'s layout) and
//   multiply/fp16_exact/lmul<10,5>, dot/fp16_exact/lmul<10,5>   IEEE fp16 (lmul<10,5>'s layout)
//                             baselines (baselines/half.hpp), checked first: every code against
//                             boundary and random partners, bit for bit against the fp32 product
//                             rounded by the library's conversion. The 16-bit operands are
//                             N(0, 1)-like values (8-bit ones: uniform finite codes).
//   dot/lmul_normal/<type>, dot/lmul_exact_normal/<type>   the 8-bit dots on N(0, 1)-like values
//                             (uniform codes span every exponent: the exact dot's worst case)
// Counters: items_per_second (elements), bytes_per_second (operand and result bytes), and
// model_pJ_per_elem: a MODEL ESTIMATE of the arithmetic energy per element from spec section 5
// (Horowitz, 45 nm), not a measurement. bench/kernels/summarize.py prints ratios and limits.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>
#include <cblas.h>

#include <lmul/kernels.hpp>

#include "baselines/fp32.hpp"
#include "baselines/fp8.hpp"
#include "baselines/half.hpp"
#include "common/blas.hpp"
#include "common/context.hpp"
#include "common/machine_limits.hpp"
#include "common/machine.hpp"
#include "common/placed_buffer.hpp"

namespace {

// ---- data ---------------------------------------------------------------------------------

std::uint64_t next_random(std::uint64_t& state) {  // xorshift64*: fast enough for 2^25 elements
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  return state * 0x2545F4914F6CDD1Dull;
}

using lmul_bench::placed_buffer;

/// How operands are drawn: uniform over every finite code (8-bit formats; every exponent alike),
/// or N(0, 1)-like values (the 16-bit formats always; the 8-bit formats' `_normal` rows).
enum class values { codes, normal };

/// Finite values of T (no NaN/inf codes: those take the kernels' slow paths), fixed per (T, n, seed,
/// kind); seed is also the buffer's slot (operands use 1 and 2, results 3).
template <class T>
const placed_buffer<T>& data(std::size_t n, int seed, values kind = values::codes) {
  static std::map<std::tuple<std::size_t, int, values>, std::unique_ptr<placed_buffer<T>>> cache;
  auto& slot = cache[{n, seed, kind}];
  if (slot) return *slot;
  slot = std::make_unique<placed_buffer<T>>(n, seed);
  std::uint64_t state = 0x9E3779B97F4A7C15ull * std::uint64_t(seed + 1);
  using F = lmul::format_of_t<T>;
  for (auto& x : *slot) {
    const std::uint64_t r = next_random(state);
    if constexpr (std::is_same_v<T, float>) {
      x = float(std::int64_t(r >> 40) - (std::int64_t{1} << 23)) * 0x1p-22f;  // uniform in [-2, 2)
    } else if (sizeof(T) == 2 || kind == values::normal) {
      // N(0, 1)-like values (the sum of 4 uniforms, as common/normal_like_data.hpp), the paper's
      // setting; uniform codes would make most bf16 products overflow or underflow.
      float sum = 0.0f;
      for (int k = 0; k < 4; ++k) sum += float((r >> (16 * k)) & 0xFFFF) * 0x1p-16f;
      x = T((sum - 2.0f) * 1.7320508f);
    } else {
      std::uint64_t code = r % (F::max_finite_code + 1);  // finite magnitudes, uniformly
      x = T::from_bits(typename F::storage(code | ((r >> 63) ? F::sign_mask : 0)));
    }
  }
  return *slot;
}

void set_counters(benchmark::State& state, std::size_t n, std::size_t bytes_per_element,
                  double model_pj) {
  state.SetItemsProcessed(std::int64_t(state.iterations()) * std::int64_t(n));
  state.SetBytesProcessed(std::int64_t(state.iterations()) * std::int64_t(n * bytes_per_element));
  state.counters["model_pJ_per_elem"] = model_pj;
  state.SetLabel("model_pJ_per_elem is a model estimate (spec 5), not measured");
}

// Spec section 5 energies (pJ per operation, 45 nm): model estimates.
constexpr double int8_add = 0.03, int16_add = 0.05, int32_add = 0.1;
constexpr double fp32_add = 0.9, fp32_mul = 3.7;

template <class T>
constexpr double int_add_energy() {
  return sizeof(T) == 1 ? int8_add : sizeof(T) == 2 ? int16_add : int32_add;
}

// ---- the timed loops every kernel benchmark shares ---------------------------------------------

/// Times multiply(a, b, out, n) on the cached operands of n elements of T (the result's writes
/// kept by DoNotOptimize + ClobberMemory) and sets the counters: 3 arrays of T move per element.
template <class T, class Multiply>
void time_multiply(benchmark::State& state, double model_pj, Multiply multiply) {
  const std::size_t n = std::size_t(state.range(0));
  const auto &a = data<T>(n, 1), &b = data<T>(n, 2);
  placed_buffer<T> out(n, 3);
  for (auto _ : state) {
    multiply(a.data(), b.data(), out.data(), n);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  set_counters(state, n, 3 * sizeof(T), model_pj);
}

/// Times dot(a, b, n) on the cached operands of n elements of T and sets the counters.
template <class T, class Dot>
void time_dot(benchmark::State& state, double model_pj, Dot dot, values kind = values::codes) {
  const std::size_t n = std::size_t(state.range(0));
  const auto &a = data<T>(n, 1, kind), &b = data<T>(n, 2, kind);
  for (auto _ : state) benchmark::DoNotOptimize(dot(a.data(), b.data(), n));
  set_counters(state, n, 2 * sizeof(T), model_pj);
}

/// The kernels' span interface on the pointers the timed loops pass.
template <class T>
std::span<const T> operand(const T* p, std::size_t n) {
  return {p, n};
}

/// The exact fp8 baselines work on the codes: the same bytes, seen as std::uint8_t.
template <class T>
const std::uint8_t* codes(const T* p) {
  return reinterpret_cast<const std::uint8_t*>(p);
}

// ---- fp32 baselines -------------------------------------------------------------------------

// The baselines are template arguments, called through a lambda so that each benchmark calls its
// function directly (as a function pointer argument it could become an indirect call).
template <void (*Multiply)(const float*, const float*, float*, std::size_t)>
void fp32_multiply(benchmark::State& state) {
  time_multiply<float>(state, fp32_mul, [](auto... args) { Multiply(args...); });
}

template <float (*Dot)(const float*, const float*, std::size_t)>
void fp32_dot(benchmark::State& state) {
  time_dot<float>(state, fp32_mul + fp32_add, [](auto... args) { return Dot(args...); });
}

/// A BLAS dot: timed only when check_blas_baselines() found `routine` right (common/blas.hpp).
template <float (*Dot)(const float*, const float*, std::size_t)>
void blas_dot(benchmark::State& state, const char* routine) {
  if (const char* error = lmul_bench::blas_error(routine)) {
    state.SkipWithError(error);
    return;
  }
  fp32_dot<Dot>(state);
}

float openblas_sdot(const float* a, const float* b, std::size_t n) { return cblas_sdot(int(n), a, 1, b, 1); }
/// The OpenBLAS core the environment pinned (an extra row, never a baseline; common/blas.hpp).
float pinned_sdot(const float* a, const float* b, std::size_t n) {
  return lmul_bench::pinned_openblas_copy()->sdot(int(n), a, 1, b, 1);
}
#if defined(LMUL_BENCH_HAVE_BLIS)
float blis_sdot(const float* a, const float* b, std::size_t n) { return lmul_bench::blis_sdot(int(n), a, b); }
#endif

// ---- L-Mul kernels --------------------------------------------------------------------------

template <class T>
void lmul_multiply(benchmark::State& state) {
  time_multiply<T>(state, int_add_energy<T>(), [](const T* a, const T* b, T* out, std::size_t n) {
    lmul::lmul_multiply(operand(a, n), operand(b, n), std::span<T>(out, n));
  });
}

template <class T, values Kind = values::codes>
void lmul_dot(benchmark::State& state) {
  time_dot<T>(state, int_add_energy<T>() + fp32_add, [](const T* a, const T* b, std::size_t n) {
    return lmul::lmul_dot(operand(a, n), operand(b, n));
  }, Kind);
}

template <class T, values Kind = values::codes>
void lmul_dot_exact(benchmark::State& state) {
  // The operand add, then one integer add into a class counter.
  time_dot<T>(state, int8_add + int32_add, [](const T* a, const T* b, std::size_t n) {
    return lmul::lmul_dot_exact(operand(a, n), operand(b, n));
  }, Kind);
}

// ---- exact fp8 baselines (bench/baselines/fp8.hpp) -------------------------------------------

using fp8_multiply_fn = void (*)(const std::uint8_t*, const std::uint8_t*, std::uint8_t*, std::size_t);
using fp8_dot_fn = float (*)(const std::uint8_t*, const std::uint8_t*, std::size_t);

template <class Fn>
struct method {
  std::string name;
  Fn fn;
};

/// The exact fp8 dot methods this build and this CPU can run, the baseline (fastest) first.
template <class T>
std::vector<method<fp8_dot_fn>> fp8_dot_methods() {
  std::vector<method<fp8_dot_fn>> out;
  namespace fp8 = lmul_bench::fp8;
#if defined(__AVX512BW__) && defined(__AVX512VBMI__) && defined(__AVX512BF16__)
  if (lmul_bench::cpu_has_vbmi_bf16()) out.push_back({"bf16_dpbf16", fp8::dot_bf16_dpbf16<T>});
  if (lmul_bench::cpu_has_vbmi_bf16()) out.push_back({"bf16_shifts_dpbf16", fp8::dot_bf16_dpbf16_shifts<T>});
#endif
#if defined(__AVX512BW__) && defined(__AVX512VBMI__)
  if (__builtin_cpu_supports("avx512vbmi")) out.push_back({"vbmi_fp32fma", fp8::dot_vbmi_fp32fma<T>});
#endif
#if defined(__AVX512F__)
  out.push_back({"decode_fp32fma", fp8::dot_decode_fp32fma<T>});
#endif
#if defined(__AVX2__) && defined(__FMA__) && defined(__F16C__)
  out.push_back({"avx2_f16c_fp32fma", fp8::dot_avx2_f16c_fp32fma<T>});
#endif
  out.push_back({"table_fp32fma", fp8::dot_table_fp32fma<T>});
  return out;
}

/// The exact fp8 multiply methods this build and CPU can run, the baseline (fastest on Zen 4) first.
template <class T>
std::vector<method<fp8_multiply_fn>> fp8_multiply_methods() {
  std::vector<method<fp8_multiply_fn>> out;
  namespace fp8 = lmul_bench::fp8;
#if defined(__AVX512BW__) && defined(__AVX512VBMI__)
  if (__builtin_cpu_supports("avx512vbmi")) out.push_back({"vbmi_fp32", fp8::multiply_vbmi_fp32<T>});
#endif
#if defined(__AVX512F__)
  out.push_back({"decode_fp32", fp8::multiply_decode_fp32<T>});
  out.push_back({"table_gather", fp8::multiply_table_gather<T>});
#endif
#if defined(__AVX2__) && defined(__FMA__) && defined(__F16C__)
  out.push_back({"avx2_f16c", fp8::multiply_avx2_f16c<T>});
#endif
  out.push_back({"table_scalar", fp8::multiply_table_scalar<T>});
  return out;
}

/// All 256 x 256 code pairs through `multiply`, bit for bit against the exactly rounded operator*
/// (any NaN matches any NaN: the NaN payload is not part of the contract).
template <class T>
bool multiply_is_exact(fp8_multiply_fn multiply) {
  placed_buffer<std::uint8_t> a(65536, 1), b(65536, 2), out(65536, 3);
  for (std::size_t i = 0; i < 65536; ++i) {
    a[i] = std::uint8_t(i >> 8);
    b[i] = std::uint8_t(i);
  }
  multiply(a.data(), b.data(), out.data(), 65536);
  for (std::size_t i = 0; i < 65536; ++i) {
    const T expected = T::from_bits(a[i]) * T::from_bits(b[i]);
    const T got = T::from_bits(out[i]);
    if (!(lmul::isnan(expected) && lmul::isnan(got)) && got.bits() != expected.bits()) return false;
  }
  return true;
}

/// Every code pair as the one nonzero term of a 256-element dot (at a position that moves through
/// all vector lanes, the rest zeros), against the exact product: a sum with one nonzero term is
/// that term, whatever the order of accumulation.
template <class T>
bool dot_is_exact(fp8_dot_fn dot) {
  constexpr std::size_t n = 256;
  placed_buffer<std::uint8_t> a(n, 1), b(n, 2);
  for (unsigned x = 0; x < 256; ++x) {
    for (unsigned y = 0; y < 256; ++y) {
      const std::size_t at = (x * 131 + y) % n;
      a[at] = std::uint8_t(x);
      b[at] = std::uint8_t(y);
      const float got = dot(a.data(), b.data(), n);
      const float expected = lmul_bench::fp8::exact_product<T>(std::uint8_t(x), std::uint8_t(y));
      a[at] = b[at] = 0;
      if (!(std::isnan(expected) && std::isnan(got)) && got != expected) return false;
    }
  }
  return true;
}

template <class T>
void fp8_multiply(benchmark::State& state, fp8_multiply_fn multiply) {
  static std::map<fp8_multiply_fn, bool> checked;  // a baseline that is wrong would flatter L-Mul
  if (!checked.contains(multiply)) checked[multiply] = multiply_is_exact<T>(multiply);
  if (!checked[multiply]) {
    state.SkipWithError("exact fp8 multiply differs from the exactly rounded product");
    return;
  }
  time_multiply<T>(state, fp32_mul, [multiply](const T* a, const T* b, T* out, std::size_t n) {
    multiply(codes(a), codes(b), reinterpret_cast<std::uint8_t*>(out), n);
  });
}

template <class T>
void fp8_dot(benchmark::State& state, fp8_dot_fn dot) {
  static std::map<fp8_dot_fn, bool> checked;
  if (!checked.contains(dot)) checked[dot] = dot_is_exact<T>(dot);
  if (!checked[dot]) {
    state.SkipWithError("exact fp8 dot differs from the exact products");
    return;
  }
  time_dot<T>(state, fp32_mul + fp32_add,
              [dot](const T* a, const T* b, std::size_t n) { return dot(codes(a), codes(b), n); });
}

// ---- exact 16-bit baselines (bench/baselines/half.hpp) ------------------------------------------

using half_multiply_fn = void (*)(const std::uint16_t*, const std::uint16_t*, std::uint16_t*, std::size_t);
using half_dot_fn = float (*)(const std::uint16_t*, const std::uint16_t*, std::size_t);

template <class T>
std::uint16_t bits16(T x) {
  return std::uint16_t(x.bits());
}

/// Partners of every code in the exactness checks: zeros, the subnormal and normal boundaries, 1,
/// max finite, inf, NaN (both signs), and random codes.
template <class T>
std::vector<std::uint16_t> partner_codes() {
  using F = lmul::format_of_t<T>;
  const std::uint16_t min_normal = std::uint16_t(1u << F::mantissa_bits);
  const std::uint16_t one = bits16(T(1.0f));
  std::vector<std::uint16_t> out = {0, 1, std::uint16_t(min_normal - 1), min_normal, std::uint16_t(min_normal + 1),
                                    one, std::uint16_t(one + 1), std::uint16_t(one - 1), bits16(T(0.5f)),
                                    bits16(T(3.0f)), std::uint16_t(F::max_finite_code),
                                    std::uint16_t(F::max_finite_code - 1), std::uint16_t(F::infinity_code),
                                    std::uint16_t(F::infinity_code + 1)};
  const std::size_t fixed = out.size();
  for (std::size_t k = 0; k < fixed; ++k) out.push_back(std::uint16_t(out[k] | F::sign_mask));
  std::uint64_t state = 0xD1B54A32D192ED03ull;
  for (int k = 0; k < 36; ++k) out.push_back(std::uint16_t(next_random(state)));
  return out;
}

/// The product a user without L-Mul gets: the fp32 product of the two values, rounded to the
/// format by the library's exactly rounded float -> T conversion (nearest even).
template <class T>
T fp32_product_rounded(std::uint16_t a, std::uint16_t b) {
  return T(float(T::from_bits(a)) * float(T::from_bits(b)));
}

/// Every code against every partner, and 2^20 random pairs, bit for bit against
/// fp32_product_rounded (any NaN matches any NaN).
template <class T>
bool half_multiply_is_exact(half_multiply_fn multiply) {
  constexpr std::size_t n = 65536;
  placed_buffer<std::uint16_t> a(n, 1), b(n, 2), out(n, 3);
  const auto same = [](std::uint16_t got, T expected) {
    return (lmul::isnan(expected) && lmul::isnan(T::from_bits(got))) || got == expected.bits();
  };
  for (const std::uint16_t partner : partner_codes<T>()) {
    for (std::size_t i = 0; i < n; ++i) a[i] = std::uint16_t(i), b[i] = partner;
    for (const bool swap : {false, true}) {
      multiply(swap ? b.data() : a.data(), swap ? a.data() : b.data(), out.data(), n);
      for (std::size_t i = 0; i < n; ++i)
        if (!same(out[i], fp32_product_rounded<T>(a[i], b[i]))) return false;
    }
  }
  std::uint64_t state = 0x9E3779B97F4A7C15ull;
  for (int round = 0; round < 16; ++round) {
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t r = next_random(state);
      a[i] = std::uint16_t(r), b[i] = std::uint16_t(r >> 16);
    }
    multiply(a.data(), b.data(), out.data(), n);
    for (std::size_t i = 0; i < n; ++i)
      if (!same(out[i], fp32_product_rounded<T>(a[i], b[i]))) return false;
  }
  return true;
}

/// Every code times every partner as the one nonzero term of a 67-element dot (at a position that
/// moves through all vector lanes and the scalar tail), against the fp32 product.
template <class T>
bool half_dot_is_exact(half_dot_fn dot, bool flushes_subnormals) {
  constexpr std::size_t n = 67;
  placed_buffer<std::uint16_t> a(n, 1), b(n, 2);
  for (std::size_t i = 0; i < n; ++i) a[i] = b[i] = 0;
  const auto partners = partner_codes<T>();
  for (unsigned x = 0; x < 65536; ++x) {
    for (std::size_t k = 0; k < partners.size(); ++k) {
      const std::size_t at = (x * 131 + k * 7) % n;
      a[at] = std::uint16_t(x);
      b[at] = partners[k];
      const float got = dot(a.data(), b.data(), n);
      const float expected = float(T::from_bits(a[at])) * float(T::from_bits(b[at]));
      a[at] = b[at] = 0;
      if (flushes_subnormals && got == 0.0f && std::abs(expected) < 0x1p-126f) continue;  // vdpbf16ps: FTZ
      if (!(std::isnan(expected) && std::isnan(got)) && got != expected) return false;
    }
  }
  return true;
}

template <class T>
void half_multiply(benchmark::State& state, half_multiply_fn multiply) {
  static std::map<half_multiply_fn, bool> checked;
  if (!checked.contains(multiply)) checked[multiply] = half_multiply_is_exact<T>(multiply);
  if (!checked[multiply]) {
    state.SkipWithError("exact 16-bit multiply differs from the fp32 product rounded to the format");
    return;
  }
  time_multiply<T>(state, fp32_mul, [multiply](const T* a, const T* b, T* out, std::size_t n) {
    multiply(reinterpret_cast<const std::uint16_t*>(a), reinterpret_cast<const std::uint16_t*>(b),
             reinterpret_cast<std::uint16_t*>(out), n);
  });
}

template <class T>
void half_dot(benchmark::State& state, half_dot_fn dot, bool flushes_subnormals) {
  static std::map<half_dot_fn, bool> checked;
  if (!checked.contains(dot)) checked[dot] = half_dot_is_exact<T>(dot, flushes_subnormals);
  if (!checked[dot]) {
    state.SkipWithError("exact 16-bit dot differs from the fp32 products");
    return;
  }
  time_dot<T>(state, fp32_mul + fp32_add, [dot](const T* a, const T* b, std::size_t n) {
    return dot(reinterpret_cast<const std::uint16_t*>(a), reinterpret_cast<const std::uint16_t*>(b), n);
  });
}

// ---- registration ---------------------------------------------------------------------------

const std::vector<std::int64_t> sizes = {4096, 65536, 1 << 20, 1 << 25};

template <class Fn>
void add(const std::string& name, Fn fn, std::size_t size_count = sizes.size()) {
  auto* b = benchmark::RegisterBenchmark(name.c_str(), fn);
  for (std::size_t k = 0; k < size_count; ++k) b->Arg(sizes[k]);
  b->Unit(benchmark::kMicrosecond);
}

template <class T>
void add_byte_type(const std::string& type) {
  add("multiply/lmul/" + type, lmul_multiply<T>);
  add("dot/lmul/" + type, lmul_dot<T>);
  add("dot/lmul_exact/" + type, lmul_dot_exact<T>);
  // The two dots on N(0, 1)-like operands: the exact dot's cost follows the exponent span of the
  // data (exact_dot_vbmi.hpp). Up to 2^20 (at 2^25 both dots wait for memory).
  add("dot/lmul_normal/" + type, lmul_dot<T, values::normal>, 3);
  add("dot/lmul_exact_normal/" + type, lmul_dot_exact<T, values::normal>, 3);
}

/// An exact 16-bit method: its name, function, and whether it flushes fp32 subnormals (vdpbf16ps).
struct half_method {
  std::string name;
  half_multiply_fn multiply;
  half_dot_fn dot;
  bool flushes_subnormals;
};

/// The exact bf16 / fp16 methods this build and CPU can run, the fastest expected first.
std::vector<half_method> bf16_dot_methods() {
  std::vector<half_method> out;
  namespace half = lmul_bench::half;
#if defined(LMUL_BENCH_HALF_DPBF16)
  if (__builtin_cpu_supports("avx512bf16")) out.push_back({"dpbf16", nullptr, half::dot_bf16_dpbf16, true});
#endif
  out.push_back({lmul_bench::half::have_fp16 ? "fma" : "scalar", nullptr, half::dot_bf16, false});
#if defined(LMUL_BENCH_HALF_DPBF16)
  if (__builtin_cpu_supports("avx512bf16")) {
    out.push_back({"dpbf16_no_prefetch", nullptr, half::dot_bf16_dpbf16_no_prefetch, true});
  }
#endif
  return out;
}
std::vector<half_method> bf16_multiply_methods() {
  std::vector<half_method> out;
  namespace half = lmul_bench::half;
#if defined(LMUL_BENCH_HALF_AVX512)
  out.push_back({"avx512", half::multiply_bf16_avx512, nullptr, false});
#endif
  out.push_back({lmul_bench::half::have_fp16 ? "avx2" : "scalar", half::multiply_bf16, nullptr, false});
  return out;
}
std::vector<half_method> fp16_methods() {
  std::vector<half_method> out;
#if defined(LMUL_BENCH_HALF_AVX512FP16)
  if (lmul_bench::cpu_has_avx512fp16())
    out.push_back({"vmulph", lmul_bench::half::multiply_fp16_vmulph, nullptr, false});
#endif
#if defined(LMUL_BENCH_HALF_AVX512)
  out.push_back({"avx512", lmul_bench::half::multiply_fp16_avx512, lmul_bench::half::dot_fp16_avx512, false});
#endif
#if defined(LMUL_BENCH_HALF_AVX2)
  out.push_back({"f16c", lmul_bench::half::multiply_fp16, lmul_bench::half::dot_fp16, false});
#endif
  return out;
}

/// lmul_multiply and lmul_dot on a 16-bit format, and its exact baselines: the first method of each
/// list under <op>/<impl>/<type>, the others under <op>/<impl>_<method>/<type>.
template <class T>
void add_16bit_type(const std::string& type, const std::string& impl, const std::vector<half_method>& multiplies,
                    const std::vector<half_method>& dots) {
  add("multiply/lmul/" + type, lmul_multiply<T>);
  add("dot/lmul/" + type, lmul_dot<T>);
  for (std::size_t k = 0; k < multiplies.size(); ++k) {
    const std::string name = k == 0 ? impl : impl + "_" + multiplies[k].name;
    add("multiply/" + name + "/" + type, [fn = multiplies[k].multiply](benchmark::State& s) { half_multiply<T>(s, fn); });
  }
  for (std::size_t k = 0; k < dots.size(); ++k) {
    const std::string name = k == 0 ? impl : impl + "_" + dots[k].name;
    add("dot/" + name + "/" + type, [m = dots[k]](benchmark::State& s) { half_dot<T>(s, m.dot, m.flushes_subnormals); });
  }
  if (!multiplies.empty()) benchmark::AddCustomContext("half_multiply_method/" + type, multiplies[0].name);
  if (!dots.empty()) benchmark::AddCustomContext("half_dot_method/" + type, dots[0].name);
}

/// The exact fp8 baselines: the first method under "<op>/fp8_emulated/<type>", the others under
/// "<op>/fp8_emulated_<method>/<type>"; the methods' names go into the benchmark context.
template <class T>
void add_fp8_baselines(const std::string& type) {
  const auto dots = fp8_dot_methods<T>();
  for (std::size_t k = 0; k < dots.size(); ++k) {
    const std::string impl = k == 0 ? "fp8_emulated" : "fp8_emulated_" + dots[k].name;
    add("dot/" + impl + "/" + type, [fn = dots[k].fn](benchmark::State& s) { fp8_dot<T>(s, fn); });
  }
  const auto multiplies = fp8_multiply_methods<T>();
  for (std::size_t k = 0; k < multiplies.size(); ++k) {
    const std::string impl = k == 0 ? "fp8_emulated" : "fp8_emulated_" + multiplies[k].name;
    add("multiply/" + impl + "/" + type, [fn = multiplies[k].fn](benchmark::State& s) { fp8_multiply<T>(s, fn); });
  }
  benchmark::AddCustomContext("fp8_dot_method/" + type, dots[0].name);
  benchmark::AddCustomContext("fp8_multiply_method/" + type, multiplies[0].name);
}

}  // namespace

int main(int argc, char** argv) {
  lmul_bench::start_benchmark_program(argv);  // may re-execute with a better OpenBLAS core
  add("multiply/fp32/float", fp32_multiply<lmul_bench::fp32::multiply>);
  add("multiply/fp32_plain/float", fp32_multiply<lmul_bench::fp32::multiply_plain>);
  add("multiply/lmul/float", lmul_multiply<float>);
  add("dot/cblas_sdot/float", [](benchmark::State& s) { blas_dot<openblas_sdot>(s, "openblas_sdot"); });
  if (lmul_bench::pinned_openblas_copy())  // the weaker core the environment pinned: extra row only
    add("dot/cblas_sdot_pinned/float", [](benchmark::State& s) { blas_dot<pinned_sdot>(s, "openblas_pinned_sdot"); });
#if defined(LMUL_BENCH_HAVE_BLIS)
  add("dot/blis_sdot/float", [](benchmark::State& s) { blas_dot<blis_sdot>(s, "blis_sdot"); });
#endif
  add("dot/fp32_fma/float", fp32_dot<lmul_bench::fp32::dot<8>>);
  add("dot/fp32_fma_4acc/float", fp32_dot<lmul_bench::fp32::dot<4>>);
  add("dot/fp32_fma_12acc/float", fp32_dot<lmul_bench::fp32::dot<12>>);
  add("dot/lmul/float", lmul_dot<float>);
  add_byte_type<lmul::float8_e4m3fn>("e4m3fn");
  add_byte_type<lmul::float8_e5m2>("e5m2");
  add_byte_type<lmul::lmul<1, 6>>("lmul<1,6>");
  add_byte_type<lmul::lmul<2, 5>>("lmul<2,5>");
  add_byte_type<lmul::lmul<3, 4>>("lmul<3,4>");
  add_byte_type<lmul::lmul<4, 3>>("lmul<4,3>");
  add_byte_type<lmul::lmul<5, 2>>("lmul<5,2>");
  add_16bit_type<lmul::lmul<7, 8>>("lmul<7,8>", "bf16_exact", bf16_multiply_methods(), bf16_dot_methods());
  std::vector<half_method> fp16_dots;
  for (const auto& m : fp16_methods())
    if (m.dot) fp16_dots.push_back(m);
  add_16bit_type<lmul::lmul<10, 5>>("lmul<10,5>", "fp16_exact", fp16_methods(), fp16_dots);
  add_fp8_baselines<lmul::float8_e4m3fn>("e4m3fn");
  add_fp8_baselines<lmul::float8_e5m2>("e5m2");
  // Limits at the footprints of the kernels above: arrays of n bytes (8-bit types) and 4n bytes.
  std::vector<std::int64_t> footprints;
  for (auto n : sizes) footprints.insert(footprints.end(), {n, 2 * n, 4 * n});
  lmul_bench::register_limits(footprints);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
