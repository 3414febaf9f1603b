// Read-only operations: `state`, `list`, `ps` pids.
#include <dirent.h>

#include <algorithm>
#include <memory>

#include "oci/cgroup/cgroup_manager.hpp"
#include "oci/container/operations.hpp"

namespace isobox::oci {

Result<std::string> container_state_json(const std::string &root, const std::string &id) {
  ContainerState s = ISOBOX_TRY(load_state(root, id));
  return state_json(s, current_status(s));
}

std::vector<ContainerState> list_containers(const std::string &root) {
  std::vector<ContainerState> out;
  std::unique_ptr<DIR, int (*)(DIR *)> dir(::opendir(root.c_str()), ::closedir);
  if (!dir)
    return out;
  while (dirent *e = ::readdir(dir.get())) {
    std::string name = e->d_name;
    if (name == "." || name == "..")
      continue;
    if (auto s = load_state(root, name); s)
      out.push_back(std::move(*s));
  }
  std::sort(out.begin(), out.end(), [](const auto &a, const auto &b) { return a.id < b.id; });
  return out;
}

Result<std::vector<pid_t>> container_pids(const std::string &root, const std::string &id) {
  ContainerState s = ISOBOX_TRY(load_state(root, id));
  auto cgroup = make_cgroup_manager({}, s.cgroup_path, id);
  if (cgroup) {
    if (auto pids = (*cgroup)->pids(); pids && !pids->empty())
      return pids;
  }
  if (process_alive(s.pid, s.pid_start))
    return std::vector<pid_t>{s.pid};
  return std::vector<pid_t>{};
}

Result<> pause_container(const std::string &root, const std::string &id) {
  ContainerState s = ISOBOX_TRY(load_state(root, id));
  if (current_status(s) != ContainerStatus::Running)
    return make_error("container not running");
  auto cgroup = ISOBOX_TRY(make_cgroup_manager({}, s.cgroup_path, id));
  return cgroup->freeze();
}

Result<> resume_container(const std::string &root, const std::string &id) {
  ContainerState s = ISOBOX_TRY(load_state(root, id));
  if (current_status(s) != ContainerStatus::Paused)
    return make_error("container not paused");
  auto cgroup = ISOBOX_TRY(make_cgroup_manager({}, s.cgroup_path, id));
  return cgroup->thaw();
}

} // namespace isobox::oci
