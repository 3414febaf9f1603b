// LEB128 (signed) and UTF-8 name decoding for Reader.
#include "wasm/binary/reader.hpp"

namespace isobox::wasm {

Result<int64_t> Reader::signed_leb(unsigned bits) {
  uint64_t result = 0;
  unsigned shift = 0;
  for (;;) {
    uint8_t b = ISOBOX_TRY(u8());
    const unsigned left = bits - shift;
    if (left < 7) {
      if (b & 0x80)
        return make_error("integer representation too long");
      // The unused high bits must all equal the sign bit (bit left-1).
      const uint8_t high = static_cast<uint8_t>(b & 0x7f) >> (left - 1);
      if (high != 0 && high != (0x7f >> (left - 1)))
        return make_error("integer too large");
    }
    result |= static_cast<uint64_t>(b & 0x7f) << shift;
    shift += 7;
    if (!(b & 0x80)) {
      if (shift < 64 && (b & 0x40))
        result |= ~uint64_t{0} << shift;
      return static_cast<int64_t>(result);
    }
    if (left <= 7)
      return make_error("integer representation too long");
  }
}

Result<std::string> Reader::name() {
  uint32_t len = ISOBOX_TRY(u32());
  if (len > remaining())
    return make_error("length out of bounds");
  auto b = ISOBOX_TRY(bytes(len));
  if (!valid_utf8(b))
    return make_error("malformed UTF-8 encoding");
  return std::string(reinterpret_cast<const char *>(b.data()), b.size());
}

bool valid_utf8(std::span<const uint8_t> s) {
  size_t i = 0;
  while (i < s.size()) {
    const uint8_t c = s[i];
    unsigned n;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      n = 1, cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      n = 2, cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      n = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size())
      return false;
    for (unsigned k = 1; k <= n; ++k) {
      if ((s[i + k] & 0xc0) != 0x80)
        return false;
      cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    i += n + 1;
  }
  return true;
}

} // namespace isobox::wasm
