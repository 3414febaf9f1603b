// Linux namespaces: clone flags for the spec's types, joining by path (setns), id maps.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/unique_fd.hpp"
#include "oci/spec/spec.hpp"

namespace isobox::oci {

/// CLONE_NEWPID etc. for a namespace type.
int clone_flag(NamespaceType type);

/// A namespace to join: its type and an open fd of the namespace file.
struct NamespaceJoin {
  NamespaceType type;
  UniqueFd fd;
};

/// Opens every linux.namespaces entry that has a path (checked to be a namespace of that type).
Result<std::vector<NamespaceJoin>> open_namespace_paths(const std::vector<LinuxNamespace> &list);

/// Opens /proc/<pid>/ns/<type> for each type the container has, for `exec`.
Result<std::vector<NamespaceJoin>> open_container_namespaces(pid_t pid, const Spec &spec);

/// setns into every join of the given type selection: user first (the rest are owned by it),
/// mount last (it changes root and cwd). `pid_only` joins only the pid namespace.
Result<> join_namespaces(const std::vector<NamespaceJoin> &joins, bool pid_only);

/// Flags for the namespaces to create (entries without a path).
int new_namespace_flags(const std::vector<LinuxNamespace> &list);

/// Writes /proc/<pid>/uid_map and gid_map from the spec (parent side, after clone).
Result<> write_id_maps(pid_t pid, const Linux &linux);

/// clone(2) with fork semantics (child returns 0) plus namespace flags.
Result<pid_t> clone_process(int flags);

} // namespace isobox::oci
