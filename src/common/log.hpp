// Logging: text or JSON lines to stderr or a file, as runc's --log/--log-format/--debug.
#pragma once

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "common/error.hpp"

namespace isobox::log {

enum class Level { Debug, Info, Warn, Error };
enum class Format { Text, Json };

/// Configures the process-wide logger. An empty path logs to stderr.
Result<> configure(const std::string &path, Format format, bool debug);

/// The log file's descriptor, or -1 when logging to stderr.
int file_fd();

/// Writes one record (no-op for Debug unless debug is on).
void write(Level level, std::string_view message);

/// The error that ends the command: an Error record, and when the log goes to a file also one
/// plain line on stderr (runc writes both; containerd's shim matches the command's output).
void fatal(std::string_view message);

/// Debug only: "startup: WHAT at +X.XXX ms", X counted from this process's start (a cloned
/// child, as a container's init, keeps its parent's): where a container's startup goes
/// (docs/wasm-containers.md "Startup").
void phase(std::string_view what);

template <typename... Args> void debug(fmt::format_string<Args...> f, Args &&...args) {
  write(Level::Debug, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args> void info(fmt::format_string<Args...> f, Args &&...args) {
  write(Level::Info, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args> void warn(fmt::format_string<Args...> f, Args &&...args) {
  write(Level::Warn, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args> void error(fmt::format_string<Args...> f, Args &&...args) {
  write(Level::Error, fmt::format(f, std::forward<Args>(args)...));
}

} // namespace isobox::log
