// Error: the one type for bad input and OS failures, carried up to the CLI in std::expected.
#pragma once

#include <cerrno>
#include <expected>
#include <string>
#include <utility>

#include <fmt/format.h>

namespace isobox {

/// A failure caused by bad input or the operating system. `message` is one human line;
/// `errno_value` is the errno when the failure came from a syscall, 0 otherwise.
struct Error {
  std::string message;
  int errno_value = 0;

  /// Prefixes context: Error{"EPERM"}.wrap("mount /proc") -> "mount /proc: EPERM".
  [[nodiscard]] Error wrap(std::string_view context) const {
    return Error{fmt::format("{}: {}", context, message), errno_value};
  }
};

/// "ENOENT (No such file or directory)"-style text for an errno value.
std::string errno_name(int err);

/// The result of an operation that can fail with an Error.
template <typename T = void> using Result = std::expected<T, Error>;

/// Builds an unexpected Error from a format string.
template <typename... Args>
[[nodiscard]] std::unexpected<Error> make_error(fmt::format_string<Args...> f, Args &&...args) {
  return std::unexpected(Error{fmt::format(f, std::forward<Args>(args)...), 0});
}

/// Builds an unexpected Error from errno (captured at the call) with context, e.g.
/// `return sys_error("open {}", path);` -> "open /x: No such file or directory".
template <typename... Args>
[[nodiscard]] std::unexpected<Error> sys_error(fmt::format_string<Args...> f, Args &&...args) {
  const int saved = errno;
  return std::unexpected(
      Error{fmt::format("{}: {}", fmt::format(f, std::forward<Args>(args)...), errno_name(saved)),
            saved});
}

} // namespace isobox

/// Evaluates a Result expression; on error returns the error from the enclosing function,
/// otherwise yields the value. GCC statement-expression, as std::expected lacks and_then here.
#define ISOBOX_TRY(expr)                                                                           \
  __extension__({                                                                                  \
    auto isobox_try_result_ = (expr);                                                              \
    if (!isobox_try_result_.has_value())                                                           \
      return std::unexpected(std::move(isobox_try_result_).error());                               \
    std::move(isobox_try_result_).value();                                                         \
  })

/// Like ISOBOX_TRY for Result<void>.
#define ISOBOX_CHECK(expr)                                                                         \
  do {                                                                                             \
    auto isobox_check_result_ = (expr);                                                            \
    if (!isobox_check_result_.has_value())                                                         \
      return std::unexpected(std::move(isobox_check_result_).error());                             \
  } while (0)
