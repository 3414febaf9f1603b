// The cgroupfs CgroupManager for v1, hybrid and v2 layouts (see cgroup_manager.hpp).
#include "oci/cgroup/fs_cgroup_manager.hpp"

#include <linux/magic.h>
#include <signal.h>
#include <sys/statfs.h>

#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "common/log.hpp"
#include "oci/cgroup/cgroup_fs.hpp"
#include "oci/cgroup/cgroup_path.hpp"
#include "oci/cgroup/cgroup_v1.hpp"
#include "oci/cgroup/cgroup_v2.hpp"
#include "oci/cgroup/device_bpf.hpp"
#include "oci/cgroup/systemd_cgroup_manager.hpp"

namespace isobox::oci::cgroup {
namespace {

constexpr std::string_view kUnified = "";

} // namespace

FsCgroupManager::FsCgroupManager(CgroupMode mode, std::string path,
                                 std::map<std::string, std::string> paths, std::string unified_root)
    : m_mode(mode), m_path(std::move(path)), m_paths(std::move(paths)),
      m_unified_root(std::move(unified_root)) {}

Result<std::vector<pid_t>> FsCgroupManager::read_pids(const std::string &dir) {
  return cgroup::read_pids(dir);
}

const std::string *FsCgroupManager::dir(std::string_view key) const {
  const auto it = m_paths.find(std::string(key));
  return it == m_paths.end() ? nullptr : &it->second;
}

const std::string &FsCgroupManager::primary() const {
  if (m_mode == CgroupMode::V2)
    return m_paths.at(std::string(kUnified));
  for (std::string_view key : {"pids", "freezer", "memory", "cpu"})
    if (const auto *d = dir(key))
      return *d;
  return m_paths.begin()->second;
}

Result<> FsCgroupManager::create(const LinuxResources &resources) {
  for (const auto &[key, path] : m_paths) {
    const auto created = ISOBOX_TRY(make_dirs(path));
    if (key == "cpuset")
      for (const auto &d : created)
        ISOBOX_CHECK(v1::init_cpuset(d));
    // Hybrid: the unified cgroup is only joined (as runc does); controllers are enabled there
    // only when a resource needs one (hugetlb on this host), see apply_v1.
    if (key == kUnified && m_mode == CgroupMode::V2)
      enable_unified();
  }
  return apply(resources);
}

void FsCgroupManager::enable_unified() const {
  const auto *path = dir(kUnified);
  if (path == nullptr || !path->starts_with(m_unified_root))
    return;
  // Best effort: an ancestor that holds processes refuses subtree_control (EBUSY); the
  // resource writes that need a missing controller then fail with a clear ENOENT.
  auto enabled = v2::enable_controllers(m_unified_root, path->substr(m_unified_root.size()));
  if (!enabled)
    log::warn("cgroup2 controllers not enabled for {}: {}", *path, enabled.error().message);
}

Result<> FsCgroupManager::add_process(pid_t pid) {
  for (const auto &[key, path] : m_paths) {
    auto r = write_file(path, "cgroup.procs", std::to_string(pid));
    if (!r)
      return std::unexpected(r.error().wrap(fmt::format("join cgroup {}", path)));
  }
  return {};
}

Result<> FsCgroupManager::require(std::string_view key, std::string_view what) const {
  if (dir(key) == nullptr)
    return make_error("{} requested but the {} cgroup controller is not mounted", what, key);
  return {};
}

Result<> FsCgroupManager::apply_v1(const LinuxResources &r, bool devices) {
  if (r.memory) {
    ISOBOX_CHECK(require("memory", "linux.resources.memory"));
    ISOBOX_CHECK(v1::apply_memory(*dir("memory"), *r.memory));
  }
  if (r.cpu) {
    const bool wants_cpu = r.cpu->shares || r.cpu->quota || r.cpu->period ||
                           r.cpu->realtime_runtime || r.cpu->realtime_period || r.cpu->idle;
    if (wants_cpu) {
      ISOBOX_CHECK(require("cpu", "linux.resources.cpu"));
      ISOBOX_CHECK(v1::apply_cpu(*dir("cpu"), *r.cpu));
    }
    if (!r.cpu->cpus.empty() || !r.cpu->mems.empty()) {
      ISOBOX_CHECK(require("cpuset", "linux.resources.cpu.cpus/mems"));
      ISOBOX_CHECK(v1::apply_cpuset(*dir("cpuset"), *r.cpu));
    }
  }
  if (r.pids && r.pids->limit != 0) {
    ISOBOX_CHECK(require("pids", "linux.resources.pids"));
    ISOBOX_CHECK(v1::apply_pids(*dir("pids"), *r.pids));
  }
  if (r.block_io) {
    ISOBOX_CHECK(require("blkio", "linux.resources.blockIO"));
    ISOBOX_CHECK(v1::apply_blkio(*dir("blkio"), *r.block_io));
  }
  if (const auto *d = dir("devices"); d != nullptr && devices)
    ISOBOX_CHECK(v1::apply_devices(*d, r.devices));
  if (!r.hugepage_limits.empty()) {
    // Hybrid hosts may hand hugetlb to cgroup2 (this one does): use whichever has it.
    if (const auto *h = dir("hugetlb"))
      ISOBOX_CHECK(v1::apply_hugetlb(*h, r.hugepage_limits));
    else if (const auto *u = dir(kUnified)) {
      enable_unified();
      ISOBOX_CHECK(v2::apply_hugetlb(*u, r.hugepage_limits));
    } else
      return make_error("linux.resources.hugepageLimits requested but hugetlb is not mounted");
  }
  if (r.network && r.network->class_id) {
    ISOBOX_CHECK(require("net_cls", "linux.resources.network.classID"));
    ISOBOX_CHECK(v1::apply_net_cls(*dir("net_cls"), *r.network));
  }
  if (r.network && !r.network->priorities.empty()) {
    ISOBOX_CHECK(require("net_prio", "linux.resources.network.priorities"));
    ISOBOX_CHECK(v1::apply_net_prio(*dir("net_prio"), *r.network));
  }
  if (!r.unified.empty()) {
    const auto *u = dir(kUnified);
    if (u == nullptr)
      return make_error("linux.resources.unified needs cgroup v2 (this host is cgroup v1)");
    ISOBOX_CHECK(v2::apply_unified(*u, r.unified));
  }
  return {};
}

Result<> FsCgroupManager::write(const LinuxResources &resources, bool devices) {
  if (m_mode != CgroupMode::V2)
    return apply_v1(resources, devices);
  const std::string &leaf = m_paths.at(std::string(kUnified));
  ISOBOX_CHECK(v2::apply_resources(leaf, resources));
  return devices ? apply_v2_devices(leaf, resources.devices) : Result<>{};
}

Result<> FsCgroupManager::apply_v2_devices(const std::string &leaf,
                                           const std::vector<LinuxDeviceCgroup> &rules) {
  struct statfs fs {};
  if (::statfs(leaf.c_str(), &fs) != 0 || fs.f_type != CGROUP2_SUPER_MAGIC) {
    log::debug("{} is not on cgroup2 (test hierarchy?): no device program", leaf);
    return {};
  }
  // Same whitelist as v1: deny everything, the config's rules in order, then the defaults.
  std::vector<LinuxDeviceCgroup> all{{false, "a", std::nullopt, std::nullopt, "rwm"}};
  all.insert(all.end(), rules.begin(), rules.end());
  const auto &defaults = v1::default_allowed_devices();
  all.insert(all.end(), defaults.begin(), defaults.end());
  return attach_device_program(leaf, all);
}

Result<> FsCgroupManager::set_frozen(bool frozen) {
  if (m_mode == CgroupMode::V2)
    return v2::set_frozen(m_paths.at(std::string(kUnified)), frozen);
  ISOBOX_CHECK(require("freezer", frozen ? "pause" : "resume"));
  return v1::set_frozen(*dir("freezer"), frozen);
}

Result<bool> FsCgroupManager::frozen() {
  if (m_mode == CgroupMode::V2) {
    const auto &d = m_paths.at(std::string(kUnified));
    if (!file_exists(d, "cgroup.freeze"))
      return false;
    const auto state = read_file(d, "cgroup.freeze");
    if (!state)
      return std::unexpected(state.error());
    return *state == "1";
  }
  const auto *d = dir("freezer");
  if (d == nullptr || !file_exists(*d, "freezer.state"))
    return false;
  const auto state = read_file(*d, "freezer.state");
  if (!state)
    return std::unexpected(state.error());
  return *state == "FROZEN";
}

Result<> FsCgroupManager::kill_all(int signal) {
  const std::string &procs_dir = primary();
  if (!file_exists(procs_dir, "cgroup.procs"))
    return {}; // already gone
  if (m_mode == CgroupMode::V2 && signal == SIGKILL && file_exists(procs_dir, "cgroup.kill"))
    return write_file(procs_dir, "cgroup.kill", "1");
  // Freeze so that no process forks a child we would miss; thaw so stopped tasks see it.
  const bool can_freeze = m_mode == CgroupMode::V2 ? file_exists(procs_dir, "cgroup.freeze")
                                                   : dir("freezer") != nullptr;
  const bool was_frozen = frozen().value_or(false);
  if (can_freeze && !was_frozen)
    ISOBOX_CHECK(set_frozen(true));
  auto pids = read_pids(procs_dir);
  if (pids)
    for (pid_t pid : *pids)
      if (::kill(pid, signal) != 0 && errno != ESRCH)
        log::warn("kill {} {}: {}", pid, signal, errno_name(errno));
  if (can_freeze && !was_frozen)
    ISOBOX_CHECK(set_frozen(false));
  if (!pids)
    return std::unexpected(pids.error());
  return {};
}

Result<> FsCgroupManager::destroy() {
  if (auto killed = kill_all(SIGKILL); !killed)
    log::warn("cgroup destroy: {}", killed.error().message);
  Result<> first_error;
  for (const auto &[key, path] : m_paths) {
    auto removed = remove_dir(path);
    if (!removed && first_error)
      first_error = removed;
  }
  return first_error;
}

std::vector<std::string> FsCgroupManager::missing_dirs() const {
  std::vector<std::string> out;
  for (const auto &[key, path] : m_paths)
    if (::access(path.c_str(), F_OK) != 0)
      out.push_back(path);
  return out;
}

// SIGKILL for every process in the directories of `created`; the freezer (when that directory is
// ours too) holds them meanwhile so that no fork escapes. v2: cgroup.kill does it in one write.
Result<> FsCgroupManager::kill_created(const std::vector<std::string> &created) {
  auto ours = [&](const std::string *d) {
    return d != nullptr && std::find(created.begin(), created.end(), *d) != created.end();
  };
  const std::string *unified = dir(kUnified);
  if (m_mode == CgroupMode::V2 && ours(unified) && file_exists(*unified, "cgroup.kill"))
    return write_file(*unified, "cgroup.kill", "1");
  const std::string *freezer = m_mode == CgroupMode::V2 ? unified : dir("freezer");
  const bool freeze = ours(freezer) && !frozen().value_or(true);
  if (freeze)
    (void)set_frozen(true);
  for (const auto &[key, path] : m_paths) {
    if (!ours(&path) || !file_exists(path, "cgroup.procs"))
      continue;
    if (auto pids = read_pids(path); pids)
      for (pid_t pid : *pids)
        if (::kill(pid, SIGKILL) != 0 && errno != ESRCH)
          log::warn("kill {}: {}", pid, errno_name(errno));
  }
  if (freeze)
    (void)set_frozen(false);
  return {};
}

Result<> FsCgroupManager::destroy_created(const std::vector<std::string> &created) {
  ISOBOX_CHECK(kill_created(created));
  Result<> first_error;
  for (const auto &[key, path] : m_paths) {
    if (std::find(created.begin(), created.end(), path) == created.end())
      continue;
    if (auto removed = remove_dir(path); !removed && first_error)
      first_error = removed;
    else if (removed)
      log::debug("removed cgroup {}", path);
  }
  return first_error;
}

Result<std::unique_ptr<FsCgroupManager>>
make_fs_cgroup_manager(const CgroupLayout &layout, const CgroupConfig &config,
                       const std::map<std::string, std::string> &self_cgroup) {
  const CgroupPath resolved =
      ISOBOX_TRY(resolve_cgroup_path(config.cgroups_path, config.id, config.systemd));
  auto path_in = [&](const std::string &key, const std::string &mount) {
    if (!resolved.relative)
      return join_path(mount, resolved.path);
    const auto own = self_cgroup.find(key);
    const std::string base = own == self_cgroup.end() ? "/" : own->second;
    return join_path(join_path(mount, base), resolved.path);
  };
  std::map<std::string, std::string> paths;
  for (const auto &[ctrl, mount] : layout.v1)
    paths.emplace(ctrl, path_in(ctrl, mount));
  if (!layout.unified.empty())
    paths.emplace(std::string(kUnified), path_in(std::string(kUnified), layout.unified));
  return std::make_unique<FsCgroupManager>(layout.mode, resolved.path, std::move(paths),
                                           layout.unified);
}

Result<std::unique_ptr<FsCgroupManager>> make_fs_cgroup_manager(const CgroupConfig &config) {
  const CgroupLayout layout = ISOBOX_TRY(detect_layout());
  const std::string self = ISOBOX_TRY(read_file("/proc/self", "cgroup"));
  return make_fs_cgroup_manager(layout, config, parse_proc_cgroup(self));
}

} // namespace isobox::oci::cgroup

namespace isobox::oci {

Result<std::unique_ptr<CgroupManager>> make_cgroup_manager(const LinuxResources &resources,
                                                           std::string cgroups_path,
                                                           std::string container_id, bool systemd) {
  (void)resources; // written by create(); the path alone identifies the cgroup
  const cgroup::CgroupConfig config{container_id, cgroups_path, systemd};
  auto fs = ISOBOX_TRY(cgroup::make_fs_cgroup_manager(config));
  if (!systemd)
    return std::unique_ptr<CgroupManager>(std::move(fs));
  const auto resolved = ISOBOX_TRY(cgroup::resolve_cgroup_path(cgroups_path, container_id, true));
  if (resolved.unit.empty())
    return make_error("--systemd-cgroup needs linux.cgroupsPath as slice:prefix:name, not {:?}",
                      cgroups_path);
  cgroup::systemd::ScopeSpec scope{resolved.unit, resolved.slice,
                                   fmt::format("isobox container {}", container_id), 0};
  return std::unique_ptr<CgroupManager>(
      std::make_unique<cgroup::SystemdCgroupManager>(std::move(fs), std::move(scope)));
}

} // namespace isobox::oci
