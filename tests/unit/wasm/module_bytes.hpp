// Test helper: binary modules built byte by byte, for shapes wat2wasm is too slow to write
// (hundreds of thousands of nested blocks, huge br_tables, many locals).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <vector>

namespace isobox::wasm::testing {

using Bytes = std::vector<uint8_t>;

inline void put_uleb(Bytes &out, uint64_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    out.push_back(v ? (b | 0x80) : b);
  } while (v);
}

inline void append(Bytes &out, const Bytes &more) {
  out.insert(out.end(), more.begin(), more.end());
}

/// A section: id, size, contents.
inline Bytes section(uint8_t id, const Bytes &contents) {
  Bytes s{id};
  put_uleb(s, contents.size());
  append(s, contents);
  return s;
}

/// A function body: local runs (count, type), then the code (its final `end` included).
inline Bytes body(std::initializer_list<std::pair<uint32_t, uint8_t>> locals, const Bytes &code) {
  Bytes b;
  put_uleb(b, locals.size());
  for (auto [n, t] : locals) {
    put_uleb(b, n);
    b.push_back(t);
  }
  append(b, code);
  Bytes sized;
  put_uleb(sized, b.size());
  append(sized, b);
  return sized;
}

/// A module of the given type section entries (already encoded, without the count) and
/// `bodies` functions each of type index 0, all with the same body.
inline Bytes module(const std::vector<Bytes> &types, const Bytes &one_body, uint32_t bodies = 1) {
  Bytes m = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  Bytes t;
  put_uleb(t, types.size());
  for (const Bytes &ty : types)
    append(t, ty);
  append(m, section(1, t));
  Bytes f;
  put_uleb(f, bodies);
  f.insert(f.end(), bodies, 0x00);
  append(m, section(3, f));
  Bytes c;
  put_uleb(c, bodies);
  for (uint32_t i = 0; i < bodies; ++i)
    append(c, one_body);
  append(m, section(10, c));
  return m;
}

/// A function type entry: params and results as value type bytes.
inline Bytes func_type(const Bytes &params, const Bytes &results) {
  Bytes t{0x60};
  put_uleb(t, params.size());
  append(t, params);
  put_uleb(t, results.size());
  append(t, results);
  return t;
}

} // namespace isobox::wasm::testing
