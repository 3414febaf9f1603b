// `update`: merges new resource values into the saved ones, writes them, saves the result.
#include "common/log.hpp"
#include "oci/cgroup/cgroup_manager.hpp"
#include "oci/cgroup/resources_update.hpp"
#include "oci/container/operations.hpp"

namespace isobox::oci {

Result<> update_container(const std::string &root, const std::string &id,
                          const LinuxResources &update) {
  ContainerState s = ISOBOX_TRY(load_state(root, id));
  const ContainerStatus status = current_status(s);
  if (status == ContainerStatus::Stopped || status == ContainerStatus::Creating)
    return make_error("container {} is not running (status {})", id, status_name(status));
  if (update.memory && (update.memory->kernel || update.memory->kernel_tcp))
    log::warn("kernel memory limits are ignored (deprecated by the kernel, as in runc)");
  LinuxResources merged = cgroup::merge_resources(s.resources, update);
  auto manager = ISOBOX_TRY(make_cgroup_manager({}, s.cgroup_path, id, s.systemd_cgroup));
  ISOBOX_CHECK(manager->update(merged));
  s.resources = std::move(merged);
  return save_state(s);
}

} // namespace isobox::oci
