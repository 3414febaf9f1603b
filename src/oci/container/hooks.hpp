// Running OCI hooks (config.md "POSIX-platform Hooks") with the container state on stdin.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "oci/spec/spec.hpp"

namespace isobox::oci {

/// Runs each hook in order: fork, state JSON on stdin, execve(path, args, env); a non-zero
/// exit, a signal or a timeout (SIGKILL after hook.timeout seconds) is an Error naming `phase`.
Result<> run_hooks(const std::vector<Hook> &hooks, const std::string &state_json,
                   std::string_view phase);

} // namespace isobox::oci
