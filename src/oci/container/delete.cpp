// `delete`: kill what is left (created or --force), remove cgroup and state, run poststop hooks.
#include <signal.h>
#include <unistd.h>

#include "common/log.hpp"
#include "oci/cgroup/cgroup_manager.hpp"
#include "oci/container/hooks.hpp"
#include "oci/container/operations.hpp"
#include "oci/container/saved_spec.hpp"

namespace isobox::oci {
namespace {

// SIGKILL everything and wait (up to ~5s) for the init to disappear; we may not be its parent.
void kill_all_and_wait(const ContainerState &s, CgroupManager *cgroup) {
  if (cgroup) {
    if (auto pids = cgroup->pids(); pids)
      for (pid_t p : *pids)
        ::kill(p, SIGKILL);
  }
  if (process_alive(s.pid, s.pid_start))
    ::kill(s.pid, SIGKILL);
  for (int i = 0; i < 500 && process_alive(s.pid, s.pid_start); ++i)
    ::usleep(10000);
}

} // namespace

Result<> delete_container(const std::string &root, const std::string &id, bool force) {
  ContainerState s = ISOBOX_TRY(load_state(root, id));
  ContainerStatus status = current_status(s);
  if ((status == ContainerStatus::Running || status == ContainerStatus::Paused) && !force)
    return make_error("cannot delete container {} that is not stopped: {}", id,
                      status_name(status));
  auto cgroup = make_cgroup_manager({}, s.cgroup_path, id, s.systemd_cgroup);
  if (status == ContainerStatus::Paused && cgroup)
    (void)(*cgroup)->thaw();
  if (status != ContainerStatus::Stopped)
    kill_all_and_wait(s, cgroup ? cgroup->get() : nullptr);
  if (cgroup) {
    if (auto r = (*cgroup)->destroy(); !r)
      log::warn("delete {}: {}", id, r.error().message);
  }
  // poststop failures are warnings and the other hooks still run (config.md "Poststop").
  if (auto spec = load_saved_spec(s); !spec)
    log::warn("poststop hooks not run: {}", spec.error().message);
  else
    run_hooks_warn(spec->hooks.poststop, hook_state_json(s, ContainerStatus::Stopped), "poststop");
  remove_state_dir(s.state_dir);
  return {};
}

} // namespace isobox::oci
