// lmul/errors.hpp -- how lmul reports bad input, with and without exceptions.
//
// Every check in lmul runs before any output is written and reports through one function,
//   detail::fail_invalid_argument(message)  bad arguments (lengths, leading dimensions, sizes,
//                                            null pointers, overlaps).
// With exceptions enabled (the default) it throws std::invalid_argument. Built without exceptions
// (-fno-exceptions) it calls the error handler with the message instead:
// by default it prints the message and a newline to stderr and calls std::abort. A program can
// install its own with lmul::set_error_handler (e.g. to log elsewhere, or to exit with a code).
// The handler must not return; if it does, std::abort is called, so the output is still never
// written. Whether exceptions are on is a property of the whole program: mix no units that differ.
#pragma once

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "detail/isa_namespace.hpp"

namespace lmul {

/// Called with the error message when lmul finds bad input in a build without exceptions.
using error_handler = void (*)(const char* message);

namespace detail {

/// The default handler: the message to stderr, then std::abort. (Outside LMUL_ISA like the handler
/// itself: one handler per program, whatever flags each unit was built with.)
inline void print_and_abort(const char* message) {
  std::fprintf(stderr, "%s\n", message);
  std::abort();
}

inline std::atomic<error_handler> current_error_handler{&print_and_abort};

}  // namespace detail

namespace detail {
inline namespace LMUL_ISA {  // every other function: see detail/isa_namespace.hpp

/// Without exceptions: the handler, then std::abort in case it returned.
[[noreturn]] inline void call_error_handler(const std::string& message) {
  current_error_handler.load()(message.c_str());
  std::abort();
}

/// Reports bad arguments: std::invalid_argument, or the error handler without exceptions.
[[noreturn]] inline void fail_invalid_argument(const std::string& message) {
#if defined(__cpp_exceptions)
  throw std::invalid_argument(message);
#else
  call_error_handler(message);
#endif
}

/// Reports bad arguments of the public function `name`: "name: what" through fail_invalid_argument.
/// The one error function of the checks (GEMM, MX, ...), so every message names its function.
[[noreturn]] inline void fail(const char* name, const std::string& what) {
  fail_invalid_argument(std::string(name) + ": " + what);
}

}  // inline namespace LMUL_ISA
}  // namespace detail

inline namespace LMUL_ISA {

/// Installs `handler` (nullptr: the default, print and abort) for builds without exceptions and
/// returns the previous one. Thread-safe; with exceptions enabled the handler is never called.
inline error_handler set_error_handler(error_handler handler) noexcept {
  return detail::current_error_handler.exchange(handler != nullptr ? handler
                                                                   : &detail::print_and_abort);
}

}  // inline namespace LMUL_ISA
}  // namespace lmul
