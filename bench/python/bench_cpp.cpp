// bench_cpp: the C++ side of bench/python/bench_python.py. Times the same calls the Python
// benchmark makes (lmul_gemm at 512^3, lmul_dot at 2^20) directly through lmul's public C++ API,
// on the compiled kernels with runtime dispatch, and prints one line per case:
//   <op> <format> <best wall seconds> <best CPU seconds of this thread>
// (the CPU time is what a shared, loaded machine distorts least).
// Built by bench_python.py: g++ -O2 -std=c++20 -Iinclude bench_cpp.cpp liblmul_kernels.a.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <span>
#include <time.h>
#include <type_traits>
#include <vector>

#include <lmul/lmul.hpp>

namespace {

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

struct timing {
  double wall = 1e300, cpu = 1e300;
};

template <class F>
timing best_of(int reps, F&& f) {
  timing best;
  for (int r = 0; r < reps; ++r) {
    const double c0 = thread_cpu_seconds();
    const auto t0 = std::chrono::steady_clock::now();
    f();
    const auto t1 = std::chrono::steady_clock::now();
    const double c1 = thread_cpu_seconds();
    best.wall = std::min(best.wall, std::chrono::duration<double>(t1 - t0).count());
    best.cpu = std::min(best.cpu, c1 - c0);
  }
  return best;
}

template <class T>
std::vector<T> random_vector(std::size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> dist(0.f, 1.f);
  std::vector<T> v(n);
  for (auto& x : v) {
    if constexpr (std::is_same_v<T, float>) {
      x = dist(gen);
    } else {
      x = T(dist(gen));
    }
  }
  return v;
}

template <class T>
void run(const char* name, int reps) {
  constexpr std::size_t n = 512;
  const auto a = random_vector<T>(n * n, 1), b = random_vector<T>(n * n, 2);
  std::vector<float> c(n * n);
  const timing gemm = best_of(reps, [&] {
    lmul::lmul_gemm(n, n, n, a.data(), n, b.data(), n, c.data(), n);
  });
  std::printf("matmul %s %.9f %.9f\n", name, gemm.wall, gemm.cpu);
  constexpr std::size_t len = std::size_t{1} << 20;
  const auto x = random_vector<T>(len, 3), y = random_vector<T>(len, 4);
  volatile float sink = 0.f;
  const timing dot = best_of(reps * 10, [&] {
    sink = lmul::lmul_dot(std::span<const T>(x), std::span<const T>(y));
  });
  std::printf("dot %s %.9f %.9f\n", name, dot.wall, dot.cpu);
}

}  // namespace

int main(int argc, char** argv) {
  const int reps = argc > 1 ? std::atoi(argv[1]) : 10;
  std::printf("arch %s\n", lmul::runtime::selected_kernels().arch_name);
  run<float>("float32", reps);
  run<lmul::float8_e4m3fn>("e4m3fn", reps);
  run<lmul::lmul<7, 8>>("bf16", reps);
  return 0;
}
