// --systemd-cgroup: the container's cgroup is a transient systemd scope made over D-Bus.
#pragma once

#include <memory>
#include <optional>

#include "oci/cgroup/fs_cgroup_manager.hpp"
#include "oci/cgroup/systemd_bus.hpp"
#include "oci/cgroup/systemd_properties.hpp"

namespace isobox::oci::cgroup {

/// As runc's systemd driver: create() checks that systemd answers on the system bus; the first
/// add_process() (the init) asks systemd for the scope with StartTransientUnit (Slice, PIDs,
/// Delegate, the limits as unit properties); the cgroupfs files are written as well (systemd
/// has no property for some limits), update() also sends SetUnitProperties, and destroy()
/// stops the unit. Everything else is the cgroupfs manager on the same paths.
class SystemdCgroupManager final : public CgroupManager {
public:
  SystemdCgroupManager(std::unique_ptr<FsCgroupManager> fs, systemd::ScopeSpec scope);

  Result<> create(const LinuxResources &resources) override;
  Result<> add_process(pid_t pid) override;
  Result<> apply(const LinuxResources &resources) override { return m_fs->apply(resources); }
  Result<> update(const LinuxResources &resources) override;
  Result<std::vector<pid_t>> pids() override { return m_fs->pids(); }
  Result<> freeze() override { return m_fs->freeze(); }
  Result<> thaw() override { return m_fs->thaw(); }
  Result<bool> frozen() override { return m_fs->frozen(); }
  /// cgroupfs cleanup, then StopUnit (a unit systemd already dropped is fine).
  Result<> destroy() override;
  [[nodiscard]] std::vector<std::string> missing_dirs() const override {
    return m_fs->missing_dirs();
  }
  /// The scope is always this container's own (named after it): destroy() as a whole.
  Result<> destroy_created(const std::vector<std::string> & /*created*/) override {
    return destroy();
  }
  [[nodiscard]] std::string path() const override { return m_fs->path(); }

private:
  Result<systemd::SystemdBus *> bus();
  [[nodiscard]] bool v2() const { return m_fs->mode() == CgroupMode::V2; }

  std::unique_ptr<FsCgroupManager> m_fs;
  systemd::ScopeSpec m_scope;
  std::optional<systemd::SystemdBus> m_bus;
  std::optional<LinuxResources> m_pending; // set by create(): the scope is started with the init
};

} // namespace isobox::oci::cgroup
