// CgroupManager: one interface over cgroup v1, hybrid and v2 layouts (filled by src/oci/cgroup/).
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "oci/spec/spec.hpp"

namespace isobox::oci {

/// The cgroup(s) of one container. Made by make_cgroup_manager(); the path is fixed at creation.
/// Every method is safe to call on a manager rebuilt later from the same cgroups_path (the
/// runtime keeps no other cgroup state than the cgroups_path it saved in state.json).
class CgroupManager {
public:
  virtual ~CgroupManager() = default;

  /// Creates the cgroup directories (every hierarchy) and writes `resources` into them.
  /// Idempotent: an existing cgroup is reused (containerd may pre-create parents).
  virtual Result<> create(const LinuxResources &resources) = 0;
  /// Moves `pid` into the cgroup (all hierarchies). Used for the init and for `exec`.
  virtual Result<> add_process(pid_t pid) = 0;
  /// Writes `resources` into the existing cgroup (used by create).
  virtual Result<> apply(const LinuxResources &resources) = 0;
  /// `update`: writes the (merged) resources again but leaves the device rules alone, as runc.
  virtual Result<> update(const LinuxResources &resources) = 0;
  /// Every pid in the cgroup (cgroup.procs), for `kill --all`, `ps` and `delete --force`.
  virtual Result<std::vector<pid_t>> pids() = 0;
  /// Freezer: v1 freezer.state FROZEN/THAWED, v2 cgroup.freeze 1/0; returns once settled.
  virtual Result<> freeze() = 0;
  virtual Result<> thaw() = 0;
  /// True when the cgroup is frozen (status "paused").
  virtual Result<bool> frozen() = 0;
  /// Removes the cgroup directories (processes must be gone); a missing cgroup is not an error.
  virtual Result<> destroy() = 0;
  /// The cgroup directories that do not exist yet (those create() will make), for the record
  /// create saves before making them.
  [[nodiscard]] virtual std::vector<std::string> missing_dirs() const { return {}; }
  /// SIGKILLs the processes in the directories of `created` (cgroups this runtime made, so only
  /// the container's), then removes those directories. A cgroup that existed before create, and
  /// any process in it, is left alone (as runc). Missing directories are not an error.
  virtual Result<> destroy_created(const std::vector<std::string> &created) {
    return created.empty() ? Result<>{} : destroy();
  }
  /// The resolved cgroup path relative to each hierarchy root, e.g. "/isobox/<id>".
  [[nodiscard]] virtual std::string path() const = 0;
};

/// Builds the manager for a container. `cgroups_path` is linux.cgroupsPath as containerd passes
/// it: empty (-> "/isobox/<container_id>"), an absolute path ("/k8s.io/<id>"), or the systemd
/// form "slice:prefix:name" (mapped to a path). `systemd` (--systemd-cgroup, saved in
/// state.json) picks the systemd driver: the scope is asked of systemd over D-Bus and the path
/// must then be of the systemd form. Nothing is created until create().
Result<std::unique_ptr<CgroupManager>> make_cgroup_manager(const LinuxResources &resources,
                                                           std::string cgroups_path,
                                                           std::string container_id,
                                                           bool systemd = false);

} // namespace isobox::oci
