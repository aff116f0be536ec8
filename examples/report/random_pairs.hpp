// random_pairs.hpp -- deterministic operand pairs for the accuracy report.
//
// The generator and the transforms are written out here (not std::normal_distribution, whose
// algorithm differs between standard libraries) so that every machine prints the same report.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace lmul_report {

/// xoshiro256** seeded through splitmix64 (Blackman & Vigna): small, fast, well tested.
class random_source {
 public:
  explicit random_source(std::uint64_t seed) {
    for (std::uint64_t& word : state_) word = splitmix64(seed);
  }
  std::uint64_t next() {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }
  /// Uniform in [0, 1) with 53 random bits.
  double uniform() { return double(next() >> 11) * 0x1p-53; }
  /// Uniform in (0, 1]: safe for log().
  double uniform_open_zero() { return double((next() >> 11) + 1) * 0x1p-53; }
  /// Standard normal by Box-Muller (one value per call; the second one is dropped for simplicity).
  double normal() {
    const double radius = std::sqrt(-2.0 * std::log(uniform_open_zero()));
    return radius * std::cos(2.0 * 3.14159265358979323846 * uniform());
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static std::uint64_t splitmix64(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::uint64_t state_[4];
};

/// The operand distributions of the report's product tables (section 1): (a) N(0,1), (b)
/// log-uniform magnitudes over [2^-8, 2^8] with random signs, (c) uniform on [-1, 1].
enum class distribution { normal, log_uniform, uniform };
inline constexpr distribution all_distributions[] = {distribution::normal,
                                                     distribution::log_uniform,
                                                     distribution::uniform};

inline std::string distribution_name(distribution d) {
  switch (d) {
    case distribution::normal: return "(a) N(0,1)";
    case distribution::log_uniform: return "(b) log-uniform |x| in [2^-8, 2^8], random sign";
    case distribution::uniform: return "(c) uniform [-1, 1]";
  }
  return "?";
}
inline std::string distribution_tag(distribution d) {
  switch (d) {
    case distribution::normal: return "a";
    case distribution::log_uniform: return "b";
    case distribution::uniform: return "c";
  }
  return "?";
}

/// One value drawn from `d`, rounded once to float (the report's operands are floats).
/// log_uniform: |x| = 2^u with u uniform in [min_log2, max_log2], sign uniform.
inline float draw(random_source& random, distribution d, double min_log2 = -8,
                  double max_log2 = 8) {
  switch (d) {
    case distribution::normal: return float(random.normal());
    case distribution::log_uniform: {
      const double magnitude = std::exp2(min_log2 + (max_log2 - min_log2) * random.uniform());
      return float((random.next() >> 63) ? -magnitude : magnitude);
    }
    case distribution::uniform: return float(2.0 * random.uniform() - 1.0);
  }
  return 0.0f;
}

/// n operand pairs from `d` with a fixed seed: the same pairs for every row of a table, so rows
/// are compared on identical data.
struct operand_pairs {
  std::vector<float> x, y;
  std::size_t size() const { return x.size(); }
};

inline operand_pairs draw_pairs(distribution d, std::size_t n, std::uint64_t seed) {
  random_source random(seed);
  operand_pairs pairs;
  pairs.x.resize(n);
  pairs.y.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    pairs.x[i] = draw(random, d);
    pairs.y[i] = draw(random, d);
  }
  return pairs;
}

}  // namespace lmul_report
