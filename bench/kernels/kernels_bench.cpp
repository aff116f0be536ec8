// lmul-bench-kernels -- the span kernels against their float and fp8 baselines.
//
//   multiply/<impl>/<type>/n   element-wise products:  fp32 a*b (xsimd), L-Mul (lmul_multiply),
//                              emulated exact fp8 (decode -> fp32 multiply -> RNE encode)
//   dot/<impl>/<type>/n        dot products: cblas_sdot (OpenBLAS, one thread), fp32 FMA (xsimd),
//                              lmul_dot, lmul_dot_exact, emulated fp8 (decode -> FMA)
// Counters: items_per_second (elements), bytes_per_second (operand and result bytes), and
// model_pJ_per_elem: a MODEL ESTIMATE of the arithmetic energy per element from spec section 5
// (Horowitz, 45 nm), not a measurement. bench/kernels/summarize.py prints the target ratios.
// GCC 12 flags its own _mm512_undefined_* inside inlined AVX-512 intrinsics as uninitialized
// (GCC bug 105593, fixed in 13): a false positive, silenced for this file only.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <cstddef>
#include <span>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <cblas.h>
#include <immintrin.h>
#include <xsimd/xsimd.hpp>

#include <lmul/kernels.hpp>

namespace {

// ---- data ---------------------------------------------------------------------------------

std::uint64_t next_random(std::uint64_t& state) {  // xorshift64*: fast enough for 2^25 elements
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  return state * 0x2545F4914F6CDD1Dull;
}

/// A page-aligned allocation whose data starts `slot` x 1 KiB + 64 B into the page. Operands and
/// results use different slots so that no benchmark loses to 4K aliasing (a load whose address
/// matches an earlier store's in the low 12 bits) by an accident of malloc: identical kernels
/// measured 13 and 23 G elements/s with heap-placed vectors.
template <class T>
class placed_buffer {
 public:
  placed_buffer(std::size_t n, int slot) : n_(n) {
    const std::size_t offset = std::size_t(slot % 4) * 1024 + 64;
    storage_.reset(static_cast<std::byte*>(std::aligned_alloc(4096, round_up(n * sizeof(T) + offset))));
    data_ = reinterpret_cast<T*>(storage_.get() + offset);
    std::uninitialized_value_construct_n(data_, n);
  }
  T* data() { return data_; }
  const T* data() const { return data_; }
  std::size_t size() const { return n_; }
  T& operator[](std::size_t i) { return data_[i]; }
  const T& operator[](std::size_t i) const { return data_[i]; }
  T* begin() { return data_; }
  T* end() { return data_ + n_; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + n_; }

