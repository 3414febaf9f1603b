// FsCgroupManager: the cgroupfs CgroupManager for v1, hybrid and v2 layouts.
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "oci/cgroup/cgroup_layout.hpp"
#include "oci/cgroup/cgroup_manager.hpp"
#include "oci/spec/spec.hpp"

namespace isobox::oci::cgroup {

/// What the runtime knows about a container's cgroup before creating it.
struct CgroupConfig {
  std::string id;           ///< container id (default path /isobox/<id>)
  std::string cgroups_path; ///< linux.cgroupsPath as given (may be empty or slice:prefix:name)
  bool systemd = false;     ///< --systemd-cgroup (changes the default path)
};

/// One container's cgroup on every mounted hierarchy. Directories are keyed as runc's
/// state.json "cgroup_paths": a v1 controller name ("memory", "cpu", ...) or "" for the
/// cgroup2 (unified) directory. On hybrid hosts the container joins both, like runc.
class FsCgroupManager final : public CgroupManager {
public:
  FsCgroupManager(CgroupMode mode, std::string path, std::map<std::string, std::string> paths,
                  std::string unified_root);

  /// mkdir in every hierarchy (v1 cpuset inherits cpus/mems; v2 enables the available
  /// controllers on the ancestors), then apply(resources).
  Result<> create(const LinuxResources &resources) override;
  Result<> add_process(pid_t pid) override;
  Result<> apply(const LinuxResources &resources) override { return write(resources, true); }
  Result<> update(const LinuxResources &resources) override { return write(resources, false); }
  Result<std::vector<pid_t>> pids() override { return read_pids(primary()); }
  Result<> freeze() override { return set_frozen(true); }
  Result<> thaw() override { return set_frozen(false); }
  Result<bool> frozen() override;
  /// Kills what is left (SIGKILL), then removes the directories everywhere. Idempotent.
  Result<> destroy() override;
  [[nodiscard]] std::vector<std::string> missing_dirs() const override;
  Result<> destroy_created(const std::vector<std::string> &created) override;
  [[nodiscard]] std::string path() const override { return m_path; }

  /// Sends `signal` to every process, frozen meanwhile so no fork escapes it (v2 SIGKILL
  /// uses cgroup.kill).
  Result<> kill_all(int signal);
  [[nodiscard]] CgroupMode mode() const { return m_mode; }
  [[nodiscard]] const std::map<std::string, std::string> &paths() const { return m_paths; }

private:
  static Result<std::vector<pid_t>> read_pids(const std::string &dir);
  const std::string *dir(std::string_view key) const;
  const std::string &primary() const;
  Result<> set_frozen(bool frozen);
  Result<> write(const LinuxResources &resources, bool devices);
  Result<> apply_v1(const LinuxResources &resources, bool devices);
  Result<> kill_created(const std::vector<std::string> &created);
  /// v2: the device whitelist as an eBPF program (only on a real cgroup2 directory).
  static Result<> apply_v2_devices(const std::string &leaf,
                                   const std::vector<LinuxDeviceCgroup> &rules);
  Result<> require(std::string_view key, std::string_view what) const;
  void enable_unified() const;

  CgroupMode m_mode;
  std::string m_path;
  std::map<std::string, std::string> m_paths;
  std::string m_unified_root;
};

/// A manager for `config` on `layout` (a test passes CgroupLayout::under(tmpdir)).
/// `self_cgroup` is the runtime's own /proc/self/cgroup (parse_proc_cgroup), used for relative
/// cgroupsPaths. Nothing is created until create().
Result<std::unique_ptr<FsCgroupManager>>
make_fs_cgroup_manager(const CgroupLayout &layout, const CgroupConfig &config,
                       const std::map<std::string, std::string> &self_cgroup = {});

/// The same on this host's layout (detect_layout) and own cgroup.
Result<std::unique_ptr<FsCgroupManager>> make_fs_cgroup_manager(const CgroupConfig &config);

} // namespace isobox::oci::cgroup
