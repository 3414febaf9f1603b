// The systemd cgroup driver: a transient scope per container, limits mirrored into cgroupfs.
#include "oci/cgroup/systemd_cgroup_manager.hpp"

#include "common/log.hpp"

namespace isobox::oci::cgroup {

SystemdCgroupManager::SystemdCgroupManager(std::unique_ptr<FsCgroupManager> fs,
                                           systemd::ScopeSpec scope)
    : m_fs(std::move(fs)), m_scope(std::move(scope)) {}

Result<systemd::SystemdBus *> SystemdCgroupManager::bus() {
  if (!m_bus)
    m_bus.emplace(ISOBOX_TRY(systemd::SystemdBus::connect()));
  return &*m_bus;
}

Result<> SystemdCgroupManager::create(const LinuxResources &resources) {
  // Fail before anything exists when systemd cannot be asked for the scope.
  ISOBOX_TRY(bus());
  ISOBOX_CHECK(m_fs->create(resources));
  m_pending = resources;
  return {};
}

Result<> SystemdCgroupManager::add_process(pid_t pid) {
  if (m_pending) {
    systemd::ScopeSpec scope = m_scope;
    scope.pid = pid;
    auto *b = ISOBOX_TRY(bus());
    ISOBOX_CHECK(
        b->start_transient_unit(scope.unit, systemd::scope_properties(scope, *m_pending, v2())));
    m_pending.reset();
  }
  return m_fs->add_process(pid);
}

Result<> SystemdCgroupManager::update(const LinuxResources &resources) {
  auto *b = ISOBOX_TRY(bus());
  ISOBOX_CHECK(b->set_unit_properties(m_scope.unit, systemd::resource_properties(resources, v2())));
  return m_fs->update(resources);
}

Result<> SystemdCgroupManager::destroy() {
  Result<> removed = m_fs->destroy();
  auto b = bus();
  Result<> stopped = b ? (*b)->stop_unit(m_scope.unit) : Result<>(std::unexpected(b.error()));
  if (!stopped)
    return stopped;
  return removed;
}

} // namespace isobox::oci::cgroup
