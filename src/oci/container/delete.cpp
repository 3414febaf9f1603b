// `delete`: kill what is left (created or --force), remove the cgroups create made and the state,
// run poststop hooks; a partial container (a killed create) is removed the same way.
#include "common/log.hpp"
#include "oci/container/hooks.hpp"
#include "oci/container/operations.hpp"
#include "oci/container/saved_spec.hpp"
#include "oci/container/teardown.hpp"

namespace isobox::oci {

Result<> delete_container(const std::string &root, const std::string &id, bool force) {
  auto loaded = load_state(root, id);
  if (!loaded) {
    if (force) // a killed create of this id may have left only its temp dir
      remove_stale_temp_dirs(root, id);
    return std::unexpected(loaded.error());
  }
  ContainerState &s = *loaded;
  ContainerStatus status = current_status(s);
  const bool live = status == ContainerStatus::Running || status == ContainerStatus::Paused ||
                    status == ContainerStatus::Creating;
  if (live && !force)
    return make_error("cannot delete container {} that is not stopped: {}", id,
                      status_name(status));
  if (auto r = stop_container_processes(s); !r)
    log::warn("delete {}: {}", id, r.error().message);
  // poststop failures are warnings and the other hooks still run (config.md "Poststop"); a
  // partial container never started.
  if (status != ContainerStatus::Partial && status != ContainerStatus::Creating) {
    if (auto spec = load_saved_spec(s); !spec)
      log::warn("poststop hooks not run: {}", spec.error().message);
    else
      run_hooks_warn(spec->hooks.poststop, hook_state_json(s, ContainerStatus::Stopped),
                     "poststop");
  }
  ISOBOX_CHECK(remove_state_dir_checked(s));
  return check_nothing_left(s);
}

} // namespace isobox::oci
