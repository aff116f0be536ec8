// The compiled kernels (lmul_kernels) of every instruction set in the library that the running CPU
// has, called through their tables in one process, against the independent reference
// (tests/core/reference): every entry of the table, the MX block sums included. dispatched_test.cpp
// runs each table through the public functions. Both run on aarch64 under qemu (.ci/run).
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <lmul/lmul.hpp>
#include <lmul/kernels/stand_in_codes.hpp>

#include "../gemm/gemm_reference.hpp"
#include "reference.hpp"

namespace {

using namespace lmul_test;

/// The tables this CPU can run, with their names (printed so that a log says what was tested).
std::vector<const lmul::runtime::kernel_table*> runnable_tables() {
  std::vector<const lmul::runtime::kernel_table*> out;
  for (const char* const* name = lmul::runtime::arch_names(); *name != nullptr; ++name) {
    if (const auto* table = lmul::runtime::kernels_for(*name)) out.push_back(table);
  }
  return out;
}

template <class T>
constexpr int format = lmul::runtime::compiled_format_index<lmul::format_of_t<T>>;

template <class T>
class RuntimeByteKernels : public ::testing::Test {};
using byte_types = ::testing::Types<lmul::float8_e4m3fn, lmul::float8_e5m2, lmul::lmul<1, 6>,
                                    lmul::lmul<3, 4>, lmul::lmul<4, 3>, lmul::lmul<5, 2>>;
TYPED_TEST_SUITE(RuntimeByteKernels, byte_types);

template <class T>
class RuntimeWideKernels : public ::testing::Test {};
using wide_types = ::testing::Types<float, lmul::lmul<7, 8>, lmul::lmul<8, 7>, lmul::lmul<9, 6>,
                                    lmul::lmul<10, 5>, lmul::lmul<11, 4>, lmul::lmul<12, 3>,
                                    lmul::lmul<13, 2>>;
TYPED_TEST_SUITE(RuntimeWideKernels, wide_types);

template <class T>
class RuntimeAllKernels : public ::testing::Test {};
using all_types = ::testing::Types<float, lmul::float8_e4m3fn, lmul::float8_e5m2,
                                   lmul::lmul<5, 2>, lmul::lmul<7, 8>, lmul::lmul<10, 5>>;
TYPED_TEST_SUITE(RuntimeAllKernels, all_types);

TYPED_TEST(RuntimeByteKernels, MultiplyAllPairsBitIdentical) {
  using T = TypeParam;
  static_assert(format<T> >= 0, "compiled format");
  std::vector<T> a(65536 + 13), b(a.size()), out(a.size());  // + 13: a tail after full registers
  for (std::size_t i = 0; i < a.size(); ++i) {
    a[i] = from_code<T>((i >> 8) & 0xFF);
    b[i] = from_code<T>(i & 0xFF);
  }
  for (const auto* table : runnable_tables()) {
    table->multiply[format<T>](a.data(), b.data(), out.data(), a.size());
    const long bad = first_mismatch(a.data(), b.data(), out.data(), a.size());
    EXPECT_EQ(bad, -1) << table->arch_name << ", element " << bad;
  }
}

TYPED_TEST(RuntimeWideKernels, MultiplyRandomAndBoundaryPairsBitIdentical) {
  using T = TypeParam;
  static_assert(format<T> >= 0, "compiled format");
  code_source<T> source(0x5eed + sizeof(T));
  std::vector<T> a(1 << 18), b(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    a[i] = source();
    b[i] = source();
  }
  const std::vector<T> boundary = boundary_values<T>();
  for (T x : boundary) {
    for (T y : boundary) {
      a.push_back(x);
      b.push_back(y);
    }
  }
  std::vector<T> out(a.size());
  for (const auto* table : runnable_tables()) {
    table->multiply[format<T>](a.data(), b.data(), out.data(), a.size());
    const long bad = first_mismatch(a.data(), b.data(), out.data(), a.size());
    EXPECT_EQ(bad, -1) << table->arch_name << ", element " << bad;
  }
}

TYPED_TEST(RuntimeAllKernels, DotWithinTheBound) {
  using T = TypeParam;
  const std::vector<T> a = finite_values<T>(10007, 11), b = finite_values<T>(10007, 12);
  long double sum, sum_abs;
  reference_sum(a, b, sum, sum_abs);
  for (const auto* table : runnable_tables()) {
    const float got = table->dot[format<T>](a.data(), b.data(), a.size());
    EXPECT_LE(std::fabs(got - sum), dot_tolerance(a.size(), sum_abs)) << table->arch_name;
  }
}

TYPED_TEST(RuntimeByteKernels, DotExactIsCorrectlyRounded) {
  using T = TypeParam;
  // Normal exponents within +-4 of the bias, so that the independent 128-bit reference holds every sum.
  using F = format_t<T>;
  std::mt19937_64 rng(21);
  std::vector<T> a(4099), b(4099);
  for (auto* v : {&a, &b}) {
    for (T& x : *v) {
      const int max_field = int(F::max_finite_code >> F::mantissa_bits);
      const auto field = std::uint64_t(std::clamp(F::bias + int(rng() % 9) - 4, 1, max_field));
      x = from_code<T>((field << F::mantissa_bits) | (rng() & F::fraction_mask) |
                       ((rng() & 1) ? F::sign_mask : 0));
    }
  }
  float expected;
  ASSERT_TRUE(exact_reference(a, b, expected));
  for (const auto* table : runnable_tables()) {
    const float got = table->dot_exact[format<T>](a.data(), b.data(), a.size());
    EXPECT_EQ(std::bit_cast<std::uint32_t>(got), std::bit_cast<std::uint32_t>(expected))
        << table->arch_name;
  }
}

TYPED_TEST(RuntimeAllKernels, GemmWithinTheBound) {
  using T = TypeParam;
  const std::size_t m = 37, n = 45, k = 300;
  const std::vector<T> a = finite_values<T>(m * k, 31), b = finite_values<T>(k * n, 32);
  const auto expected = lmul_gemm_test::naive_reference<T>(
      m, n, k, [&](std::size_t i, std::size_t p) { return a[i * k + p]; },
      [&](std::size_t p, std::size_t j) { return b[p * n + j]; });
  std::vector<float> c(m * n);
  for (const auto* table : runnable_tables()) {
    for (unsigned threads : {1u, 3u}) {
      table->gemm[format<T>](m, n, k, a.data(), k, 1, b.data(), n, 1, c.data(), n, threads);
      for (std::size_t i = 0; i < m * n; ++i) {
        ASSERT_TRUE(lmul_gemm_test::matches_reference(c[i], expected[i], k))
            << table->arch_name << ", entry " << i << ", threads " << threads;
      }
    }
  }
}

/// The block sums that the block_sums entry must give: 0.f + each wide product (reference)
/// for single-term blocks, so the expected bits are exact (a -0 product sums to +0).
template <class T>
bool same_sum(float got, float expected) {
  return std::isnan(expected) ? std::isnan(got)
                              : std::bit_cast<std::uint32_t>(got) == std::bit_cast<std::uint32_t>(expected);
}

/// Every pair of the 2^total_bits codes of T as the only nonzero term of its block, for blocks of 1
/// and of 32 with the pair at every lane position in turn: each block sum of the entry
/// `entry_of(table)` must be 0.f + the pair's wide product, bit for bit, on every table the CPU runs.
template <class T, class EntryOf>
void check_single_term_block_sums(EntryOf entry_of) {
  constexpr std::size_t codes = std::size_t{1} << format_t<T>::total_bits;
  std::vector<T> a(codes * codes), b(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    a[i] = from_code<T>(i / codes);
    b[i] = from_code<T>(i % codes);
  }
  for (const std::size_t block : {std::size_t{1}, std::size_t{32}}) {
    std::vector<T> xa(a.size() * block, from_code<T>(0)), xb(xa.size(), from_code<T>(0));
    for (std::size_t j = 0; j < a.size(); ++j) {
      xa[j * block + j % block] = a[j];
      xb[j * block + j % block] = b[j];
    }
    for (const auto* table : runnable_tables()) {
      std::vector<float> sums(a.size(), -1.f);
      entry_of(*table)(xa.data(), xb.data(), xa.size(), block, sums.data());
      long bad = -1;
      for (std::size_t j = 0; j < a.size() && bad < 0; ++j) {
        if (!same_sum<T>(sums[j], 0.f + wide_product(a[j], b[j]))) bad = long(j);
      }
      EXPECT_EQ(bad, -1) << table->arch_name << ", block " << block << ", pair " << bad
                         << " got " << (bad < 0 ? 0.f : sums[std::size_t(bad)]);
    }
  }
}

// All 256 x 256 code pairs (NaN and inf included), each the only nonzero term of its block: blocks
// of 1, and blocks of 32 (the MX size: the VBMI kernel's two-blocks-per-register path) with the
// pair at every lane position in turn and zero codes elsewhere.
TYPED_TEST(RuntimeByteKernels, BlockSumsOfSingleTermsAreTheWideProducts) {
  check_single_term_block_sums<TypeParam>(
      [](const lmul::runtime::kernel_table& table) { return table.block_sums[format<TypeParam>]; });
}

// Random finite codes, block sizes around the register widths, lengths with a short last block:
// each block's sum within spec 4's bound of the exact sum; a block with a NaN code sums to NaN and
// leaves its neighbours alone.
TYPED_TEST(RuntimeByteKernels, BlockSumsWithinTheBoundPerBlock) {
  using T = TypeParam;
  using F = format_t<T>;
  for (const std::size_t block : std::initializer_list<std::size_t>{1, 7, 16, 31, 32, 33, 64, 100, 128, 1000}) {
    for (const std::size_t n : {block * 5, block * 5 + 1, block * 70 - 3, std::size_t{2053}}) {
      const std::vector<T> a = finite_values<T>(n, 31 + block), b0 = finite_values<T>(n, 37 + n);
      std::vector<T> b = b0;
      const std::size_t nan_at = (n / 2) | 1;  // in one block; the NaN code of the format
      b[nan_at] = from_code<T>(F::nan_code);
      const std::size_t blocks = (n + block - 1) / block;
      for (const auto* table : runnable_tables()) {
        std::vector<float> sums(blocks + 1, -1.f);
        table->block_sums[format<T>](a.data(), b.data(), n, block, sums.data());
        EXPECT_EQ(sums[blocks], -1.f) << table->arch_name << ": wrote past the last block";
        for (std::size_t j = 0; j < blocks; ++j) {
          const std::size_t first = j * block, count = std::min(block, n - first);
          if (nan_at >= first && nan_at < first + count) {
            EXPECT_TRUE(std::isnan(sums[j])) << table->arch_name << " block " << block << " n " << n;
            continue;
          }
          long double sum, sum_abs;
          reference_sum(a.data() + first, b.data() + first, count, sum, sum_abs);
          ASSERT_LE(std::fabs(sums[j] - sum), dot_tolerance(count, sum_abs))
              << table->arch_name << ", block " << block << ", n " << n << ", block index " << j;
        }
      }
    }
  }
}

template <class T>
class RuntimeNarrowBlockSums : public ::testing::Test {};
using narrow_types = ::testing::Types<lmul::float6_e2m3fn, lmul::float6_e3m2fn, lmul::float4_e2m1fn>;
TYPED_TEST_SUITE(RuntimeNarrowBlockSums, narrow_types);

template <class T>
constexpr int narrow_format = lmul::runtime::narrow_mx_format_index<format_t<T>>;

// FP6 / FP4 block sums (narrow_block_sums): every pair of codes as the only nonzero term of its
// block (blocks of 1 and of 32, the pair at every lane position in turn) gives 0.f + its wide
// product, bit for bit.
TYPED_TEST(RuntimeNarrowBlockSums, SingleTermsAreTheWideProducts) {
  check_single_term_block_sums<TypeParam>([](const lmul::runtime::kernel_table& table) {
    return table.narrow_block_sums[narrow_format<TypeParam>];
  });
}

// Random codes, block sizes 1 to 3000 (longer than the 2048 codes rewritten at a time), lengths
// with a short last block: each block sum within spec 4's bound of the exact sum, nothing written
// past the last block, and for blocks up to 2048 codes the same bits as the 8-bit format's entry on
// the rewritten codes (kernels/stand_in_codes.hpp; tests/mx checks the rewriting against the reference).
TYPED_TEST(RuntimeNarrowBlockSums, WithinTheBoundAndEqualToTheWideFormat) {
  using T = TypeParam;
  using F = format_t<T>;
  constexpr auto& rewrite = lmul::detail::stand_in_codes_v<F>.code;
  constexpr int wide_format = lmul::runtime::compiled_format_index<lmul::detail::stand_in_format_t<F>>;
  static_assert(wide_format >= 0);
  for (const std::size_t block : std::initializer_list<std::size_t>{1, 7, 31, 32, 33, 64, 128, 1000, 2048, 3000}) {
    for (const std::size_t n : {block * 5, block * 5 + 1, block * 70 - 3, std::size_t{2053}}) {
      std::mt19937 rng(unsigned(block * 7 + n));
      std::vector<T> a(n), b(n);
      std::vector<std::uint8_t> wa(n), wb(n);
      for (std::size_t i = 0; i < n; ++i) {
        a[i] = from_code<T>(rng() % rewrite.size());
        b[i] = from_code<T>(rng() % rewrite.size());
        wa[i] = rewrite[lmul::to_code(a[i])];
        wb[i] = rewrite[lmul::to_code(b[i])];
      }
      const std::size_t blocks = (n + block - 1) / block;
      for (const auto* table : runnable_tables()) {
        std::vector<float> sums(blocks + 1, -1.f), wide(blocks, -1.f);
        table->narrow_block_sums[narrow_format<T>](a.data(), b.data(), n, block, sums.data());
        table->block_sums[wide_format](wa.data(), wb.data(), n, block, wide.data());
        EXPECT_EQ(sums[blocks], -1.f) << table->arch_name << ": wrote past the last block";
        for (std::size_t j = 0; j < blocks; ++j) {
          const std::size_t first = j * block, count = std::min(block, n - first);
          long double sum, sum_abs;
          reference_sum(a.data() + first, b.data() + first, count, sum, sum_abs);
          ASSERT_LE(std::fabs(sums[j] - sum), dot_tolerance(count, sum_abs))
              << table->arch_name << ", block " << block << ", n " << n << ", block index " << j;
          if (block <= 2048) {
            ASSERT_TRUE(same_sum<T>(sums[j], wide[j]))
                << table->arch_name << ", block " << block << ", n " << n << ", block index " << j;
          }
        }
      }
    }
  }
}

// Issue 17, item 3: FP6 / FP4 bytes with the unused high bits set (arrays filled from raw bytes) are
// the values of their low 6 / 4 bits on every table: every byte 0..255 against a permutation of
// them, copied in by memcpy, gives the same sums, bit for bit, as the masked codes, for block sizes
// around the registers and the 2048 codes rewritten at a time and lengths with tails. lmul_dot and
// lmul_mx_dot of these types run exactly these entries; on an AVX-512 VBMI CPU this runs the vpermb
// rewriting of avx512_vbmi.hpp.
TYPED_TEST(RuntimeNarrowBlockSums, HighBitsOfTheByteAreIgnored) {
  using T = TypeParam;
  constexpr std::uint8_t low = std::uint8_t((1u << format_t<T>::total_bits) - 1);
  for (const std::size_t n : {std::size_t{1}, std::size_t{63}, std::size_t{256}, std::size_t{4099}}) {
    std::vector<std::uint8_t> ra(n), rb(n);
    for (std::size_t i = 0; i < n; ++i) {
      ra[i] = std::uint8_t(i);
      rb[i] = std::uint8_t(i * 167 + 59 + i / 256);
    }
    std::vector<T> a(n), b(n), ma(n), mb(n);
    std::memcpy(a.data(), ra.data(), n);
    std::memcpy(b.data(), rb.data(), n);
    for (std::size_t i = 0; i < n; ++i) {
      ma[i] = from_code<T>(std::uint8_t(ra[i] & low));
      mb[i] = from_code<T>(std::uint8_t(rb[i] & low));
    }
    for (const std::size_t block : {std::size_t{1}, std::size_t{7}, std::size_t{32}, std::size_t{64},
                                    std::size_t{2048}, std::size_t{3000}, n}) {
      const std::size_t blocks = (n + block - 1) / block;
      for (const auto* table : runnable_tables()) {
        std::vector<float> sums(blocks), want(blocks);
        table->narrow_block_sums[narrow_format<T>](a.data(), b.data(), n, block, sums.data());
        table->narrow_block_sums[narrow_format<T>](ma.data(), mb.data(), n, block, want.data());
        for (std::size_t j = 0; j < blocks; ++j) {
          ASSERT_EQ(std::bit_cast<std::uint32_t>(sums[j]), std::bit_cast<std::uint32_t>(want[j]))
              << table->arch_name << ", n " << n << ", block " << block << ", block index " << j;
        }
      }
    }
  }
}

TEST(Runtime, ListsTheBaselineAndReportsTheSelectedArch) {
  std::string names;
  bool has_scalar = false;
  for (const char* const* name = lmul::runtime::arch_names(); *name != nullptr; ++name) {
    names += std::string(*name) + (lmul::runtime::kernels_for(*name) ? " (runs)" : " (not on this CPU)") + "; ";
    has_scalar = has_scalar || std::string(*name) == "baseline";
  }
  std::printf("compiled instruction sets: %s selected: %s\n", names.c_str(), lmul::selected_arch());
  EXPECT_TRUE(has_scalar);
  EXPECT_NE(lmul::runtime::kernels_for("baseline"), nullptr);
  EXPECT_EQ(lmul::runtime::kernels_for("no such arch"), nullptr);
}

}  // namespace
