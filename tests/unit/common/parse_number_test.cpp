// Tests the strict number/duration parser: every malformed or out-of-range word is refused
// with one error line, boundaries are accepted, nothing wraps.
#include "common/parse_number.hpp"

#include <cstdlib>
#include <optional>
#include <random>
#include <string>

#include <gtest/gtest.h>

namespace isobox {
namespace {

TEST(ParseNumber, AcceptsPlainDecimalWithinRange) {
  EXPECT_EQ(parse_number<uint32_t>("0").value(), 0u);
  EXPECT_EQ(parse_number<uint32_t>("4294967295").value(), 4294967295u);
  EXPECT_EQ(parse_number<int>("-15").value(), -15);
  EXPECT_EQ(parse_number<uint64_t>("18446744073709551615").value(), UINT64_MAX);
  EXPECT_EQ(parse_number<uint32_t>("7", 1, 7).value(), 7u);
  EXPECT_EQ(parse_number<uint32_t>("1", 1, 7).value(), 1u);
}

TEST(ParseNumber, RejectsMalformedWords) {
  for (const char *bad : {"", " 1", "1 ", "+1", "-1", "0x10", "1e3", "1.0", "1_000", "12a", "a",
                          "4294967296", "99999999999999999999999"})
    EXPECT_FALSE(parse_number<uint32_t>(bad).has_value()) << bad;
  EXPECT_FALSE(parse_number<int>("--1").has_value());
  EXPECT_FALSE(parse_number<int>("2147483648").has_value());
}

TEST(ParseNumber, RangeErrorIsOneLineNamingTheRange) {
  auto r = parse_number<uint32_t>("0", 1, 1000000);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "'0': expected a number from 1 to 1000000");
  EXPECT_FALSE(parse_number<uint32_t>("1000001", 1, 1000000).has_value());
}

TEST(ParseDuration, UnitsAndPlainSeconds) {
  EXPECT_EQ(parse_duration_ms("1500ms").value(), 1500u);
  EXPECT_EQ(parse_duration_ms("10s").value(), 10'000u);
  EXPECT_EQ(parse_duration_ms("7").value(), 7'000u);
  EXPECT_EQ(parse_duration_ms("2m").value(), 120'000u);
  EXPECT_EQ(parse_duration_ms("1h").value(), 3'600'000u);
  for (const char *bad : {"", "ms", "10x", "-1s", "1.5s", "+1s", " 1s", "1s ", "1 s", "1sms"})
    EXPECT_FALSE(parse_duration_ms(bad).has_value()) << bad;
}

TEST(ParseDuration, OverflowAndRangeAreErrorsNotWraps) {
  // 2^64-1 ms would overflow a chrono deadline; 2^64-1 s overflows the multiplication.
  EXPECT_FALSE(parse_duration_ms("18446744073709551615ms", 1, 86'400'000).has_value());
  EXPECT_FALSE(parse_duration_ms("18446744073709551615s").has_value());
  EXPECT_FALSE(parse_duration_ms("5124095576030432h").has_value());
  EXPECT_FALSE(parse_duration_ms("0ms", 1, 1000).has_value());
  EXPECT_EQ(parse_duration_ms("1ms", 1, 1000).value(), 1u);
  EXPECT_EQ(parse_duration_ms("1s", 1, 1000).value(), 1000u);
  auto r = parse_duration_ms("25h", 1, 86'400'000);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message,
            "'25h': expected a duration from 1ms to 24h (e.g. 500ms, 10s, 2m, 1h)");
}

/// The reference: digits only, value (with no wrap) within [min, max].
std::optional<uint64_t> reference_u64(const std::string &w, uint64_t min, uint64_t max) {
  if (w.empty() || w.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  uint64_t v = 0;
  for (char c : w) {
    const auto digit = static_cast<uint64_t>(c - '0');
    if (v > (max - digit) / 10) // v * 10 + digit > max, without overflow
      return std::nullopt;
    v = v * 10 + digit;
  }
  if (v < min)
    return std::nullopt;
  return v;
}

/// Property test (the flag parser's fuzzer): random words over digits, signs, units, spaces and
/// letters are accepted exactly when the reference accepts them, with the same value; durations
/// never exceed their bound. ISOBOX_FUZZ_ITERATIONS raises the count (CI: 20000, ~10 ms).
TEST(ParseNumber, MatchesReferenceOnRandomWords) {
  const char *env = std::getenv("ISOBOX_FUZZ_ITERATIONS");
  const long iterations = env ? std::atol(env) : 20'000;
  std::mt19937_64 rng(0x15ab0c5);
  static constexpr std::string_view kAlphabet = "0123456789999990-+ x.emsh_\t";
  for (long i = 0; i < iterations; ++i) {
    std::string w(rng() % 24, ' ');
    for (char &c : w)
      c = kAlphabet[rng() % kAlphabet.size()];
    const uint64_t max = rng() % 2 ? UINT64_MAX : rng() % 5'000'000;
    const uint64_t min = rng() % 3 ? 0 : 1;
    const auto want = reference_u64(w, min, max);
    const auto got = parse_number<uint64_t>(w, min, max);
    ASSERT_EQ(got.has_value(), want.has_value()) << "'" << w << "'";
    if (want) {
      ASSERT_EQ(*got, *want) << w;
    }
    if (auto d = parse_duration_ms(w, 1, 86'400'000)) {
      ASSERT_TRUE(*d >= 1 && *d <= 86'400'000) << w;
    }
  }
}

} // namespace
} // namespace isobox
