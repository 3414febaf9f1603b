// Whole-file reads shared by the spec parser, state files, /proc readers and cgroupfs, and the
// atomic replace for files written at a caller-chosen path (pid files).
#pragma once

#include <string>
#include <string_view>

#include "common/error.hpp"

namespace isobox {

/// Reads the whole file at `path` (retrying EINTR; /proc and cgroupfs files report size 0, so
/// it reads until EOF rather than trusting fstat). Errors read "open <path>: <errno>".
Result<std::string> read_file(const std::string &path);

/// Writes all of `text` to `fd` (retrying EINTR and short writes); errors name `path`.
Result<> write_all(int fd, std::string_view text, const std::string &path);

/// Decodes a mountinfo field: the kernel escapes space, tab, newline and backslash as \ooo
/// octal (proc(5)).
std::string unescape_mountinfo(std::string_view field);

/// Atomically replaces `path` with `text` (mode `mode`): a temp file with a random name in the same
/// directory, created exclusively (O_EXCL: a planted file or symlink is never opened or followed),
/// then renamed over `path` (a symlink at `path` is replaced, not followed): a reader, or a writer
/// killed at any point, never leaves part of a file under `path`. Not fsync'd (the records it
/// writes need not survive a power loss). Nothing is left on error.
Result<> replace_file(const std::string &path, const std::string &text, unsigned mode);

} // namespace isobox
