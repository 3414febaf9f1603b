// Small file helpers for cgroupfs: control-file reads/writes and directory create/remove.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

#include "common/error.hpp"

namespace isobox::oci::cgroup {

/// Writes `value` to `<dir>/<file>` (no O_CREAT: a missing control file is an error, so a
/// typo or an absent controller is reported instead of silently creating a plain file).
Result<> write_file(const std::string &dir, std::string_view file, std::string_view value);

/// Reads `<dir>/<file>` whole, without the trailing newline.
Result<std::string> read_file(const std::string &dir, std::string_view file);

/// True when `<dir>/<file>` exists.
bool file_exists(const std::string &dir, std::string_view file);

/// mkdir -p; returns the directories it created, outermost first (so a caller can
/// initialise them, e.g. cpuset inheritance, or remove them on failure).
Result<std::vector<std::string>> make_dirs(const std::string &path);

/// Parses a cgroup.procs file: one pid per line.
Result<std::vector<pid_t>> read_pids(const std::string &dir);

/// Removes a cgroup directory and its child cgroups (deepest first). On cgroupfs rmdir works
/// with control files present; retries EBUSY while dying tasks leave. A directory of plain
/// files (the unit tests' fake hierarchy) is emptied first. Missing directory is success.
Result<> remove_dir(const std::string &path);

/// Joins a mount point and a cgroup path ("/a/b" or "a/b") into one filesystem path.
std::string join_path(std::string_view base, std::string_view sub);

} // namespace isobox::oci::cgroup
