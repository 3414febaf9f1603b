// Undoing a container, whole or partial (delete, `run`'s cleanup, a failed or killed create).
#pragma once

#include <string>

#include "common/error.hpp"
#include "oci/container/state.hpp"

namespace isobox::oci {

/// SIGKILLs the init (if it is still the recorded process) and every process of the cgroups
/// create made, removes those cgroups, and waits for the init to be gone. A cgroup that existed
/// before create is left alone, and so are its other processes.
Result<> stop_container_processes(const ContainerState &state);

/// Removes the state dir (renamed away first, so readers never see half of it) and the temp dirs
/// of creates and deletes of the same id that were killed (".<id>.<pid>-<start>.new|.del").
Result<> remove_state_dir_checked(const ContainerState &state);

/// Removes the temp dirs of killed creates/deletes of `id` under root whose writer is gone.
void remove_stale_temp_dirs(const std::string &root, const std::string &id);

/// Success only when the init, the cgroups create made and the state dir are all gone; the
/// error lists what is left.
Result<> check_nothing_left(const ContainerState &state);

} // namespace isobox::oci
