// Running OCI hooks (config.md "POSIX-platform Hooks") with the container state on stdin.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "oci/spec/spec.hpp"

namespace isobox::oci {

/// Runs each hook in order: fork into its own process group, state JSON on stdin (written
/// without blocking, within the timeout), execve(path, args, env); a non-zero exit, a signal or
/// a timeout (SIGKILL to the hook's process group after hook.timeout seconds, whether or not it
/// read its stdin) is an Error naming `phase`, and the remaining hooks are not run.
Result<> run_hooks(const std::vector<Hook> &hooks, const std::string &state_json,
                   std::string_view phase);

/// The same for poststart and poststop, whose failures the spec makes warnings: every hook runs,
/// each failure is logged as a warning.
void run_hooks_warn(const std::vector<Hook> &hooks, const std::string &state_json,
                    std::string_view phase);

} // namespace isobox::oci
