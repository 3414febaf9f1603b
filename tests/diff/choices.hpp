// The generator's source of choices: a PRNG from a seed, or a fuzzer's input bytes that drive the
// first choices (so libFuzzer's coverage feedback steers what gets generated).
#pragma once

#include <cstdint>
#include <cstring>
#include <random>
#include <span>

namespace isobox::diff {

/// A UniformRandomBitGenerator. From a seed it draws exactly what std::mt19937_64 draws (seeds name
/// the same modules as before it existed). From bytes: each draw takes the next 8 input bytes while
/// they last, then a PRNG seeded with their FNV-1a hash, so a mutated byte changes one choice and
/// every input still yields a whole module.
class Choices {
public:
  using result_type = uint64_t;
  explicit Choices(uint64_t seed) : m_prng(seed) {}
  explicit Choices(std::span<const uint8_t> bytes) : m_bytes(bytes), m_prng(fnv1a(bytes)) {}
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return ~result_type{0}; }
  result_type operator()() {
    if (m_bytes.size() - m_used < 8)
      return m_prng();
    result_type v;
    std::memcpy(&v, m_bytes.data() + m_used, sizeof v);
    m_used += 8;
    return v;
  }

private:
  static uint64_t fnv1a(std::span<const uint8_t> bytes) {
    uint64_t h = 0xcbf29ce484222325;
    for (uint8_t b : bytes)
      h = (h ^ b) * 0x100000001b3;
    return h;
  }
  std::span<const uint8_t> m_bytes;
  size_t m_used = 0;
  std::mt19937_64 m_prng;
};

} // namespace isobox::diff
