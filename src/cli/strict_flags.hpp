// Strict checks for the runc verbs' option values: numbers (common/parse_number.hpp), UID[:GID].
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "common/parse_number.hpp"

namespace isobox::cli {

/// The largest user or group id accepted: (uid_t)-1 means "unchanged" to setresuid(2).
inline constexpr uint32_t kMaxId = 4294967294U;

/// The largest --preserve-fds: the kernel's default fs.nr_open (1048576) less stdio.
inline constexpr int kMaxPreserveFds = 1048573;

/// A CLI11 check: the value is a base-10 integer in [min, max], nothing else. CLI11 reports a
/// failure as "--flag: 'TEXT': expected a number from MIN to MAX" before any callback runs.
template <std::integral T> CLI::Validator strict_number(T min, T max) {
  return CLI::Validator(
      [min, max](std::string &text) -> std::string {
        auto n = parse_number<T>(text, min, max);
        return n ? std::string() : n.error().message;
      },
      fmt::format("INT in [{}, {}]", min, max));
}

/// `exec --user`: UID or UID:GID, each a strict id.
struct UserSpec {
  uint32_t uid = 0;
  std::optional<uint32_t> gid;
};
Result<UserSpec> parse_user_spec(std::string_view text);

/// A CLI11 check with parse_user_spec.
CLI::Validator user_spec_check();

/// True for the runc-compatible verbs (their usage errors exit 1, as runc's).
bool is_runc_verb(std::string_view name);

} // namespace isobox::cli
