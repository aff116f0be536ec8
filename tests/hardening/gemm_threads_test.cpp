// Threaded lmul_gemm when threads fail: a worker thread that cannot be created (std::thread throws
// std::system_error, e.g. at a process limit) or a band that throws must not terminate the
// program. Every started thread is joined and the exception reaches the caller; a failed creation
// leaves C untouched (the workers wait at a start gate until all of them exist).
//
// The failures are injected through detail::thread_fault_hooks, which the library never sets.
// The hooks belong to the threaded driver of this unit (gemm/driver.hpp, the code every compiled
// kernel unit instantiates too), so the product runs through the explicit-arch API, which
// instantiates that driver here; lmul_gemm itself calls the library's compiled copy.
#include <atomic>
#include <cstddef>
#include <stdexcept>
#include <system_error>
#include <vector>

#include <gtest/gtest.h>

#include <lmul/gemm/gemm_for_arch.hpp>

namespace {

constexpr std::size_t m = 512, n = 24, k = 20;
constexpr unsigned threads = 6;
constexpr float sentinel = -3.0f;
// Spec section 3: 1 * 1 in fp32 (M = 23, l(M) = 4) is 1 + 2^-4; a sum of k of them is exact.
constexpr float expected_entry = float(k) * 1.0625f;

std::atomic<int> bands_started{0};
std::atomic<std::size_t> failing_band{0};

void count_band(std::size_t) { ++bands_started; }
void fail_creation(std::size_t band) {
  if (band == failing_band) {
    throw std::system_error(std::make_error_code(std::errc::resource_unavailable_try_again),
                            "simulated thread creation failure");
  }
}
void fail_band(std::size_t band) {
  ++bands_started;
  if (band == failing_band) throw std::runtime_error("simulated failure in a band");
}

class GemmThreadFailures : public ::testing::Test {
 protected:
  std::vector<float> a = std::vector<float>(m * k, 1.0f);
  std::vector<float> b = std::vector<float>(k * n, 1.0f);
  std::vector<float> c = std::vector<float>(m * n, sentinel);

  void SetUp() override { bands_started = 0; }
  void TearDown() override { lmul::detail::thread_fault_hooks = {}; }

  void run() {
    lmul::lmul_gemm_arch<xsimd::default_arch>(m, n, k, a.data(), k, b.data(), n, c.data(), n, {threads});
  }
  void expect_correct_after_recovery() {
    lmul::detail::thread_fault_hooks = {};
    run();
    for (float x : c) ASSERT_EQ(x, expected_entry);
  }
};

TEST_F(GemmThreadFailures, BandsReallyRunOnSeveralThreads) {
  lmul::detail::thread_fault_hooks.before_band = count_band;
  run();
  EXPECT_EQ(bands_started, int(threads));
  for (float x : c) ASSERT_EQ(x, expected_entry);
}

TEST_F(GemmThreadFailures, NoThreadForAnEmptyProduct) {
  // m = 2^62 rows but n = 0: no element of C, so no thread is created (and nothing is computed
  // from m that could wrap around).
  lmul::detail::thread_fault_hooks.before_thread_creation = count_band;
  lmul::detail::thread_fault_hooks.before_band = count_band;
  lmul::lmul_gemm_arch<xsimd::default_arch, float>(std::size_t{1} << 62, 0, 0, nullptr, 0, nullptr, 0, nullptr, 0, {8});
  EXPECT_EQ(bands_started, 0);
}

TEST_F(GemmThreadFailures, FailedCreationPropagatesAndLeavesCUntouched) {
  for (std::size_t band : {std::size_t{1}, std::size_t{3}, std::size_t{threads - 1}}) {
    failing_band = band;  // threads 1 .. band - 1 are already running when band fails
    bands_started = 0;
    lmul::detail::thread_fault_hooks.before_thread_creation = fail_creation;
    lmul::detail::thread_fault_hooks.before_band = count_band;
    try {
      run();
      FAIL() << "no exception";
    } catch (const std::system_error& e) {
      EXPECT_EQ(e.code(), std::errc::resource_unavailable_try_again);
    }
    EXPECT_EQ(bands_started, 0) << "a band ran although its threads could not all be created";
    for (float x : c) ASSERT_EQ(x, sentinel);
  }
  expect_correct_after_recovery();
}

TEST_F(GemmThreadFailures, ExceptionInAWorkerPropagates) {
  for (std::size_t band : {std::size_t{2}, std::size_t{0}}) {  // a worker, the calling thread
    failing_band = band;
    bands_started = 0;
    lmul::detail::thread_fault_hooks.before_band = fail_band;
    EXPECT_THROW(run(), std::runtime_error);
    EXPECT_EQ(bands_started, int(threads)) << "every band started before the error came back";
  }
  expect_correct_after_recovery();
}

}  // namespace
