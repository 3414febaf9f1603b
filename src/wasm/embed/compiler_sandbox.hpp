// The compiler's sandbox: the forked child that validates and compiles an untrusted module keeps
// nothing of the process that forked it but the pipe its answer goes back through.
#pragma once

#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace isobox::wasm::embed {

/// The unprivileged identity a compiler forked by root runs as (nobody / nogroup).
inline constexpr unsigned kCompilerId = 65534;

/// The syscall names the confined compiler may make (argument-filtered ones marked).
std::vector<std::string_view> compiler_allowlist();

/// Confines the calling process, which must be single-threaded and have loaded the compiler
/// already (nothing can be opened afterwards): every descriptor but `keep_fd` closed; as root, the
/// identity kCompilerId (uid, gid, no supplementary groups); no capability in any set (bounding
/// and ambient included); no_new_privs; a Landlock domain that allows no file system access; a
/// seccomp filter of compiler_allowlist() whose default kills the process (sanitizer builds: EPERM,
/// their runtimes probe outside the list). Errors name the step that failed.
Result<void> confine_compiler(int keep_fd);

} // namespace isobox::wasm::embed
