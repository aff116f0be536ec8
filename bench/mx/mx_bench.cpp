// lmul-bench-mx: OCP MX dot products and GEMMs, one thread each, "products/s" counters (element
// multiply-adds per CPU second). Every benchmark works on the same MX data (mx_quantize of N(0,1)-
// like values, blocks of 32):
//
//   lmul_mx_dot/<fmt>          lmul::lmul_mx_dot (the compiled per-block sum kernel of this CPU's
//                              instruction set + an exponent add per block)
//   lmul_mx_dot_inline/<fmt>   the same sum with the header's portable table-word block sums
//                              (what FP6/FP4 run, and what fp8 ran before the compiled kernel)
//   exact_mx_dot/<fmt>         the fastest exact MX dot written here: each block's codes decoded
//                              through a 256-entry fp32 table, exact products summed in fp32
//                              (AVX-512 gathers and FMA where available), block sum times the two
//                              scales (hardware multiplies by exact powers of two)
//   sdot_dequantized/<fmt>     cblas_sdot on data dequantized beforehand (dequantization untimed)
//   lmul_dot_unscaled/<fmt>    lmul::lmul_dot on the element codes alone (what the scales cost)
//   lmul_mx_gemm/<fmt>         lmul::lmul_mx_gemm, A m x k and Bt n x k, square sizes
//   exact_mx_gemm/<fmt>        mx_dequantize of A and Bt (timed), then cblas_sgemm: the usual
//                              emulation (exact element products; blocks not summed separately)
//   sgemm_dequantized/<fmt>    cblas_sgemm on dequantized data (dequantization untimed)
//   lmul_gemm_bt_unscaled/<fmt> lmul::lmul_gemm_bt on the element codes alone
// Ratios: python3 bench/mx/mx_summary.py result.json (after --benchmark_out=result.json).
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif
// GCC 12 reports its own _mm512_undefined_* intrinsics as "used uninitialized" once inlined (GCC
// bug 105593, fixed in GCC 13): a false positive, silenced as in lmul/kernels.hpp.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <benchmark/benchmark.h>
#include <cblas.h>

#include "common/context.hpp"
#include "common/gemm_timing.hpp"
#include "common/normal_like_data.hpp"

#include <lmul/kernels.hpp>
#include <lmul/mx.hpp>
#include <lmul/kernels/table_word_sum.hpp>

namespace {

using lmul_bench::set_products_counter;
using lmul_bench::time_square_gemm;

/// rows x cols values in MX form (rows quantized separately), plus their dequantized values.
template <class T>
struct mx_operand {
  std::vector<lmul::float8_e8m0fnu> scales;
  std::vector<T> elems;
  std::vector<float> dequantized;
};
template <class T>
mx_operand<T> make_operand(std::size_t rows, std::size_t cols, std::uint32_t seed) {
  const std::vector<float> x = lmul_bench::normal_like_values(rows * cols, seed);
  const std::size_t blocks = (cols + lmul::mx_block_size - 1) / lmul::mx_block_size;
  mx_operand<T> op{std::vector<lmul::float8_e8m0fnu>(rows * blocks), std::vector<T>(rows * cols),
                   std::vector<float>(rows * cols)};
  for (std::size_t i = 0; i < rows; ++i) {
    lmul::mx_quantize<T>(std::span<const float>(x.data() + i * cols, cols),
                         std::span(op.scales.data() + i * blocks, blocks),
                         std::span(op.elems.data() + i * cols, cols));
  }
  for (std::size_t i = 0; i < rows; ++i) {
    lmul::mx_dequantize<T>(std::span<const lmul::float8_e8m0fnu>(op.scales.data() + i * blocks, blocks),
                           std::span<const T>(op.elems.data() + i * cols, cols),
                           std::span(op.dequantized.data() + i * cols, cols));
  }
  return op;
}

/// Exact value of every code of T (codes of FP6/FP4 above their width never occur).
template <class T>
std::array<float, 256> decode_table() {
  std::array<float, 256> t{};
  for (std::size_t c = 0; c < 256; ++c) t[c] = float(T::from_bits(std::uint8_t(c)));
  return t;
}

/// The exact MX dot, as fast as written here (see the file comment).
template <class T>
float exact_mx_dot_fast(const lmul::float8_e8m0fnu* sa, const T* a, const lmul::float8_e8m0fnu* sb,
                        const T* b, std::size_t n) {
  static const std::array<float, 256> table = decode_table<T>();
  const auto* ca = reinterpret_cast<const std::uint8_t*>(a);
  const auto* cb = reinterpret_cast<const std::uint8_t*>(b);
  constexpr std::size_t block = lmul::mx_block_size;
  float total = 0.f;
  std::size_t first = 0, j = 0;
  for (; first + block <= n; first += block, ++j) {
#if defined(__AVX512F__)
    const auto products = [&](std::size_t at) {
      const __m512i ia = _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(ca + at)));
      const __m512i ib = _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(cb + at)));
      return std::make_pair(_mm512_i32gather_ps(ia, table.data(), 4), _mm512_i32gather_ps(ib, table.data(), 4));
    };
    const auto [a0, b0] = products(first);
    const auto [a1, b1] = products(first + 16);
    const float sum = _mm512_reduce_add_ps(_mm512_fmadd_ps(a1, b1, _mm512_mul_ps(a0, b0)));