 private:
  static std::size_t round_up(std::size_t bytes) { return (bytes + 4095) / 4096 * 4096; }
  struct free_deleter {
    void operator()(std::byte* p) const { std::free(p); }
  };
  std::unique_ptr<std::byte, free_deleter> storage_;
  T* data_ = nullptr;
  std::size_t n_ = 0;
};

/// Finite values of T (no NaN/inf codes: those take the kernels' slow paths), fixed per (T, n, seed);
/// seed is also the buffer's slot (operands use 1 and 2, results 3).
template <class T>
const placed_buffer<T>& data(std::size_t n, int seed) {
  static std::map<std::pair<std::size_t, int>, std::unique_ptr<placed_buffer<T>>> cache;
  auto& slot = cache[{n, seed}];
  if (slot) return *slot;
  slot = std::make_unique<placed_buffer<T>>(n, seed);
  std::uint64_t state = 0x9E3779B97F4A7C15ull * std::uint64_t(seed + 1);
  using F = lmul::format_of_t<T>;
  for (auto& x : *slot) {
    const std::uint64_t r = next_random(state);
    if constexpr (std::is_same_v<T, float>) {
      x = float(std::int64_t(r >> 40) - (std::int64_t{1} << 23)) * 0x1p-22f;  // uniform in [-2, 2)
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

// ---- fp32 baselines -------------------------------------------------------------------------

void fp32_multiply(benchmark::State& state) {
  const std::size_t n = std::size_t(state.range(0));
  const auto &a = data<float>(n, 1), &b = data<float>(n, 2);
  placed_buffer<float> out(n, 3);
  using batch = xsimd::batch<float>;
  for (auto _ : state) {
    std::size_t i = 0;
    for (; i + batch::size <= n; i += batch::size) {
      (batch::load_unaligned(&a[i]) * batch::load_unaligned(&b[i])).store_unaligned(&out[i]);
    }
    for (; i < n; ++i) out[i] = a[i] * b[i];
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  set_counters(state, n, 3 * sizeof(float), fp32_mul);
}

void fp32_fma_dot(benchmark::State& state) {
  const std::size_t n = std::size_t(state.range(0));
  const auto &a = data<float>(n, 1), &b = data<float>(n, 2);
  using batch = xsimd::batch<float>;
  for (auto _ : state) {
    batch acc[4] = {batch(0.f), batch(0.f), batch(0.f), batch(0.f)};
    std::size_t i = 0;
    for (; i + 4 * batch::size <= n; i += 4 * batch::size) {
      for (int k = 0; k < 4; ++k) {
        acc[k] = xsimd::fma(batch::load_unaligned(&a[i + k * batch::size]),
                            batch::load_unaligned(&b[i + k * batch::size]), acc[k]);
      }
    }
    float sum = xsimd::hadd((acc[0] + acc[1]) + (acc[2] + acc[3]));
    for (; i < n; ++i) sum += a[i] * b[i];
    benchmark::DoNotOptimize(sum);
  }
  set_counters(state, n, 2 * sizeof(float), fp32_mul + fp32_add);
}

void openblas_sdot(benchmark::State& state) {
  const std::size_t n = std::size_t(state.range(0));
  const auto &a = data<float>(n, 1), &b = data<float>(n, 2);
  for (auto _ : state) {
    float sum = cblas_sdot(int(n), a.data(), 1, b.data(), 1);
    benchmark::DoNotOptimize(sum);
  }
  set_counters(state, n, 2 * sizeof(float), fp32_mul + fp32_add);
}

// ---- L-Mul kernels --------------------------------------------------------------------------

template <class T>
void lmul_multiply(benchmark::State& state) {
  const std::size_t n = std::size_t(state.range(0));
  const auto &a = data<T>(n, 1), &b = data<T>(n, 2);
  placed_buffer<T> out(n, 3);
  for (auto _ : state) {
    lmul::lmul_multiply(std::span<const T>(a.data(), n), std::span<const T>(b.data(), n),
                        std::span<T>(out.data(), n));
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  set_counters(state, n, 3 * sizeof(T), int_add_energy<T>());
}

template <class T>
void lmul_dot(benchmark::State& state) {
  const std::size_t n = std::size_t(state.range(0));
  const auto &a = data<T>(n, 1), &b = data<T>(n, 2);
  for (auto _ : state) benchmark::DoNotOptimize(
        lmul::lmul_dot(std::span<const T>(a.data(), n), std::span<const T>(b.data(), n)));
  set_counters(state, n, 2 * sizeof(T), int_add_energy<T>() + fp32_add);
}

template <class T>
void lmul_dot_exact(benchmark::State& state) {
  const std::size_t n = std::size_t(state.range(0));
  const auto &a = data<T>(n, 1), &b = data<T>(n, 2);
  for (auto _ : state) benchmark::DoNotOptimize(
        lmul::lmul_dot_exact(std::span<const T>(a.data(), n), std::span<const T>(b.data(), n)));
  // The operand add, then one integer add into a class counter.
  set_counters(state, n, 2 * sizeof(T), int8_add + int32_add);
}

// ---- emulated fp8 (AVX-512): decode -> fp32 arithmetic -> encode ---------------------------
#if defined(__AVX512BW__)

/// 16 fp8 codes (bytes) -> 16 floats, exact: magnitude bits placed as fp32 bits, then scaled by
/// 2^(127 - bias) (exact; also right for subnormals); NaN (and inf) codes patched by a compare.
template <class F>
__m512 decode16(__m128i codes) {
  constexpr int M = F::mantissa_bits;
  const __m512i x = _mm512_cvtepu8_epi32(codes);
  const __m512i magnitude = _mm512_and_si512(x, _mm512_set1_epi32(0x7F));
  const __m512 scale = _mm512_set1_ps(std::ldexp(1.f, 127 - F::bias));
  __m512 value = _mm512_mul_ps(_mm512_castsi512_ps(_mm512_slli_epi32(magnitude, 23 - M)), scale);
  const __mmask16 special = _mm512_cmpge_epu32_mask(
      magnitude, _mm512_set1_epi32(F::has_infinity ? F::infinity_code : F::nan_code));
  if (special) {
    const __m512 inf_or_nan = _mm512_castsi512_ps(_mm512_set1_epi32(
        F::has_infinity ? 0x7F800000 : 0x7FC00000));
    const __mmask16 nan = _mm512_cmpgt_epu32_mask(magnitude, _mm512_set1_epi32(F::infinity_code));
    value = _mm512_mask_blend_ps(special, value, inf_or_nan);
    value = _mm512_mask_blend_ps(F::has_infinity ? nan : __mmask16(0), value,
                                 _mm512_castsi512_ps(_mm512_set1_epi32(0x7FC00000)));
  }
  const __m512i sign = _mm512_slli_epi32(_mm512_and_si512(x, _mm512_set1_epi32(0x80)), 24);
  return _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(value), sign));
}

/// 16 floats -> 16 fp8 codes, round to nearest even, non-saturating (inf, or NaN for e4m3fn).
template <class F>
__m128i encode16(__m512 v) {
  constexpr int M = F::mantissa_bits;
  const __m512i bits = _mm512_castps_si512(v);
  const __m512i sign = _mm512_and_si512(_mm512_srli_epi32(bits, 24), _mm512_set1_epi32(0x80));
  const __m512i abs = _mm512_and_si512(bits, _mm512_set1_epi32(0x7FFFFFFF));
  // Normal range: round the fp32 fraction to M bits (ties to even), rebias the exponent.
  const __m512i lsb = _mm512_and_si512(_mm512_srli_epi32(abs, 23 - M), _mm512_set1_epi32(1));
  const __m512i rounded = _mm512_add_epi32(
      abs, _mm512_add_epi32(_mm512_set1_epi32((1 << (22 - M)) - 1), lsb));
  const __m512i normal = _mm512_sub_epi32(_mm512_srli_epi32(rounded, 23 - M),
                                          _mm512_set1_epi32((127 - F::bias) << M));
  // Subnormal range: adding 2^(23 + quantum exponent) rounds to the quantum (ties to even).
  const float magic = std::ldexp(1.f, 23 + 1 - F::bias - M);  // 2^23 * quantum of subnormals
  const __m512 magic_v = _mm512_set1_ps(magic);
  const __m512i subnormal = _mm512_sub_epi32(
      _mm512_castps_si512(_mm512_add_ps(_mm512_castsi512_ps(abs), magic_v)),
      _mm512_castps_si512(magic_v));
  const __mmask16 is_small = _mm512_cmplt_epu32_mask(abs, _mm512_set1_epi32((128 - F::bias) << 23));
  __m512i code = _mm512_mask_blend_epi32(is_small, normal, subnormal);
  const __mmask16 overflow = _mm512_cmpgt_epi32_mask(code, _mm512_set1_epi32(F::max_finite_code));
  const __mmask16 nan = _mm512_cmpgt_epu32_mask(abs, _mm512_set1_epi32(0x7F800000));
  code = _mm512_mask_blend_epi32(
      overflow, code,
      _mm512_set1_epi32(F::has_infinity ? F::infinity_code : F::nan_code));
  code = _mm512_mask_blend_epi32(nan, code, _mm512_set1_epi32(F::nan_code));
  return _mm512_cvtepi32_epi8(_mm512_or_si512(code, sign));
}

template <class T>
void fp8_emulated_multiply(benchmark::State& state) {
  using F = lmul::format_of_t<T>;
  const std::size_t n = std::size_t(state.range(0));
  const auto &a = data<T>(n, 1), &b = data<T>(n, 2);
  placed_buffer<T> out(n, 3);
  const auto* pa = reinterpret_cast<const std::uint8_t*>(a.data());
  const auto* pb = reinterpret_cast<const std::uint8_t*>(b.data());
  auto* po = reinterpret_cast<std::uint8_t*>(out.data());
  for (auto _ : state) {
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16) {
      const __m512 x = decode16<F>(_mm_loadu_si128(reinterpret_cast<const __m128i*>(pa + i)));
      const __m512 y = decode16<F>(_mm_loadu_si128(reinterpret_cast<const __m128i*>(pb + i)));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(po + i), encode16<F>(_mm512_mul_ps(x, y)));
    }
    for (; i < n; ++i) out[i] = a[i] * b[i];  // exactly rounded operator*
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  // A baseline that is wrong would flatter L-Mul: compare with the exactly rounded operator*.
  for (std::size_t i = 0; i < std::min<std::size_t>(n, 1 << 16); ++i) {
    const T expected = a[i] * b[i];
    const bool both_nan = lmul::isnan(expected) && lmul::isnan(out[i]);
    if (!both_nan && out[i].bits() != expected.bits()) {
      state.SkipWithError("emulated fp8 multiply differs from the exact product");
      return;
    }
  }
  set_counters(state, n, 3 * sizeof(T), fp32_mul);
}

template <class T>
void fp8_emulated_dot(benchmark::State& state) {
  using F = lmul::format_of_t<T>;
  const std::size_t n = std::size_t(state.range(0));
  const auto &a = data<T>(n, 1), &b = data<T>(n, 2);
  const auto* pa = reinterpret_cast<const std::uint8_t*>(a.data());
  const auto* pb = reinterpret_cast<const std::uint8_t*>(b.data());
  for (auto _ : state) {
    __m512 acc[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(),
                     _mm512_setzero_ps()};
    std::size_t i = 0;
    for (; i + 64 <= n; i += 64) {
      for (int k = 0; k < 4; ++k) {
        const __m512 x = decode16<F>(_mm_loadu_si128(reinterpret_cast<const __m128i*>(pa + i + 16 * k)));
        const __m512 y = decode16<F>(_mm_loadu_si128(reinterpret_cast<const __m128i*>(pb + i + 16 * k)));
        acc[k] = _mm512_fmadd_ps(x, y, acc[k]);
      }
    }
    float sum = _mm512_reduce_add_ps(
        _mm512_add_ps(_mm512_add_ps(acc[0], acc[1]), _mm512_add_ps(acc[2], acc[3])));
    for (; i < n; ++i) sum += float(a[i]) * float(b[i]);
    benchmark::DoNotOptimize(sum);
  }
  set_counters(state, n, 2 * sizeof(T), fp32_mul + fp32_add);
}
#endif

// ---- registration ---------------------------------------------------------------------------

const std::vector<std::int64_t> sizes = {4096, 65536, 1 << 20, 1 << 25};

template <class Fn>
void add(const std::string& name, Fn fn) {
  auto* b = benchmark::RegisterBenchmark(name.c_str(), fn);
  for (auto n : sizes) b->Arg(n);
  b->Unit(benchmark::kMicrosecond);
}

template <class T>
void add_byte_type(const std::string& type) {
  add("multiply/lmul/" + type, lmul_multiply<T>);
  add("dot/lmul/" + type, lmul_dot<T>);
  add("dot/lmul_exact/" + type, lmul_dot_exact<T>);
}

}  // namespace

int main(int argc, char** argv) {
  openblas_set_num_threads(1);  // single thread, like every other benchmark here
  add("multiply/fp32/float", fp32_multiply);
  add("multiply/lmul/float", lmul_multiply<float>);
  add("dot/cblas_sdot/float", openblas_sdot);
  add("dot/fp32_fma/float", fp32_fma_dot);
  add("dot/lmul/float", lmul_dot<float>);
  add_byte_type<lmul::float8_e4m3fn>("e4m3fn");
  add_byte_type<lmul::float8_e5m2>("e5m2");
  add_byte_type<lmul::lmul<1, 6>>("lmul<1,6>");
  add_byte_type<lmul::lmul<2, 5>>("lmul<2,5>");
  add_byte_type<lmul::lmul<3, 4>>("lmul<3,4>");
  add_byte_type<lmul::lmul<4, 3>>("lmul<4,3>");
  add_byte_type<lmul::lmul<5, 2>>("lmul<5,2>");
#if defined(__AVX512BW__)
  add("multiply/fp8_emulated/e4m3fn", fp8_emulated_multiply<lmul::float8_e4m3fn>);
  add("multiply/fp8_emulated/e5m2", fp8_emulated_multiply<lmul::float8_e5m2>);
  add("dot/fp8_emulated/e4m3fn", fp8_emulated_dot<lmul::float8_e4m3fn>);
  add("dot/fp8_emulated/e5m2", fp8_emulated_dot<lmul::float8_e5m2>);
#endif
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
