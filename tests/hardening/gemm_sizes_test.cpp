// lmul_gemm / lmul_gemm_bt with sizes whose element or byte ranges do not fit the address space
// must throw std::invalid_argument and leave C untouched (never crash), and the overlap check is
// exact: C may live in the padding between A's rows (no element shared).
#include <cstddef>
#include <cstdint>
#include <limits>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <lmul/gemm.hpp>

namespace {

constexpr std::size_t size_max = std::numeric_limits<std::size_t>::max();
constexpr std::size_t two_to_32 = std::size_t{1} << 32;
constexpr std::size_t two_to_63 = std::size_t{1} << 63;
constexpr float sentinel = -3.0f;
// Spec section 3: 1 * 1 in fp32 (M = 23, l(M) = 4) is 1 + 2^-4; a sum of k of them is exact.
constexpr float one_times_one = 1.0625f;

class GemmSizes : public ::testing::Test {
 protected:
  std::vector<float> a = std::vector<float>(64, 1.0f);
  std::vector<float> b = std::vector<float>(64, 1.0f);
  std::vector<float> c = std::vector<float>(64, sentinel);

  void expect_rejected(std::size_t m, std::size_t n, std::size_t k, std::size_t lda,
                       std::size_t ldb, std::size_t ldc) {
    EXPECT_THROW(lmul::lmul_gemm(m, n, k, a.data(), lda, b.data(), ldb, c.data(), ldc),
                 std::invalid_argument)
        << "m " << m << " n " << n << " k " << k << " lda " << lda << " ldb " << ldb << " ldc "
        << ldc;
    for (float x : c) ASSERT_EQ(x, sentinel);
  }
};

TEST_F(GemmSizes, ElementCountsThatOverflow) {
  expect_rejected(two_to_32, two_to_32, 1, 1, two_to_32, two_to_32);  // m * n = 2^64
  expect_rejected(two_to_63, 2, 1, 1, 2, 2);                          // C: (2^63 - 1) * 2 + 2
  expect_rejected(3, 1, 1, size_max / 2, 1, 1);                       // A: 2 * lda + 1
  expect_rejected(3, 1, 1, 1, 1, size_max / 3);                       // C: 2 * ldc + 1
  expect_rejected(1, two_to_32, two_to_32, two_to_32, two_to_32, two_to_32);  // B: k * n = 2^64
  expect_rejected(2, 1, 1, size_max, 1, 1);                           // lda alone overflows
}

TEST_F(GemmSizes, ByteCountsThatOverflow) {
  // The element counts fit a size_t, 4-byte floats do not (or exceed PTRDIFF_MAX bytes, the
  // largest object there can be).
  expect_rejected(2, 1, 1, 1, 1, size_max / 4 + 1);
  expect_rejected(2, 1, 1, size_max / 4, 1, 1);
  expect_rejected(2, 1, 1, 1, 1, std::size_t{1} << 61);  // 2^63 + 4 bytes > PTRDIFF_MAX
}

TEST_F(GemmSizes, MessagesNameTheMatrixAndTheProblem) {
  try {
    lmul::lmul_gemm(3, 1, 1, a.data(), 1, b.data(), 1, c.data(), size_max / 3);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), ("lmul_gemm: c (3 x 1, leading dimension " +
                            std::to_string(size_max / 3) + ") spans more than PTRDIFF_MAX bytes")
                               .c_str());
  }
  try {
    lmul::lmul_gemm_bt<float>(1, 2, 2, a.data(), 2, nullptr, 2, c.data(), 2);
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "lmul_gemm_bt: bt (2 x 2, leading dimension 2) is null");
  }
}

TEST_F(GemmSizes, ValidCallsStillWork) {
  lmul::lmul_gemm(1, 1, 1, a.data(), 1, b.data(), 1, c.data(), 1);
  EXPECT_EQ(c[0], one_times_one);
  // m = 2^63 with n = 0 and k = 0: no element anywhere, nothing to check or write.
  lmul::lmul_gemm<float>(two_to_63, 0, 0, nullptr, 0, nullptr, 0, nullptr, 0);
}

TEST_F(GemmSizes, TransposedB) {
  // bt is n x k: 3 rows with ldbt = SIZE_MAX / 2.
  EXPECT_THROW(lmul::lmul_gemm_bt(1, 3, 1, a.data(), 1, b.data(), size_max / 2, c.data(), 3),
               std::invalid_argument);
  EXPECT_THROW(lmul::lmul_gemm_bt(1, two_to_32, two_to_32, a.data(), two_to_32, b.data(),
                                  two_to_32, c.data(), two_to_32),
               std::invalid_argument);
  for (float x : c) ASSERT_EQ(x, sentinel);
}

TEST_F(GemmSizes, RangesThatWrapAroundTheAddressSpace) {
  // 16 floats starting 8 bytes below the top of the address space: the range wraps. Never
  // dereferenced: the call must throw first.
  const auto* top = reinterpret_cast<const float*>(std::numeric_limits<std::uintptr_t>::max() - 7);
  EXPECT_THROW(lmul::lmul_gemm(1, 1, 16, top, 16, b.data(), 1, c.data(), 1),
               std::invalid_argument);
  for (float x : c) ASSERT_EQ(x, sentinel);
}

TEST_F(GemmSizes, NullChecksDoNotWrap) {
  // m * k = 2^64 wraps to 0 in size_t: a null A with elements must still be rejected, also when
  // n = 0 leaves B and C without elements.
  EXPECT_THROW(lmul::lmul_gemm<float>(two_to_32, 0, two_to_32, nullptr, two_to_32, b.data(), 0,
                                      c.data(), 0),
               std::invalid_argument);
  for (float x : c) ASSERT_EQ(x, sentinel);
}

