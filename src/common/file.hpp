// Whole-file reads shared by the spec parser, state files, /proc readers and cgroupfs.
#pragma once

#include <string>

#include "common/error.hpp"

namespace isobox {

/// Reads the whole file at `path` (retrying EINTR; /proc and cgroupfs files report size 0, so
/// it reads until EOF rather than trusting fstat). Errors read "open <path>: <errno>".
Result<std::string> read_file(const std::string &path);

} // namespace isobox
