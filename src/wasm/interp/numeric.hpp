// Numeric operators with the spec's exact semantics (spec 4.3): small pure functions, table-tested.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>

namespace isobox::wasm::num {

/// fmin/fmax (spec 4.3.3): NaN if either is NaN; -0 < +0.
template <typename F> F fmin(F a, F b) {
  if (std::isnan(a) || std::isnan(b))
    return a + b; // propagates an arithmetic NaN
  if (a == b)     // equal, possibly zeros of different sign: -0 wins
    return std::signbit(a) ? a : b;
  return a < b ? a : b;
}
template <typename F> F fmax(F a, F b) {
  if (std::isnan(a) || std::isnan(b))
    return a + b;
  if (a == b)
    return std::signbit(a) ? b : a;
  return a > b ? a : b;
}
/// fnearest: round to nearest, ties to even (the default rounding mode).
template <typename F> F nearest(F a) { return std::nearbyint(a); }

/// Result of a trapping float->int truncation.
enum class TruncError { None, Nan, Overflow };

/// Truncates `x` toward zero into I if representable (spec 4.3.3 trunc); bounds are exclusive
/// powers of two so the comparisons are exact in F.
template <typename I, typename F> TruncError trunc_check(F x) {
  if (std::isnan(x))
    return TruncError::Nan;
  constexpr int bits = std::numeric_limits<I>::digits; // 31 / 32 / 63 / 64
  const F upper = std::ldexp(F(1), bits);              // 2^31, 2^32, 2^63, 2^64
  if constexpr (std::is_signed_v<I>) {
    if (!(x >= -upper) || !(x < upper)) {
      // For F narrower than needed, -2^31 itself is exact; anything below is an overflow, but
      // values in (-2^31-1, -2^31) truncate to -2^31.
      if (x > -upper - F(1) && x < upper)
        return TruncError::None;
      return TruncError::Overflow;
    }
  } else {
    if (!(x > F(-1)) || !(x < upper))
      return TruncError::Overflow;
  }
  return TruncError::None;
}

template <typename I, typename F> I trunc_sat(F x) {
  if (std::isnan(x))
    return 0;
  constexpr int bits = std::numeric_limits<I>::digits;
  const F upper = std::ldexp(F(1), bits);
  if (x >= upper)
    return std::numeric_limits<I>::max();
  if constexpr (std::is_signed_v<I>) {
    if (x <= -upper)
      return std::numeric_limits<I>::min();
  } else {
    if (x <= F(-1))
      return 0;
  }
  return static_cast<I>(x);
}

inline float f32(uint32_t bits) { return std::bit_cast<float>(bits); }
inline double f64(uint64_t bits) { return std::bit_cast<double>(bits); }

} // namespace isobox::wasm::num
