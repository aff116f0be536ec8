// lmul/mx/fp4_packing.hpp -- two float4_e2m1fn per byte, element 0 in the low nibble.
//
// This is PyTorch's float4_e2m1fn_x2 layout (and the OCP MX packed FP4 layout): byte i holds
// element 2i in bits 0..3 and element 2i + 1 in bits 4..7. An odd count leaves the last high
// nibble zero (+0). In memory the library keeps one FP4 value per byte (ml_dtypes' layout); these
// helpers convert to and from the packed form for storage and interchange.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>

#include "../errors.hpp"
#include "../small_float.hpp"

namespace lmul {
inline namespace LMUL_ISA {  // every function: see detail/isa_namespace.hpp

/// Bytes needed to pack n FP4 values.
constexpr std::size_t fp4_packed_size(std::size_t n) { return n / 2 + n % 2; }

/// packed[i] = values[2i] | values[2i + 1] << 4. packed.size() must be fp4_packed_size(n), else
/// std::invalid_argument and nothing written.
inline void pack_fp4(std::span<const float4_e2m1fn> values, std::span<std::uint8_t> packed) {
  if (packed.size() != fp4_packed_size(values.size())) {
    detail::fail_invalid_argument("pack_fp4: packed has " + std::to_string(packed.size()) +
                                " bytes, " + std::to_string(values.size()) + " values need " +
                                std::to_string(fp4_packed_size(values.size())));
  }
  constexpr std::uint8_t nibble = 0x0F;
  for (std::size_t i = 0; i < values.size(); i += 2) {
    const std::uint8_t low = values[i].bits() & nibble;
    const std::uint8_t high = i + 1 < values.size() ? (values[i + 1].bits() & nibble) : 0;
    packed[i / 2] = std::uint8_t(low | (high << 4));
  }
}

/// The inverse of pack_fp4: values.size() must be 2 * packed.size() or one less (an odd count),
/// else std::invalid_argument and nothing written.
inline void unpack_fp4(std::span<const std::uint8_t> packed, std::span<float4_e2m1fn> values) {
  if (fp4_packed_size(values.size()) != packed.size()) {
    detail::fail_invalid_argument("unpack_fp4: " + std::to_string(packed.size()) +
                                " bytes cannot hold exactly " + std::to_string(values.size()) +
                                " values");
  }
  for (std::size_t i = 0; i < values.size(); ++i) {
    const std::uint8_t byte = packed[i / 2];
    values[i] = float4_e2m1fn::from_bits(std::uint8_t((i % 2 == 0 ? byte : byte >> 4) & 0x0F));
  }
}

}  // inline namespace LMUL_ISA
}  // namespace lmul
