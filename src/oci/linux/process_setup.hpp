// The last steps before execve shared by a container's init and `exec`: rlimits, oom score,
// fds, user, capabilities, no_new_privileges, seccomp, console.
#pragma once

#include <optional>
#include <string>

#include "common/error.hpp"
#include "oci/spec/spec.hpp"

namespace isobox::oci {

/// process.rlimits (setrlimit) and oomScoreAdj.
Result<> apply_limits(const Process &process);

/// Marks every fd >= 3 + preserve_fds close-on-exec (CVE-2024-21626: nothing of the runtime
/// leaks into the container; the sync channel still works until execve).
Result<> close_fds_on_exec(int preserve_fds);

/// Bounding set, uid/gid/groups, capabilities, umask, cwd, no_new_privileges and seccomp in the
/// order that works with and without no_new_privileges (runc standard_init_linux.go). The init
/// waits on exec.fifo between `before_exec` and the final seccomp/exec, so it is split in two.
Result<> finalize_process(const Process &process, const std::optional<LinuxSeccomp> &seccomp,
                          bool in_user_namespace);

/// Seccomp when no_new_privileges is set (last, so the filter need not allow our own setup).
Result<> late_seccomp(const Process &process, const std::optional<LinuxSeccomp> &seccomp);

/// Finds args[0] in the PATH of process.env (as runc's exec.LookPath): the path to execve.
/// Done before the init reports ready, so `create` fails on a missing executable.
Result<std::string> find_executable(const Process &process);

/// execve(path, process.args, process.env); only returns on failure.
Error exec_process(const Process &process, const std::string &path);

/// Allocates a pty inside the container (/dev/ptmx), sends the master over `console_socket`,
/// makes the slave the controlling terminal and stdio; bind-mounts it on /dev/console.
Result<> setup_console(int console_socket, const Process &process, bool bind_console = true);

} // namespace isobox::oci
