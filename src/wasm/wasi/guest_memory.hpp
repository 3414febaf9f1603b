// GuestMemory: a bounds-checked view of a guest's linear memory for WASI host functions.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>

namespace isobox::wasm::wasi {

/// Non-owning view of linear memory. Every access is checked against the current size; an
/// out-of-bounds access yields nothing, which WASI functions report as `fault` (Wasm memory
/// is little-endian, as is every host isobox supports).
class GuestMemory {
public:
  GuestMemory() = default;
  explicit GuestMemory(std::span<uint8_t> bytes) : m_bytes(bytes) {}

  [[nodiscard]] size_t size() const { return m_bytes.size(); }

  /// The `len` bytes at `ptr`, or nothing when [ptr, ptr+len) leaves memory.
  [[nodiscard]] std::optional<std::span<uint8_t>> span(uint32_t ptr, uint64_t len) const {
    if (uint64_t{ptr} + len > m_bytes.size())
      return std::nullopt;
    return m_bytes.subspan(ptr, static_cast<size_t>(len));
  }

  [[nodiscard]] std::optional<std::string_view> string(uint32_t ptr, uint32_t len) const {
    auto s = span(ptr, len);
    if (!s)
      return std::nullopt;
    return std::string_view(reinterpret_cast<const char *>(s->data()), s->size());
  }

  template <typename T> [[nodiscard]] std::optional<T> load(uint32_t ptr) const {
    static_assert(std::is_trivially_copyable_v<T>);
    auto s = span(ptr, sizeof(T));
    if (!s)
      return std::nullopt;
    T value;
    std::memcpy(&value, s->data(), sizeof(T));
    return value;
  }

  /// Stores `value` at `ptr`; false when out of bounds (nothing is written then).
  template <typename T> [[nodiscard]] bool store(uint32_t ptr, T value) const {
    static_assert(std::is_trivially_copyable_v<T>);
    auto s = span(ptr, sizeof(T));
    if (!s)
      return false;
    std::memcpy(s->data(), &value, sizeof(T));
    return true;
  }

private:
  std::span<uint8_t> m_bytes;
};

} // namespace isobox::wasm::wasi
