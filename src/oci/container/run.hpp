// `run`: create, start, wait, delete.
#pragma once

#include "oci/container/operations.hpp"

namespace isobox::oci {

/// Runs a container in the foreground and returns its exit code (128+signal when killed);
/// with `detach`, returns 0 once it started.
Result<int> run_container(const CreateOptions &opt, bool detach);

} // namespace isobox::oci
