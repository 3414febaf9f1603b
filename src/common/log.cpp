// Logger implementation: one record per line, flushed immediately (a runtime may exec or die next).
#include "common/log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <mutex>

#include <fmt/chrono.h>

namespace isobox::log {
namespace {

// When this process's static objects were made: its start, within a millisecond.
const std::chrono::steady_clock::time_point g_process_start = std::chrono::steady_clock::now();

struct State {
  int fd = STDERR_FILENO;
  Format format = Format::Text;
  bool debug = false;
  std::mutex mutex;
};

State &state() {
  static State s;
  return s;
}

std::string_view level_name(Level level) {
  switch (level) {
  case Level::Debug: return "debug";
  case Level::Info: return "info";
  case Level::Warn: return "warning";
  case Level::Error: return "error";
  }
  return "info";
}

// Escapes a string for a JSON string literal.
std::string json_escape(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (char c : in) {
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\t': out += "\\t"; break;
    default:
      if (static_cast<unsigned char>(c) < 0x20)
        out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
      else
        out += c;
    }
  }
  return out;
}

} // namespace

Result<> configure(const std::string &path, Format format, bool debug) {
  State &s = state();
  std::lock_guard lock(s.mutex);
  s.format = format;
  s.debug = debug;
  if (!path.empty()) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0)
      return sys_error("open log file {}", path);
    if (s.fd != STDERR_FILENO)
      ::close(s.fd);
    s.fd = fd;
  }
  return {};
}

int file_fd() {
  State &s = state();
  std::lock_guard lock(s.mutex);
  return s.fd == STDERR_FILENO ? -1 : s.fd;
}

void write(Level level, std::string_view message) {
  State &s = state();
  if (level == Level::Debug && !s.debug)
    return;
  std::lock_guard lock(s.mutex);
  std::string line;
  if (s.format == Format::Json) {
    auto now = std::chrono::system_clock::now();
    line = fmt::format(R"({{"level":"{}","msg":"{}","time":"{:%FT%T}Z"}})", level_name(level),
                       json_escape(message), std::chrono::floor<std::chrono::seconds>(now));
  } else {
    line =
        fmt::format("isobox: {}{}",
                    level == Level::Error ? "" : fmt::format("{}: ", level_name(level)), message);
  }
  line += '\n';
  [[maybe_unused]] auto n = ::write(s.fd, line.data(), line.size());
}

void fatal(std::string_view message) {
  write(Level::Error, message);
  State &s = state();
  std::lock_guard lock(s.mutex);
  if (s.fd == STDERR_FILENO)
    return;
  std::string line = fmt::format("isobox: {}\n", message);
  [[maybe_unused]] auto n = ::write(STDERR_FILENO, line.data(), line.size());
}

void phase(std::string_view what) {
  if (!state().debug)
    return;
  using namespace std::chrono;
  const auto us = duration_cast<microseconds>(steady_clock::now() - g_process_start).count();
  write(Level::Debug, fmt::format("startup: {} at +{}.{:03} ms", what, us / 1000, us % 1000));
}

} // namespace isobox::log
