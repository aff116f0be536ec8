// lmul/gemm/options.hpp -- gemm_options, the options of lmul_gemm and its variants.
#pragma once

#include <algorithm>
#include <thread>

#include "../detail/isa_namespace.hpp"

namespace lmul {

/// Options of lmul_gemm. threads = 1 (the default) runs on the calling thread only.
struct gemm_options {
  unsigned threads = 1;  ///< rows of C are split into this many bands; 0 = hardware_concurrency()
};

namespace detail {
inline namespace LMUL_ISA {  // every function: see detail/isa_namespace.hpp

inline unsigned thread_count(const gemm_options& options) {
  if (options.threads != 0) return options.threads;
  return std::max(1u, std::thread::hardware_concurrency());
}

}  // inline namespace LMUL_ISA
}  // namespace detail
}  // namespace lmul
