// Binary-format encoding helpers for the generator (spec 5.2: LEB128 integers, sections).
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

namespace isobox::diff {

inline void uleb(std::vector<uint8_t> &out, uint64_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    out.push_back(v ? b | 0x80 : b);
  } while (v);
}

inline void sleb(std::vector<uint8_t> &out, int64_t v) {
  for (;;) {
    uint8_t b = v & 0x7f;
    v >>= 7;
    const bool done = (v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40));
    out.push_back(done ? b : b | 0x80);
    if (done)
      return;
  }
}

/// Little-endian bytes of an f32/f64 constant's bit pattern.
inline void fixed(std::vector<uint8_t> &out, uint64_t bits, int bytes) {
  for (int i = 0; i < bytes; ++i)
    out.push_back(static_cast<uint8_t>(bits >> (8 * i)));
}

inline void section(std::vector<uint8_t> &module, uint8_t id, const std::vector<uint8_t> &body) {
  module.push_back(id);
  uleb(module, body.size());
  module.insert(module.end(), body.begin(), body.end());
}

} // namespace isobox::diff
