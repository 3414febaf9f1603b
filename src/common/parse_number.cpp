// Strict number and duration parsing shared by every CLI flag (see parse_number.hpp).
#include "common/parse_number.hpp"

#include <array>
#include <utility>

namespace isobox {
namespace detail {

Error number_range_error(std::string_view text, std::string_view min, std::string_view max) {
  return Error{fmt::format("'{}': expected a number from {} to {}", text, min, max), 0};
}

} // namespace detail

namespace {

std::string duration_text(uint64_t ms) {
  if (ms % 3'600'000 == 0 && ms != 0)
    return fmt::format("{}h", ms / 3'600'000);
  if (ms % 1000 == 0 && ms != 0)
    return fmt::format("{}s", ms / 1000);
  return fmt::format("{}ms", ms);
}

} // namespace

Result<uint64_t> parse_duration_ms(std::string_view text, uint64_t min_ms, uint64_t max_ms) {
  static constexpr std::array<std::pair<std::string_view, uint64_t>, 5> kUnits{
      {{"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}, {"", 1000}}};
  const auto bad = [&] {
    return make_error("'{}': expected a duration from {} to {} (e.g. 500ms, 10s, 2m, 1h)", text,
                      duration_text(min_ms), duration_text(max_ms));
  };
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9')
    ++digits;
  const std::string_view unit = text.substr(digits);
  for (const auto &[name, scale] : kUnits) {
    if (unit != name)
      continue;
    auto n = parse_number<uint64_t>(text.substr(0, digits));
    if (!n || *n > max_ms / scale || *n * scale < min_ms || *n * scale > max_ms)
      return bad();
    return *n * scale;
  }
  return bad();
}

} // namespace isobox
