// Undoing a container, whole or partial: its processes, the cgroups create made, its state dir
// and the leftovers of killed creates and deletes; then a check that nothing is left.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>

#include <fmt/ranges.h>

#include "common/log.hpp"
#include "oci/cgroup/cgroup_manager.hpp"
#include "oci/container/teardown.hpp"

namespace isobox::oci {
namespace {

// "<pid>-<start>" of a temp dir name, as claim_state_dir and remove_state_dir spell it.
bool parse_owner(std::string_view text, pid_t &pid, unsigned long long &start) {
  const size_t dash = text.find('-');
  if (dash == std::string_view::npos)
    return false;
  auto [p1, e1] = std::from_chars(text.data(), text.data() + dash, pid);
  auto [p2, e2] = std::from_chars(text.data() + dash + 1, text.data() + text.size(), start);
  return e1 == std::errc() && e2 == std::errc() && p1 == text.data() + dash &&
         p2 == text.data() + text.size();
}

// A temp dir of `id` (".<id>.<pid>-<start>.new|.del") whose writer is gone.
bool stale_temp_dir(std::string_view name, const std::string &id) {
  const std::string prefix = "." + id + ".";
  if (!name.starts_with(prefix) || !(name.ends_with(".new") || name.ends_with(".del")))
    return false;
  name.remove_prefix(prefix.size());
  name.remove_suffix(4);
  pid_t pid = 0;
  unsigned long long start = 0;
  return parse_owner(name, pid, start) && !process_alive(pid, start);
}

void remove_tree(const std::string &path) {
  std::error_code ec;
  if (std::filesystem::remove_all(path, ec) > 0 && !ec)
    log::debug("removed {}", path);
}

// Waits (up to ~5 s) for the init to be gone; reaps it when it is our child.
bool wait_gone(pid_t pid, unsigned long long start) {
  for (int i = 0; i < 500; ++i) {
    ::waitpid(pid, nullptr, WNOHANG); // ECHILD unless we are create/run, its parent
    if (!process_alive(pid, start))
      return true;
    ::usleep(10000);
  }
  return false;
}

bool exists(const std::string &path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

} // namespace

Result<> stop_container_processes(const ContainerState &s) {
  if (process_alive(s.pid, s.pid_start) && ::kill(s.pid, SIGKILL) == 0)
    log::debug("delete {}: killed init {}", s.id, s.pid);
  Result<> result;
  if (s.created.empty()) // a state dir without a record: no cgroup is known
    return result;
  auto cgroup = make_cgroup_manager({}, s.cgroup_path, s.id, s.systemd_cgroup);
  if (!cgroup)
    result = std::unexpected(cgroup.error());
  else if ((*cgroup)->frozen().value_or(false))
    (void)(*cgroup)->thaw(); // a paused container: its processes must run to die
  if (cgroup)
    result = (*cgroup)->destroy_created(s.cgroup_created);
  if (s.pid > 0 && !wait_gone(s.pid, s.pid_start))
    return make_error("init {} of container {} did not die", s.pid, s.id);
  return result;
}

void remove_stale_temp_dirs(const std::string &root, const std::string &id) {
  std::error_code ec;
  for (const auto &entry : std::filesystem::directory_iterator(root, ec)) {
    const std::string name = entry.path().filename().string();
    if (stale_temp_dir(name, id))
      remove_tree(entry.path().string());
  }
}

Result<> remove_state_dir_checked(const ContainerState &s) {
  const std::string root = s.state_dir.substr(0, s.state_dir.rfind('/'));
  // Renamed first, so no reader (list, state) sees a container with half its files.
  const std::string doomed =
      fmt::format("{}/.{}.{}-{}.del", root, s.id, ::getpid(), process_start_time(::getpid()));
  if (::rename(s.state_dir.c_str(), doomed.c_str()) == 0)
    remove_tree(doomed);
  else if (errno != ENOENT)
    return sys_error("rename {}", s.state_dir);
  remove_stale_temp_dirs(root, s.id);
  return {};
}

Result<> check_nothing_left(const ContainerState &s) {
  std::vector<std::string> left;
  if (process_alive(s.pid, s.pid_start))
    left.push_back(fmt::format("process {}", s.pid));
  for (const auto &dir : s.cgroup_created)
    if (exists(dir))
      left.push_back("cgroup " + dir);
  if (exists(s.state_dir))
    left.push_back("state dir " + s.state_dir);
  if (left.empty())
    return {};
  return make_error("container {} not fully removed, left: {}", s.id, fmt::join(left, ", "));
}

} // namespace isobox::oci
