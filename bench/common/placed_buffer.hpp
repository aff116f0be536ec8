// placed_buffer: a benchmark operand at a fixed offset inside a page.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <memory>

namespace lmul_bench {

/// A page-aligned allocation whose data starts `slot` x 1 KiB + 64 B into the page. Operands and
/// results use different slots so that no benchmark loses to 4K aliasing (a load whose address
/// matches an earlier store's in the low 12 bits) by an accident of malloc: identical kernels
/// measured 13 and 23 G elements/s with heap-placed vectors.
template <class T>
class placed_buffer {
 public:
  placed_buffer(std::size_t n, int slot) : n_(n) {
    const std::size_t offset = std::size_t(slot % 4) * 1024 + 64;
    storage_.reset(static_cast<std::byte*>(std::aligned_alloc(4096, round_up(n * sizeof(T) + offset))));
    data_ = reinterpret_cast<T*>(storage_.get() + offset);
    std::uninitialized_value_construct_n(data_, n);
  }
  T* data() { return data_; }
  const T* data() const { return data_; }
  std::size_t size() const { return n_; }
  T& operator[](std::size_t i) { return data_[i]; }
  const T& operator[](std::size_t i) const { return data_[i]; }
  T* begin() { return data_; }
  T* end() { return data_ + n_; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + n_; }

 private:
  static std::size_t round_up(std::size_t bytes) { return (bytes + 4095) / 4096 * 4096; }
  struct free_deleter {
    void operator()(std::byte* p) const { std::free(p); }
  };
  std::unique_ptr<std::byte, free_deleter> storage_;
  T* data_ = nullptr;
  std::size_t n_ = 0;
};

}  // namespace lmul_bench