// --- Overlap by elements, not by bounding ranges -------------------------------------------------

TEST(GemmOverlap, OutputInTheRowPaddingOfA) {
  // A: 2 x 3 with lda 8 holds x[0..2], x[8..10]; C: 2 x 2 with ldc 8 at x + 3 holds x[3..4],
  // x[11..12]. No element is shared: allowed, and only C's elements change.
  std::vector<float> x(32, 1.0f);
  const std::vector<float> b(3 * 2, 1.0f);
  lmul::lmul_gemm(2, 2, 3, x.data(), 8, b.data(), 2, x.data() + 3, 8);
  for (std::size_t i = 0; i < x.size(); ++i) {
    const bool in_c = i == 3 || i == 4 || i == 11 || i == 12;
    EXPECT_EQ(x[i], in_c ? 3 * one_times_one : 1.0f) << "x[" << i << "]";
  }
  // Shifted by one element C shares x[2] with A: rejected, nothing written.
  std::vector<float> y(32, 1.0f);
  EXPECT_THROW(lmul::lmul_gemm(2, 2, 3, y.data(), 8, b.data(), 2, y.data() + 2, 8),
               std::invalid_argument);
  EXPECT_EQ(y, std::vector<float>(32, 1.0f));
}

TEST(GemmOverlap, InterleavedRowsOfDifferentElementSizes) {
  // A: 4 x 3 bytes (e4m3) with lda 16; C: floats at byte offset 4 with ldc 4 floats (16 bytes):
  // C's rows lie in A's padding.
  using e4m3 = lmul::float8_e4m3fn;
  alignas(16) unsigned char buffer[64] = {};
  auto* a = reinterpret_cast<e4m3*>(buffer);
  for (int row = 0; row < 4; ++row) {
    for (int col = 0; col < 3; ++col) a[row * 16 + col] = e4m3(1.0f);
  }
  const std::vector<e4m3> b(3 * 2, e4m3(1.0f));
  auto* c = reinterpret_cast<float*>(buffer + 4);
  lmul::lmul_gemm(4, 2, 3, a, 16, b.data(), 2, c, 4);
  // e4m3 (M = 3, l(M) = 3): 1 * 1 = 1 + 2^-3, three of them 3.375.
  for (int row = 0; row < 4; ++row) {
    EXPECT_EQ(c[row * 4], 3.375f);
    EXPECT_EQ(c[row * 4 + 1], 3.375f);
    for (int col = 0; col < 3; ++col) EXPECT_EQ(a[row * 16 + col].bits(), e4m3(1.0f).bits());
  }
  // One float at byte 48 shares A's row 3 (bytes 48..50): rejected.
  EXPECT_THROW(lmul::lmul_gemm(4, 1, 3, a, 16, b.data(), 2, reinterpret_cast<float*>(buffer + 48),
                               1),
               std::invalid_argument);
}

// Random A, B (or Bt) and C inside one buffer: the call throws exactly when C shares an element
// with A or B (independent check: the sets of element indices). A and B may share elements.
TEST(GemmOverlap, RandomLayoutsAgreeWithElementSets) {
  std::mt19937 random(5);
  int accepted = 0, rejected = 0;
  for (int trial = 0; trial < 4000; ++trial) {
    const bool transposed = trial % 2 == 1;
    const std::size_t m = 1 + random() % 4, n = 1 + random() % 3, k = 1 + random() % 3;
    const std::size_t b_rows = transposed ? n : k, b_cols = transposed ? k : n;
    const std::size_t lda = k + random() % 4, ldb = b_cols + random() % 4, ldc = n + random() % 4;
    const std::size_t a_at = random() % 24, b_at = random() % 24, c_at = random() % 24;
    std::vector<float> x(64, 1.0f);
    std::set<std::size_t> inputs;
    for (std::size_t i = 0; i < m; ++i) {
      for (std::size_t p = 0; p < k; ++p) inputs.insert(a_at + i * lda + p);
    }
    for (std::size_t i = 0; i < b_rows; ++i) {
      for (std::size_t j = 0; j < b_cols; ++j) inputs.insert(b_at + i * ldb + j);
    }
    bool shared = false;
    for (std::size_t i = 0; i < m; ++i) {
      for (std::size_t j = 0; j < n; ++j) shared = shared || inputs.count(c_at + i * ldc + j);
    }
    const auto call = [&] {
      if (transposed) {
        lmul::lmul_gemm_bt(m, n, k, x.data() + a_at, lda, x.data() + b_at, ldb, x.data() + c_at,
                           ldc);
      } else {
        lmul::lmul_gemm(m, n, k, x.data() + a_at, lda, x.data() + b_at, ldb, x.data() + c_at, ldc);
      }
    };
    if (shared) {
      ++rejected;
      EXPECT_THROW(call(), std::invalid_argument);
      EXPECT_EQ(x, std::vector<float>(64, 1.0f));
    } else {
      ++accepted;
      call();
      for (std::size_t i = 0; i < m; ++i) {
        for (std::size_t j = 0; j < n; ++j) {
          EXPECT_EQ(x[c_at + i * ldc + j], float(k) * one_times_one);
        }
      }
      for (std::size_t e : inputs) EXPECT_EQ(x[e], 1.0f);
    }
  }
  EXPECT_GT(accepted, 100);
  EXPECT_GT(rejected, 100);
}

}  // namespace
