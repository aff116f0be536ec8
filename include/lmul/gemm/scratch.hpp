// lmul/gemm/scratch.hpp -- per-thread packing buffers, reused across lmul_gemm calls.
#pragma once

#include "../detail/isa_namespace.hpp"

#include <cstddef>
#include <cstdint>
#include <new>

namespace lmul {
namespace detail {
inline namespace LMUL_ISA {

/// Aligned scratch memory for packed words, kept per thread and reused by later calls: a fresh
/// multi-megabyte allocation per call would be returned to the OS and page-faulted in again every
/// time (measured: ~15% of a 1024^3 product). It only grows, to at most (MC + NC) * KC * 8 bytes.
class word_buffer {
 public:
  /// Room for `count` words; valid until the next call on this thread.
  static std::uint32_t* get(std::size_t slot, std::size_t count) {
    thread_local word_buffer buffers[2];
    word_buffer& buffer = buffers[slot];
    if (buffer.capacity_ < count) {
      buffer.release();
      buffer.data_ = static_cast<std::uint32_t*>(
          ::operator new (count * sizeof(std::uint32_t), std::align_val_t{64}));
      buffer.capacity_ = count;
    }
    return buffer.data_;
  }
  word_buffer() = default;
  ~word_buffer() { release(); }
  word_buffer(const word_buffer&) = delete;
  word_buffer& operator=(const word_buffer&) = delete;

 private:
  void release() {
    if (data_ != nullptr) ::operator delete (data_, std::align_val_t{64});
    data_ = nullptr;
    capacity_ = 0;
  }
  std::uint32_t* data_ = nullptr;
  std::size_t capacity_ = 0;
};

}  // inline namespace LMUL_ISA
}  // namespace detail
}  // namespace lmul