#else
    float sum = 0.f;
    for (std::size_t i = 0; i < block; ++i) sum += table[ca[first + i]] * table[cb[first + i]];
#endif
    total += sum * float(sa[j]) * float(sb[j]);
  }
  float sum = 0.f;
  for (std::size_t i = first; i < n; ++i) sum += table[ca[i]] * table[cb[i]];
  if (first < n) total += sum * float(sa[j]) * float(sb[j]);
  return total;
}

constexpr std::size_t dot_length = 4096;

/// Times dot(a, b) on the two MX operands of dot_length elements every dot benchmark uses.
template <class T, class Dot>
void time_mx_dot(benchmark::State& state, Dot dot) {
  const auto a = make_operand<T>(1, dot_length, 1), b = make_operand<T>(1, dot_length, 2);
  for (auto _ : state) benchmark::DoNotOptimize(dot(a, b));
  set_products_counter(state, dot_length);
}

template <class T>
void bench_lmul_mx_dot(benchmark::State& state) {
  time_mx_dot<T>(state, [](const mx_operand<T>& a, const mx_operand<T>& b) {
    return lmul::lmul_mx_dot<T>(a.scales, a.elems, b.scales, b.elems);
  });
}

template <class T>
void bench_lmul_mx_dot_inline(benchmark::State& state) {
  using F = lmul::format_of_t<T>;
  const auto block_sum = [](std::span<const T> x, std::span<const T> y) {
    return lmul::detail::wide_block_sum<F>(reinterpret_cast<const typename F::storage*>(x.data()),
                                           reinterpret_cast<const typename F::storage*>(y.data()),
                                           x.size());
  };
  time_mx_dot<T>(state, [&](const mx_operand<T>& a, const mx_operand<T>& b) {
    return lmul::detail::mx_dot_blocks(
        a.scales, b.scales, dot_length, lmul::mx_block_size,
        lmul::detail::each_block(std::span<const T>(a.elems), std::span<const T>(b.elems), block_sum));
  });
}

template <class T>
void bench_exact_mx_dot(benchmark::State& state) {
  time_mx_dot<T>(state, [](const mx_operand<T>& a, const mx_operand<T>& b) {
    return exact_mx_dot_fast(a.scales.data(), a.elems.data(), b.scales.data(), b.elems.data(), dot_length);
  });
}

template <class T>
void bench_sdot(benchmark::State& state) {
  if (const char* error = lmul_bench::blas_error("openblas_sdot")) return state.SkipWithError(error);
  time_mx_dot<T>(state, [](const mx_operand<T>& a, const mx_operand<T>& b) {
    return cblas_sdot(int(dot_length), a.dequantized.data(), 1, b.dequantized.data(), 1);
  });
}

template <class T>
void bench_lmul_dot_unscaled(benchmark::State& state) {
  time_mx_dot<T>(state, [](const mx_operand<T>& a, const mx_operand<T>& b) { return lmul::lmul_dot(a.elems, b.elems); });
}

