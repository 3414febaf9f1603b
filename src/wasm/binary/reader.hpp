// Reader: bounds-checked cursor over bytes with LEB128 decoding and the spec's malformed texts.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>

#include "common/error.hpp"

namespace isobox::wasm {

/// Cursor over a byte range. Every read reports the spec's texts: "unexpected end" past the end,
/// "integer representation too long" / "integer too large" for bad LEB128 (spec 5.2.2).
class Reader {
public:
  explicit Reader(std::span<const uint8_t> bytes, size_t base = 0) : m_bytes(bytes), m_base(base) {}

  size_t pos() const { return m_pos; }
  size_t offset() const { return m_base + m_pos; } ///< position in the whole module
  size_t remaining() const { return m_bytes.size() - m_pos; }
  bool at_end() const { return m_pos >= m_bytes.size(); }
  std::span<const uint8_t> rest() const { return m_bytes.subspan(m_pos); }
  /// Text reported when reading past the end ("unexpected end" or a section-specific one).
  void set_eof_text(const char *text) { m_eof_text = text; }

  Result<uint8_t> u8() {
    if (at_end())
      return make_error("{}", m_eof_text);
    return m_bytes[m_pos++];
  }
  Result<std::span<const uint8_t>> bytes(uint64_t n) {
    if (n > remaining())
      return make_error("{}", m_eof_text);
    auto s = m_bytes.subspan(m_pos, n);
    m_pos += n;
    return s;
  }
  Result<uint32_t> u32() { return unsigned_leb<uint32_t>(32); }
  Result<uint64_t> u64() { return unsigned_leb<uint64_t>(64); }
  Result<int32_t> s32() { return static_cast<int32_t>(ISOBOX_TRY(signed_leb(32))); }
  Result<int64_t> s64() { return signed_leb(64); }
  Result<int64_t> s33() { return signed_leb(33); }
  Result<uint32_t> fixed32() {
    auto b = ISOBOX_TRY(bytes(4));
    uint32_t v;
    std::memcpy(&v, b.data(), 4);
    return v;
  }
  Result<uint64_t> fixed64() {
    auto b = ISOBOX_TRY(bytes(8));
    uint64_t v;
    std::memcpy(&v, b.data(), 8);
    return v;
  }
  /// A name (spec 5.2.4): length-prefixed, valid UTF-8.
  Result<std::string> name();

private:
  template <typename T> Result<T> unsigned_leb(unsigned bits) {
    T result = 0;
    for (unsigned shift = 0;; shift += 7) {
      uint8_t b = ISOBOX_TRY(u8());
      const unsigned left = bits - shift; // bits still to fill
      if (left < 7) {
        if (b & 0x80)
          return make_error("integer representation too long");
        if ((b >> left) != 0)
          return make_error("integer too large");
      }
      result |= static_cast<T>(b & 0x7f) << shift;
      if (!(b & 0x80))
        return result;
      if (left <= 7) {
        // This byte filled the last bits yet asks for more.
        return make_error("integer representation too long");
      }
    }
  }
  Result<int64_t> signed_leb(unsigned bits);

  std::span<const uint8_t> m_bytes;
  size_t m_base = 0;
  size_t m_pos = 0;
  const char *m_eof_text = "unexpected end";
};

/// True if `s` is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
bool valid_utf8(std::span<const uint8_t> s);

} // namespace isobox::wasm
