// lmul/gemm/bf16_packing.hpp -- packed panels of 16-bit words for the bf16 micro-kernel.
//
// vdpbf16ps adds the two bf16 halves of each 32-bit lane into one fp32 lane, so the two halves must
// be products for the same entry of C at two consecutive steps p = 2t and 2t + 1 (a "step pair").
// Every panel is therefore laid out by step pairs:
//   A micro-panel (MR = 8 rows): for pair t, 8 32-bit words (low half: a_word(A[i][2t]), high
//     half: a_word(A[i][2t+1])), then 8 32-bit "filters": the bf16 pair (1.0 per nonzero operand,
//     0.0 per zero) that vdpbf16ps multiplies the products by. 16 dwords = 64 bytes per pair.
//   B micro-panel (NR = 16 NV columns): for pair t, NR 32-bit lanes, column j in lane j (low half
//     b_word(B[2t][j]), high half b_word(B[2t+1][j])).
// An odd depth gets a zero operand as its last step; rows or columns past the matrix edge are zero
// operands too, so edge tiles need no kernel of their own. Each micro-panel records whether it
// holds a NaN or inf code: then its tiles go to checked_tile.
//
// Packing is vectorised with AVX-512 (BW, VBMI): the words come from the 128-entry magnitude word
// tables (two vpermt2w and a blend per 32 codes) plus the sign bit. A and B transposed (K of
// Q K^T) are read along their rows, which run along the depth, and turned into the pair-major
// layout by a 16 x 16 transpose of dwords; B (row-major) is read two rows at a time and
// interleaved by a byte permutation (vpermt2b).
#pragma once

#include "../detail/isa_namespace.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include <immintrin.h>

#include "bf16_kernel.hpp"  // LMUL_BF16_TARGET
#include "../kernels/operand_words.hpp"
#include "packing.hpp"

#define LMUL_BF16_PACK_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512vbmi")))

