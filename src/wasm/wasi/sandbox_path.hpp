// Path resolution confined to a preopened directory with openat2(RESOLVE_BENEATH).
#pragma once

#include <expected>
#include <string>
#include <string_view>

#include "common/unique_fd.hpp"
#include "wasm/wasi/types.hpp"

namespace isobox::wasm::wasi {

template <typename T> using WasiResult = std::expected<T, Errno>;

/// Opens `path` relative to `dirfd` with openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS): the
/// kernel refuses `..` above dirfd, absolute paths and symlinks (also ones swapped in while we
/// resolve) that lead out, so no string check is needed. `follow_final` false adds O_NOFOLLOW.
/// An escape is reported as `notcapable`; other failures map the host errno.
WasiResult<UniqueFd> open_beneath(int dirfd, std::string_view path, int flags, unsigned mode,
                                  bool follow_final);

/// The directory holding a path's last component, opened beneath the preopen, plus that
/// component: what the `*at` syscalls of non-open path operations act on.
struct ParentAndName {
  UniqueFd parent;             // O_PATH | O_DIRECTORY fd beneath the preopen
  std::string name;            // last component, never "", "." , ".." and never with '/'
  bool trailing_slash = false; // the guest path ended in '/': the object must be a directory
};

/// Splits `path` and opens its parent beneath `dirfd`. `.` / `..` as last component are
/// refused with `dot_errno` (callers pick what POSIX would say for their operation).
WasiResult<ParentAndName> open_parent_beneath(int dirfd, std::string_view path, Errno dot_errno);

/// After stripping a trailing slash: fails with notdir unless `name` in `parent` is a
/// directory (not followed: a symlink is not a directory here). Missing => noent.
Errno require_directory_if_slashed(const ParentAndName &p);

} // namespace isobox::wasm::wasi
