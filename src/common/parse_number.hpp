// Strict parsing of numbers and durations from the command line: one parser, one error line.
#pragma once

#include <charconv>
#include <concepts>
#include <cstdint>
#include <limits>
#include <string_view>

#include "common/error.hpp"

namespace isobox {

namespace detail {
/// "expected a number from MIN to MAX" (the one error text for every integer flag).
Error number_range_error(std::string_view text, std::string_view min, std::string_view max);
} // namespace detail

/// Parses a base-10 integer in [min, max]. Only an optional '-' (signed types) and digits are
/// accepted: no '+', spaces, hex, exponent or trailing text. Errors read
/// "'TEXT': expected a number from MIN to MAX" (the caller prefixes the flag name).
template <std::integral T>
Result<T> parse_number(std::string_view text, T min = std::numeric_limits<T>::min(),
                       T max = std::numeric_limits<T>::max()) {
  T value{};
  const char *end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value < min || value > max)
    return std::unexpected(
        detail::number_range_error(text, fmt::format("{}", min), fmt::format("{}", max)));
  return value;
}

/// Parses a duration "N" (seconds) or "Nms", "Ns", "Nm", "Nh" into milliseconds within
/// [min_ms, max_ms]; overflow and out-of-range values are errors, never wrapped.
Result<uint64_t> parse_duration_ms(std::string_view text, uint64_t min_ms = 0,
                                   uint64_t max_ms = std::numeric_limits<uint64_t>::max());

} // namespace isobox