namespace lmul {
namespace detail {
inline namespace LMUL_ISA {  // every function: see detail/isa_namespace.hpp
namespace bf16_pack {

/// Rows of an A micro-panel: 8 rows of words + 8 rows of filters make one 16 x 16 transpose.
inline constexpr std::size_t a_panel_rows = 8;

/// The 128 magnitude words of one side (entry c: the word of the positive code c) in 4 registers.
struct word_tables {
  __m512i part[4];
};

template <class F, bool a_side>
LMUL_BF16_PACK_TARGET inline word_tables load_word_tables() {
  const std::uint16_t* words =
      a_side ? bf16_words_of<F>.a_word.data() : bf16_words_of<F>.b_word.data();
  return {{_mm512_loadu_si512(words), _mm512_loadu_si512(words + 32),
           _mm512_loadu_si512(words + 64), _mm512_loadu_si512(words + 96)}};
}

/// Words of 32 codes held in 16-bit lanes (zero-extended): the magnitude's word from the table
/// (vpermt2w reads 64 entries; bit 6 of the code picks the half) with the sign bit (code bit 7)
/// moved to bit 15. Zero codes get magnitude part 0 (table entry 0), whatever their sign.
[[gnu::always_inline]] LMUL_BF16_PACK_TARGET inline __m512i words_of(__m512i codes,
                                                                      const word_tables& t) {
  const __m512i low = _mm512_permutex2var_epi16(t.part[0], codes, t.part[1]);
  const __m512i high = _mm512_permutex2var_epi16(t.part[2], codes, t.part[3]);
  const __mmask32 upper = _mm512_test_epi16_mask(codes, _mm512_set1_epi16(0x40));
  const __m512i magnitude_word = _mm512_mask_blend_epi16(upper, low, high);
  // magnitude_word | (codes << 8 & 0x8000): ternary-logic truth table A | (B & C) = 0xF8.
  return _mm512_ternarylogic_epi32(magnitude_word, _mm512_slli_epi16(codes, 8),
                                   _mm512_set1_epi16(short(0x8000)), 0xF8);
}

/// bf16 1.0 in the 16-bit lanes of nonzero codes, 0.0 in those of zero codes.
[[gnu::always_inline]] LMUL_BF16_PACK_TARGET inline __m512i filters_of(__m512i codes) {
  const __mmask32 nonzero = _mm512_test_epi16_mask(codes, _mm512_set1_epi16(0x7F));
  return _mm512_maskz_mov_epi16(nonzero, _mm512_set1_epi16(short(bf16_one)));
}

/// Mask of the NaN and inf codes among the bytes of x selected by `lanes`.
template <class F>
[[gnu::always_inline]] LMUL_BF16_PACK_TARGET inline __mmask64 specials_of(__m512i x,
                                                                           __mmask64 lanes) {
  const __m512i magnitude = _mm512_and_si512(x, _mm512_set1_epi8(0x7F));
  return _mm512_mask_cmpgt_epu8_mask(lanes, magnitude, _mm512_set1_epi8(char(F::max_finite_code)));
}

/// Bit mask of the first `count` (<= 64) lanes.
inline std::uint64_t first_lanes(std::size_t count) {
  return count >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << count) - 1;
}

// GCC 12 warns that the pass-through operand of the plain unpack/shuffle intrinsics is "maybe
// uninitialized" (its _mm512_undefined_*, bug 105593) in every unit that instantiates them. The
// full-mask forms with a defined pass-through compile to the same instructions without it.
LMUL_BF16_PACK_TARGET inline __m512i unpacklo32(__m512i a, __m512i b) {
  return _mm512_mask_unpacklo_epi32(a, 0xFFFF, a, b);
}
LMUL_BF16_PACK_TARGET inline __m512i unpackhi32(__m512i a, __m512i b) {
  return _mm512_mask_unpackhi_epi32(a, 0xFFFF, a, b);
}
LMUL_BF16_PACK_TARGET inline __m512i unpacklo64(__m512i a, __m512i b) {
  return _mm512_mask_unpacklo_epi64(a, 0xFF, a, b);
}
LMUL_BF16_PACK_TARGET inline __m512i unpackhi64(__m512i a, __m512i b) {
  return _mm512_mask_unpackhi_epi64(a, 0xFF, a, b);
}
template <int selector>
LMUL_BF16_PACK_TARGET inline __m512i shuffle128(__m512i a, __m512i b) {
  return _mm512_mask_shuffle_i32x4(a, 0xFFFF, a, b, selector);
}

/// rows[0..15] is a 16 x 16 matrix of dwords; stores its column c (16 dwords) at out + c * stride
/// for c < count. Unpacks of 32 and 64 bits then two rounds of 128-bit lane shuffles.
LMUL_BF16_PACK_TARGET inline void store_transposed(const __m512i (&rows)[16], std::uint32_t* out,
                                                    std::size_t stride, std::size_t count) {
  // v[g][m], lane k: rows 4g..4g+3 of column 4k + m.
  __m512i v[4][4];
  for (int g = 0; g < 4; ++g) {
    const __m512i lo01 = unpacklo32(rows[4 * g], rows[4 * g + 1]);
    const __m512i hi01 = unpackhi32(rows[4 * g], rows[4 * g + 1]);
    const __m512i lo23 = unpacklo32(rows[4 * g + 2], rows[4 * g + 3]);
    const __m512i hi23 = unpackhi32(rows[4 * g + 2], rows[4 * g + 3]);
    v[g][0] = unpacklo64(lo01, lo23);
    v[g][1] = unpackhi64(lo01, lo23);
    v[g][2] = unpacklo64(hi01, hi23);
    v[g][3] = unpackhi64(hi01, hi23);
  }
  // Column 4k + m = (v[0][m], v[1][m], v[2][m], v[3][m]) lane k: a 4 x 4 transpose of 128-bit lanes.
  for (int m = 0; m < 4; ++m) {
    // Selector 0x44 takes 128-bit lanes (0, 1) of each operand, 0xEE lanes (2, 3), 0x88 lanes
    // (0, 2) and 0xDD lanes (1, 3).
    const __m512i x0 = shuffle128<0x44>(v[0][m], v[1][m]);  // v0.0 v0.1 v1.0 v1.1
    const __m512i x1 = shuffle128<0xEE>(v[0][m], v[1][m]);  // v0.2 v0.3 v1.2 v1.3
    const __m512i x2 = shuffle128<0x44>(v[2][m], v[3][m]);  // v2.0 v2.1 v3.0 v3.1
    const __m512i x3 = shuffle128<0xEE>(v[2][m], v[3][m]);  // v2.2 v2.3 v3.2 v3.3
    const __m512i column[4] = {shuffle128<0x88>(x0, x2), shuffle128<0xDD>(x0, x2),
                               shuffle128<0x88>(x1, x3), shuffle128<0xDD>(x1, x3)};
    for (int k = 0; k < 4; ++k) {
      const std::size_t c = std::size_t(4 * k + m);
      if (c < count) _mm512_storeu_si512(out + c * stride, column[k]);
    }
  }
}

/// Up to 32 steps (16 pairs) of a line contiguous along the depth, as 16-bit codes; steps past
/// `remaining` are zero codes. Returns the specials found through `special`.
template <class F>
[[gnu::always_inline]] LMUL_BF16_PACK_TARGET inline __m512i line_codes(const std::uint8_t* line,
                                                                        std::size_t remaining,
                                                                        bool& special) {
  const __mmask32 lanes = __mmask32(first_lanes(std::min<std::size_t>(remaining, 32)));
  const __m256i bytes = _mm256_maskz_loadu_epi8(lanes, line);
  const __m256i magnitude = _mm256_and_si256(bytes, _mm256_set1_epi8(0x7F));
  special |= _mm256_mask_cmpgt_epu8_mask(lanes, magnitude,
                                         _mm256_set1_epi8(char(F::max_finite_code))) != 0;
  return _mm512_cvtepu8_epi16(bytes);
}

/// Running range of the magnitudes of bf16 codes in 16-bit lanes: the minimum of (magnitude - 1),
/// where a zero wraps to 0xFFFF and never wins, and the maximum. Zero lanes (padding) are neutral.
struct code_range16 {
  __m512i min_minus_one;
  __m512i max;
};
LMUL_BF16_PACK_TARGET inline code_range16 empty_range16() {
  return {_mm512_set1_epi16(-1), _mm512_setzero_si512()};
}
[[gnu::always_inline]] LMUL_BF16_PACK_TARGET inline void widen_range16(code_range16& r,
                                                                         __m512i codes) {
  const __m512i magnitude = _mm512_and_si512(codes, _mm512_set1_epi16(0x7FFF));
  r.min_minus_one =
      _mm512_min_epu16(r.min_minus_one, _mm512_sub_epi16(magnitude, _mm512_set1_epi16(1)));
  r.max = _mm512_max_epu16(r.max, magnitude);
}
LMUL_BF16_PACK_TARGET inline panel_summary summary_of(const code_range16& r) {
  alignas(64) std::uint16_t low[32], high[32];
  _mm512_store_si512(low, r.min_minus_one);
  _mm512_store_si512(high, r.max);
  const std::uint16_t min_minus_one = *std::min_element(low, low + 32);
  const std::uint16_t max = *std::max_element(high, high + 32);
  return {std::uint32_t(std::uint16_t(min_minus_one + 1)), max, false};  // 0xFFFF + 1: all zero
}

/// Up to 32 bf16 codes (16 step pairs) of a line contiguous along the depth; steps past
/// `remaining` are zero codes. In memory the codes already lie as step pairs (low half first).
[[gnu::always_inline]] LMUL_BF16_PACK_TARGET inline __m512i line_codes16(const std::uint16_t* line,
                                                                          std::size_t remaining) {
  const __mmask32 lanes = __mmask32(first_lanes(std::min<std::size_t>(remaining, 32)));
  return _mm512_maskz_loadu_epi16(lanes, line);
}

/// The A packers' transposition: per 16 pairs from t0, row(r, t0, words, filters) fills the lines
/// of the panel's rows r < height (rows past the edge: zero operands), stored transposed as pairs
/// of 2 * MR dwords (8 word rows, then 8 filter rows).
template <class Row>
[[gnu::always_inline]] LMUL_BF16_PACK_TARGET inline void pack_rows_transposed(std::uint32_t* panel,
                                                                             std::size_t pairs,
                                                                             std::size_t height,
                                                                             Row&& row) {
  constexpr std::size_t MR = a_panel_rows;
  for (std::size_t t0 = 0; t0 < pairs; t0 += 16) {
    __m512i lines[16];
    for (std::size_t r = 0; r < MR; ++r) {
      if (r < height) {
        row(r, t0, lines[r], lines[MR + r]);
      } else {
        lines[r] = lines[MR + r] = _mm512_setzero_si512();
      }
    }
    store_transposed(lines, panel + t0 * 2 * MR, 2 * MR, std::min<std::size_t>(16, pairs - t0));
  }
}

/// The B packers' transposition for B transposed (column j contiguous along the depth): per 16
/// pairs from t0 and 16 columns at a time, column(j, t0) gives the words of the panel's columns
/// j < width (columns past the edge: zero operands), stored transposed as pairs of NR dwords.
template <std::size_t NR, class Column>
[[gnu::always_inline]] LMUL_BF16_PACK_TARGET inline void pack_columns_transposed(
    std::uint32_t* panel, std::size_t pairs, std::size_t width, Column&& column) {
  for (std::size_t t0 = 0; t0 < pairs; t0 += 16) {
    for (std::size_t v = 0; v < NR / 16; ++v) {
      __m512i lines[16];
      for (std::size_t l = 0; l < 16; ++l) {
        const std::size_t j = 16 * v + l;
        lines[l] = j < width ? column(j, t0) : _mm512_setzero_si512();
      }
      store_transposed(lines, panel + t0 * NR + 16 * v, NR, std::min<std::size_t>(16, pairs - t0));
    }
  }
}

}  // namespace bf16_pack

/// Pack `rows` rows x `depth` steps of A (element (i, p) = a(row0 + i, p0 + p); A's rows are
/// contiguous) into ceil(rows / 8) micro-panels at `out`, each (depth + 1) / 2 pairs x 16 dwords.
/// special[q] tells whether panel q holds a NaN or inf.
template <class T>
LMUL_BF16_PACK_TARGET void pack_a_bf16(strided_matrix<T> a, std::size_t row0, std::size_t p0,
                                       std::size_t rows, std::size_t depth, std::uint32_t* out,
                                       bool* special) {
  using F = format_of_t<T>;
  constexpr std::size_t MR = bf16_pack::a_panel_rows;
  const bf16_pack::word_tables tables = bf16_pack::load_word_tables<F, true>();
  const std::size_t pairs = (depth + 1) / 2;
  const std::size_t panels = (rows + MR - 1) / MR;
  for (std::size_t q = 0; q < panels; ++q) {
    std::uint32_t* panel = out + q * pairs * 2 * MR;
    const std::size_t height = std::min(MR, rows - q * MR);
    bool any_special = false;
    bf16_pack::pack_rows_transposed(
        panel, pairs, height,
        [&](std::size_t r, std::size_t t0, __m512i& words, __m512i& filters) LMUL_BF16_PACK_TARGET {
          const auto* line =
              reinterpret_cast<const std::uint8_t*>(a.address(row0 + q * MR + r, p0 + 2 * t0));
          const __m512i codes = bf16_pack::line_codes<F>(line, depth - 2 * t0, any_special);
          words = bf16_pack::words_of(codes, tables);
          filters = bf16_pack::filters_of(codes);
        });
    special[q] = any_special;
  }
}

/// Pack `depth` steps x `cols` columns of B (element (p, j) = b(p0 + p, col0 + j)) into
/// ceil(cols / NR) micro-panels at out + q * pairs * NR. B is either row-major (col_stride 1) or
/// B transposed (row_stride 1). special[q] tells whether panel q holds a NaN or inf.
template <class T, std::size_t NR>
LMUL_BF16_PACK_TARGET void pack_b_bf16(strided_matrix<T> b, std::size_t p0, std::size_t col0,
                                       std::size_t depth, std::size_t cols, std::uint32_t* out,
                                       bool* special) {
  using F = format_of_t<T>;
  static_assert(NR % 16 == 0 && NR <= 64, "whole vectors, one 64-byte load per row");
  constexpr std::size_t NV = NR / 16;
  const bf16_pack::word_tables tables = bf16_pack::load_word_tables<F, false>();
  const std::size_t pairs = (depth + 1) / 2;
  const std::size_t panels = (cols + NR - 1) / NR;
  for (std::size_t q = 0; q < panels; ++q) {
    std::uint32_t* panel = out + q * pairs * NR;
    const std::size_t width = std::min(NR, cols - q * NR);
    bool any_special = false;
    if (b.col_stride == 1) {
      // Row-major B: rows 2t and 2t + 1 of the panel; vector v's 32 words are the codes
      // (row 2t [16v + l], row 2t + 1 [16v + l]) for l < 16, zero-extended to 16 bits: one byte
      // permutation of the two rows (index bit 6 picks the second row; odd bytes zeroed).
      alignas(64) std::uint8_t index[NV][64];
      for (std::size_t v = 0; v < NV; ++v) {
        for (std::size_t l = 0; l < 16; ++l) {
          index[v][4 * l] = std::uint8_t(16 * v + l);
          index[v][4 * l + 2] = std::uint8_t(64 + 16 * v + l);
          index[v][4 * l + 1] = index[v][4 * l + 3] = 0;
        }
      }
      const __mmask64 columns = bf16_pack::first_lanes(width);
      for (std::size_t t = 0; t < pairs; ++t) {
        const auto* low = reinterpret_cast<const std::uint8_t*>(b.address(p0 + 2 * t, col0 + q * NR));
        const __m512i low_row = _mm512_maskz_loadu_epi8(columns, low);
        __m512i high_row = _mm512_setzero_si512();
        if (2 * t + 1 < depth) {
          high_row = _mm512_maskz_loadu_epi8(columns, low + b.row_stride * sizeof(T));
        }
        any_special |= (bf16_pack::specials_of<F>(low_row, columns) |
                        bf16_pack::specials_of<F>(high_row, columns)) != 0;
        for (std::size_t v = 0; v < NV; ++v) {
          const __m512i codes = _mm512_maskz_permutex2var_epi8(
              0x5555555555555555ull, low_row, _mm512_load_si512(index[v]), high_row);
          _mm512_storeu_si512(panel + t * NR + 16 * v, bf16_pack::words_of(codes, tables));
        }
      }
    } else {  // B transposed: column j is contiguous along the depth
      bf16_pack::pack_columns_transposed<NR>(
          panel, pairs, width, [&](std::size_t j, std::size_t t0) LMUL_BF16_PACK_TARGET {
            const auto* line =
                reinterpret_cast<const std::uint8_t*>(b.address(p0 + 2 * t0, col0 + q * NR + j));
            return bf16_pack::words_of(bf16_pack::line_codes<F>(line, depth - 2 * t0, any_special),
                                       tables);
          });
    }
    special[q] = any_special;
  }
}

/// pack_a_bf16 for bfloat16 operands (operand_words.hpp, "16-bit words of bfloat16 operands"):
/// A's word is code + bf16_code_constant (0 for a zero), its filter 1.0 (0.0 for a zero).
/// summaries[q] receives panel q's magnitude range.
template <class T>
LMUL_BF16_PACK_TARGET void pack_a_bf16_codes(strided_matrix<T> a, std::size_t row0, std::size_t p0,
                                             std::size_t rows, std::size_t depth,
                                             std::uint32_t* out, panel_summary* summaries) {
  using F = format_of_t<T>;
  constexpr std::size_t MR = bf16_pack::a_panel_rows;
  const __m512i constant = _mm512_set1_epi16(short(bf16_code_constant<F>));
  const __m512i magnitude_bits = _mm512_set1_epi16(0x7FFF);
  const std::size_t pairs = (depth + 1) / 2;
  const std::size_t panels = (rows + MR - 1) / MR;
  for (std::size_t q = 0; q < panels; ++q) {
    std::uint32_t* panel = out + q * pairs * 2 * MR;
    const std::size_t height = std::min(MR, rows - q * MR);
    bf16_pack::code_range16 range = bf16_pack::empty_range16();
    bf16_pack::pack_rows_transposed(
        panel, pairs, height,
        [&](std::size_t r, std::size_t t0, __m512i& words, __m512i& filters) LMUL_BF16_PACK_TARGET {
          const auto* line =
              reinterpret_cast<const std::uint16_t*>(a.address(row0 + q * MR + r, p0 + 2 * t0));
          const __m512i codes = bf16_pack::line_codes16(line, depth - 2 * t0);
          bf16_pack::widen_range16(range, codes);
          const __mmask32 nonzero = _mm512_test_epi16_mask(codes, magnitude_bits);
          words = _mm512_maskz_add_epi16(nonzero, codes, constant);
          filters = _mm512_maskz_mov_epi16(nonzero, _mm512_set1_epi16(short(bf16_one)));
        });
    summaries[q] = bf16_pack::summary_of(range);
  }
}

/// pack_b_bf16 for bfloat16 operands: B's word is its code. summaries[q] receives panel q's
/// magnitude range.
template <class T, std::size_t NR>
LMUL_BF16_PACK_TARGET void pack_b_bf16_codes(strided_matrix<T> b, std::size_t p0, std::size_t col0,
                                             std::size_t depth, std::size_t cols,
                                             std::uint32_t* out, panel_summary* summaries) {
  static_assert(NR % 16 == 0, "whole vectors");
  constexpr std::size_t NV = NR / 16;
  const std::size_t pairs = (depth + 1) / 2;
  const std::size_t panels = (cols + NR - 1) / NR;
  for (std::size_t q = 0; q < panels; ++q) {
    std::uint32_t* panel = out + q * pairs * NR;
    const std::size_t width = std::min(NR, cols - q * NR);
    bf16_pack::code_range16 range = bf16_pack::empty_range16();
    if (b.col_stride == 1) {
      // Row-major B: vector v of pair t holds (row 2t [16v + l], row 2t + 1 [16v + l]) in lane l.
      __mmask16 columns[NV];
      for (std::size_t v = 0; v < NV; ++v) {
        const std::size_t first = 16 * v;
        const std::size_t count = width > first ? std::min<std::size_t>(16, width - first) : 0;
        columns[v] = __mmask16(bf16_pack::first_lanes(count));
      }
      for (std::size_t t = 0; t < pairs; ++t) {
        const auto* low =
            reinterpret_cast<const std::uint16_t*>(b.address(p0 + 2 * t, col0 + q * NR));
        const bool has_high = 2 * t + 1 < depth;
        for (std::size_t v = 0; v < NV; ++v) {
          const __m256i low_codes = _mm256_maskz_loadu_epi16(columns[v], low + 16 * v);
          const __m256i high_codes =
              has_high ? _mm256_maskz_loadu_epi16(columns[v], low + b.row_stride + 16 * v)
                       : _mm256_setzero_si256();
          // The full-mask forms: see the note on GCC bug 105593 above.
          const __m512i words = _mm512_or_si512(
              _mm512_maskz_cvtepu16_epi32(0xFFFF, low_codes),
              _mm512_maskz_slli_epi32(0xFFFF, _mm512_maskz_cvtepu16_epi32(0xFFFF, high_codes), 16));
          bf16_pack::widen_range16(range, words);
          _mm512_storeu_si512(panel + t * NR + 16 * v, words);
        }
      }
    } else {  // B transposed: column j is contiguous along the depth
      bf16_pack::pack_columns_transposed<NR>(
          panel, pairs, width, [&](std::size_t j, std::size_t t0) LMUL_BF16_PACK_TARGET {
            const auto* line =
                reinterpret_cast<const std::uint16_t*>(b.address(p0 + 2 * t0, col0 + q * NR + j));
            const __m512i codes = bf16_pack::line_codes16(line, depth - 2 * t0);
            bf16_pack::widen_range16(range, codes);
            return codes;
          });
    }
    summaries[q] = bf16_pack::summary_of(range);
  }
}

}  // inline namespace LMUL_ISA
}  // namespace detail
}  // namespace lmul
