// tests/core/conversion_support.hpp -- float -> format conversions under test, for the sweeps of
// reference/float_sweep.hpp (the sampled sweep of the default suite and the exhaustive one).
#pragma once

#include <algorithm>
#include <cstdint>
#include <thread>
#include <vector>

#include "core_test_support.hpp"
#include "reference/float_sweep.hpp"

namespace core_test {

/// One way of converting a float: the overflow mode and rounding of the library, and the same
/// choice spelled for the reference.
struct conversion_mode {
  lmul::overflow_mode overflow;
  lmul::rounding_mode rounding;

  lmul_ref::overflow ref_overflow() const {
    return overflow == lmul::overflow_mode::saturating ? lmul_ref::overflow::saturating
                                                       : lmul_ref::overflow::non_saturating;
  }
  lmul_ref::rounding ref_rounding() const {
    return rounding == lmul::rounding_mode::toward_zero ? lmul_ref::rounding::toward_zero
                                                        : lmul_ref::rounding::nearest_even;
  }
};

inline constexpr conversion_mode nearest{lmul::overflow_mode::non_saturating,
                                         lmul::rounding_mode::nearest_even};
inline constexpr conversion_mode nearest_saturating{lmul::overflow_mode::saturating,
                                                    lmul::rounding_mode::nearest_even};
inline constexpr conversion_mode toward_zero{lmul::overflow_mode::non_saturating,
                                             lmul::rounding_mode::toward_zero};

/// The conversion under test: the public constructor T(float, overflow) for round to nearest even,
/// the conversion engine detail::encode for the rounding modes the constructor does not offer.
template <class T>
struct convert_float {
  conversion_mode mode;
  lmul_ref::converted operator()(float x) const {
    if (mode.rounding == lmul::rounding_mode::nearest_even) {
      const T t(x, mode.overflow);
      return {lmul::isnan(t), std::uint32_t(t.bits())};
    }
    const T t = T::from_bits(
        lmul::detail::encode<lmul::format_of_t<T>>(double(x), mode.overflow, mode.rounding));
    return {lmul::isnan(t), std::uint32_t(t.bits())};
  }
};

/// All 2^32 floats, split over `threads` std::threads by magnitude range.
template <class T>
lmul_ref::sweep_result sweep_all_floats(conversion_mode mode, unsigned threads) {
  const lmul_ref::format_table& t = table<T>();
  std::vector<lmul_ref::sweep_result> parts(threads);
  std::vector<std::thread> workers;
  const std::uint64_t total = std::uint64_t{1} << 31;  // magnitudes; each is checked with both signs
  for (unsigned i = 0; i < threads; ++i) {
    const auto begin = std::uint32_t(total * i / threads);
    const auto end = std::uint32_t(total * (i + 1) / threads);
    workers.emplace_back([&, i, begin, end] {
      parts[i] = lmul_ref::sweep_range(t, begin, end, mode.ref_overflow(), mode.ref_rounding(),
                                       convert_float<T>{mode});
    });
  }
  lmul_ref::sweep_result result;
  for (unsigned i = 0; i < threads; ++i) {
    workers[i].join();
    result.merge(parts[i]);
  }
  return result;
}

/// A sample of float magnitudes (ascending) that holds every rounding situation of every format
/// with M <= 15: all 2^15 values of the upper 15 magnitude bits combined with low 16-bit patterns
/// that put a tie, a tie +- 1 ulp, all ones or zeros at each bit position.
inline std::vector<std::uint32_t> sampled_float_magnitudes() {
  std::vector<std::uint32_t> low = {0, 1, 2, 3, 0x5555, 0xAAAA, 0xFFFE, 0xFFFF, 0x1234, 0xEDCB};
  for (int b = 1; b < 16; ++b) {
    const std::uint32_t p = std::uint32_t{1} << b;
    low.insert(low.end(), {p - 1, p, p + 1, p | (p >> 1), 0xFFFFu & ~(p - 1)});
  }
  std::sort(low.begin(), low.end());
  low.erase(std::unique(low.begin(), low.end()), low.end());
  std::vector<std::uint32_t> magnitudes;
  for (std::uint32_t high = 0; high < 0x8000; ++high) {
    for (const std::uint32_t l : low) magnitudes.push_back((high << 16) | l);
  }
  return magnitudes;
}

}  // namespace core_test
