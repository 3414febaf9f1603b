// cgroupsPath from config.json (plain or systemd "slice:prefix:name") -> cgroup path.
#pragma once

#include <string>
#include <string_view>

#include "common/error.hpp"

namespace isobox::oci::cgroup {

/// A resolved container cgroup: `path` is absolute ("/k8s.io/abc", from the hierarchy root)
/// or relative ("abc", from the runtime's own cgroup, as runc does).
struct CgroupPath {
  std::string path;
  bool relative = false;
  std::string unit;  ///< systemd form only: "<prefix>-<name>.scope" (or the name if a slice)
  std::string slice; ///< systemd form only: the parent slice ("system.slice" when empty)
};

/// Resolves linux.cgroupsPath as containerd passes it (runtime-spec config-linux.md
/// "Cgroups path"):
///  - ""              -> "/isobox/<id>" ("system.slice:isobox:<id>" when `systemd`)
///  - "/k8s.io/<id>"  -> itself, lexically cleaned (".." cannot climb above the root)
///  - "a/b"           -> relative to the runtime's own cgroup
///  - "slice:prefix:name" (containerd with SystemdCgroup = true) -> the path systemd would give
///    that scope: "/<expanded slice>/<prefix>-<name>.scope" (with `unit` and `slice` set for
///    the systemd driver, see docs/cgroups.md).
Result<CgroupPath> resolve_cgroup_path(std::string_view cgroups_path, std::string_view id,
                                       bool systemd);

/// systemd slice name -> path: "kubepods-burstable.slice" ->
/// "/kubepods.slice/kubepods-burstable.slice"; "-.slice" -> "/". Rejects malformed names.
Result<std::string> expand_slice(std::string_view slice);

/// Lexical clean of a slash path: collapses "//", ".", and ".." (never above the start).
std::string clean_path(std::string_view path);

} // namespace isobox::oci::cgroup
