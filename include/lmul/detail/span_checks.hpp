// lmul/detail/span_checks.hpp -- argument checks shared by every span kernel (spec section 4).
//
// Bad input gets std::invalid_argument (errors.hpp: the error handler without exceptions) before
// anything is written: spans of different lengths, or an output that overlaps an input other than
// exactly (same start, same length: in place).
#pragma once

#include "isa_namespace.hpp"

#include <cstddef>
#include <functional>
#include <span>
#include <string>

#include "../errors.hpp"

namespace lmul {
namespace detail {
inline namespace LMUL_ISA {

template <class T>
bool partially_overlaps(std::span<const T> in, std::span<const T> out) {
  if (in.empty() || out.empty()) return false;
  if (in.data() == out.data() && in.size() == out.size()) return false;  // exactly in place
  // std::less gives a total order on pointers, even for unrelated arrays.
  const std::less<const T*> before;
  const bool disjoint = !before(in.data(), out.data() + out.size()) ||
                        !before(out.data(), in.data() + in.size());
  return !disjoint;
}

/// Reports std::invalid_argument naming `kernel` if a and b differ in length.
inline void check_same_length(const char* kernel, std::size_t a, std::size_t b) {
  if (a != b) {
    fail_invalid_argument(std::string(kernel) + ": spans have different lengths (" +
                          std::to_string(a) + " and " + std::to_string(b) + ")");
  }
}

/// Full check of an element-wise kernel's arguments: equal lengths, out in place or disjoint.
template <class T>
void check_elementwise(const char* kernel, std::span<const T> a, std::span<const T> b,
                       std::span<const T> out) {
  check_same_length(kernel, a.size(), b.size());
  check_same_length(kernel, a.size(), out.size());
  if (partially_overlaps(a, out) || partially_overlaps(b, out)) {
    fail_invalid_argument(std::string(kernel) +
                          ": out overlaps an input without being exactly that input");
  }
}

}  // inline namespace LMUL_ISA
}  // namespace detail
}  // namespace lmul
