// CgroupManager: one container's cgroup on any layout (v1, hybrid, v2) behind one interface.
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "oci/cgroup/cgroup_layout.hpp"
#include "oci/security_types.hpp"

namespace isobox::oci::cgroup {

/// What the runtime knows about a container's cgroup before creating it.
struct CgroupConfig {
  std::string id;           ///< container id (default path /isobox/<id>)
  std::string cgroups_path; ///< linux.cgroupsPath as given (may be empty or slice:prefix:name)
  bool systemd = false;     ///< --systemd-cgroup
};

/// The cgroup of one container. Directories are keyed as runc's state.json "cgroup_paths":
/// a v1 controller name ("memory", "cpu", ...) or "" for the cgroup2 (unified) directory.
class CgroupManager {
public:
  virtual ~CgroupManager() = default;

  /// Creates the directories in every hierarchy (v1 cpuset inherits cpus/mems; v2 enables the
  /// available controllers on the ancestors).
  virtual Result<> create() = 0;
  /// Moves `pid` (all its threads) into the cgroup in every hierarchy.
  virtual Result<> add_pid(pid_t pid) = 0;
  /// Writes linux.resources (also used by `update`).
  virtual Result<> apply(const LinuxResources &resources) = 0;
  /// The pids in the cgroup (for `ps` and `kill --all`).
  virtual Result<std::vector<pid_t>> pids() const = 0;
  /// Pause/resume: v1 freezer.state, v2 cgroup.freeze.
  virtual Result<> freeze() = 0;
  virtual Result<> thaw() = 0;
  /// True when the freezer says frozen (for `state` to report "paused").
  virtual Result<bool> frozen() const = 0;
  /// Sends `signal` to every process (frozen while signalling, so no fork escapes it).
  virtual Result<> kill_all(int signal) = 0;
  /// Kills what is left and removes the directories from every hierarchy. Idempotent.
  virtual Result<> destroy() = 0;

  [[nodiscard]] virtual CgroupMode mode() const = 0;
  /// Hierarchy key -> directory; save it in state.json to rebuild the manager later.
  [[nodiscard]] virtual const std::map<std::string, std::string> &paths() const = 0;
};

/// A manager for `config` on `layout`. `self_cgroup` is the runtime's own /proc/self/cgroup
/// (parse_proc_cgroup), used for relative cgroupsPaths.
Result<std::unique_ptr<CgroupManager>>
make_cgroup_manager(const CgroupLayout &layout, const CgroupConfig &config,
                    const std::map<std::string, std::string> &self_cgroup = {});

/// The same, on this host's layout (detect_layout) and own cgroup.
Result<std::unique_ptr<CgroupManager>> make_cgroup_manager(const CgroupConfig &config);

/// Rebuilds a manager from the `paths()` saved in state.json (for state/ps/kill/delete).
/// `unified_root` is the cgroup2 mount point ("" when none).
std::unique_ptr<CgroupManager> load_cgroup_manager(CgroupMode mode,
                                                   std::map<std::string, std::string> paths,
                                                   std::string unified_root);

} // namespace isobox::oci::cgroup