template <class T>
void bench_lmul_mx_gemm(benchmark::State& state) {
  const std::size_t n = std::size_t(state.range(0));
  const auto a = make_operand<T>(n, n, 1), bt = make_operand<T>(n, n, 2);
  std::vector<float> c(n * n);
  time_square_gemm(state, n, c.data(), [&] {
    lmul::lmul_mx_gemm<T>(n, n, n, a.scales.data(), a.elems.data(), n, bt.scales.data(),
                          bt.elems.data(), n, c.data(), n);
  });
}

template <class T, bool dequantize_timed>
void bench_sgemm(benchmark::State& state) {
  if (const char* error = lmul_bench::blas_error("openblas_sgemm")) return state.SkipWithError(error);
  const std::size_t n = std::size_t(state.range(0));
  const auto a = make_operand<T>(n, n, 1), bt = make_operand<T>(n, n, 2);
  std::vector<float> af = a.dequantized, bf = bt.dequantized, c(n * n);
  const std::size_t blocks = (n + lmul::mx_block_size - 1) / lmul::mx_block_size;
  const int ni = int(n);
  time_square_gemm(state, n, c.data(), [&] {
    if constexpr (dequantize_timed) {
      for (std::size_t i = 0; i < n; ++i) {
        lmul::mx_dequantize<T>(std::span<const lmul::float8_e8m0fnu>(a.scales.data() + i * blocks, blocks),
                               std::span<const T>(a.elems.data() + i * n, n), std::span(af.data() + i * n, n));
        lmul::mx_dequantize<T>(std::span<const lmul::float8_e8m0fnu>(bt.scales.data() + i * blocks, blocks),
                               std::span<const T>(bt.elems.data() + i * n, n), std::span(bf.data() + i * n, n));
      }
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, ni, ni, ni, 1.0f, af.data(), ni, bf.data(),
                ni, 0.0f, c.data(), ni);
  });
}

template <class T>
void bench_lmul_gemm_bt_unscaled(benchmark::State& state) {
  const std::size_t n = std::size_t(state.range(0));
  const auto a = make_operand<T>(n, n, 1), bt = make_operand<T>(n, n, 2);
  std::vector<float> c(n * n);
  time_square_gemm(state, n, c.data(),
                   [&] { lmul::lmul_gemm_bt(n, n, n, a.elems.data(), n, bt.elems.data(), n, c.data(), n); });
}

template <class T>
void register_format(const std::string& name) {
  benchmark::RegisterBenchmark(("lmul_mx_dot/" + name).c_str(), bench_lmul_mx_dot<T>);
  benchmark::RegisterBenchmark(("lmul_mx_dot_inline/" + name).c_str(), bench_lmul_mx_dot_inline<T>);
  benchmark::RegisterBenchmark(("exact_mx_dot/" + name).c_str(), bench_exact_mx_dot<T>);
  benchmark::RegisterBenchmark(("sdot_dequantized/" + name).c_str(), bench_sdot<T>);
  benchmark::RegisterBenchmark(("lmul_dot_unscaled/" + name).c_str(), bench_lmul_dot_unscaled<T>);
  const auto sizes = [](benchmark::internal::Benchmark* b) {
    b->Arg(256)->Arg(512)->Unit(benchmark::kMillisecond);
  };
  sizes(benchmark::RegisterBenchmark(("lmul_mx_gemm/" + name).c_str(), bench_lmul_mx_gemm<T>));
  sizes(benchmark::RegisterBenchmark(("exact_mx_gemm/" + name).c_str(), bench_sgemm<T, true>));
  sizes(benchmark::RegisterBenchmark(("sgemm_dequantized/" + name).c_str(), bench_sgemm<T, false>));
  sizes(benchmark::RegisterBenchmark(("lmul_gemm_bt_unscaled/" + name).c_str(),
                                     bench_lmul_gemm_bt_unscaled<T>));
}

}  // namespace

int main(int argc, char** argv) {
  // Prints the machine and BLAS cores, may re-execute with a better OpenBLAS core, and makes the
  // BLAS single-threaded: the MX functions run on one thread too.
  lmul_bench::start_benchmark_program(argv);
  register_format<lmul::float8_e4m3fn>("e4m3fn");
  register_format<lmul::float8_e5m2>("e5m2");
  register_format<lmul::float6_e2m3fn>("e2m3fn");
  register_format<lmul::float6_e3m2fn>("e3m2fn");
  register_format<lmul::float4_e2m1fn>("e2m1fn");
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
