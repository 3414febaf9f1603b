// state.json persistence and status computation.
#include "oci/container/state.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ctime>

#include <nlohmann/json.hpp>

#include "common/file.hpp"
#include "common/unique_fd.hpp"
#include "oci/cgroup/cgroup_manager.hpp"
#include "oci/spec/parse.hpp"
#include "oci/spec/resources_json.hpp"

namespace isobox::oci {

namespace {

constexpr const char *kOciVersion = "1.0.2-dev";

// Splits /proc/<pid>/stat after the comm field, which may contain spaces and parentheses.
bool read_stat(pid_t pid, char &state, unsigned long long &start) {
  auto text = read_file("/proc/" + std::to_string(pid) + "/stat");
  if (!text)
    return false;
  size_t close = text->rfind(')');
  if (close == std::string::npos || close + 2 >= text->size())
    return false;
  const char *p = text->c_str() + close + 2;
  state = *p;
  // Field 22 is starttime; after ") " we are at field 3.
  for (int field = 3; field < 22; ++field) {
    p = std::strchr(p, ' ');
    if (!p)
      return false;
    ++p;
  }
  start = std::strtoull(p, nullptr, 10);
  return true;
}

} // namespace

const char *status_name(ContainerStatus status) {
  switch (status) {
  case ContainerStatus::Creating: return "creating";
  case ContainerStatus::Created: return "created";
  case ContainerStatus::Running: return "running";
  case ContainerStatus::Paused: return "paused";
  case ContainerStatus::Stopped: return "stopped";
  case ContainerStatus::Partial: return "partial";
  }
  return "unknown";
}

Result<> validate_id(const std::string &id) {
  if (id.empty())
    return make_error("container id cannot be empty");
  if (id.size() > 1024)
    return make_error("container id is too long");
  auto ok = [](char c, bool first) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
      return true;
    return !first && (c == '_' || c == '.' || c == '+' || c == '-');
  };
  for (size_t i = 0; i < id.size(); ++i)
    if (!ok(id[i], i == 0))
      return make_error("invalid container id \"{}\"", id);
  return {};
}

std::string state_dir(const std::string &root, const std::string &id) { return root + "/" + id; }

Result<> save_state(const ContainerState &s) {
  nlohmann::json j = {{"id", s.id},
                      {"pid", s.pid},
                      {"pid_start", s.pid_start},
                      {"bundle", s.bundle},
                      {"rootfs", s.rootfs},
                      {"created", s.created},
                      {"owner", s.owner},
                      {"annotations", s.annotations},
                      {"cgroup_path", s.cgroup_path},
                      {"resources", resources_to_json(s.resources)},
                      {"systemd_cgroup", s.systemd_cgroup},
                      {"creating", s.creating},
                      {"creator_pid", s.creator_pid},
                      {"creator_start", s.creator_start},
                      {"cgroup_created", s.cgroup_created}};
  return replace_file(s.state_dir + "/state.json", j.dump(), 0600);
}

Result<> claim_state_dir(const std::string &root, ContainerState &s) {
  // The temp name carries our pid and start time: `delete --force` removes one whose writer died.
  std::string tmp =
      fmt::format("{}/.{}.{}-{}.new", root, s.id, ::getpid(), process_start_time(::getpid()));
  if (::mkdir(tmp.c_str(), 0711) < 0)
    return sys_error("create {}", tmp);
  s.state_dir = tmp;
  auto saved = save_state(s);
  s.state_dir = state_dir(root, s.id);
  // rename(2) onto an existing non-empty dir fails: the id check and the record are one step.
  if (saved && ::rename(tmp.c_str(), s.state_dir.c_str()) < 0) {
    saved = errno == EEXIST || errno == ENOTEMPTY
                ? make_error("container \"{}\" already exists", s.id)
                : sys_error("rename {} to {}", tmp, s.state_dir);
  }
  if (!saved) {
    ::unlink((tmp + "/state.json").c_str());
    ::rmdir(tmp.c_str());
  }
  return saved;
}

namespace {

// A state dir whose state.json is missing or unreadable: only its id is known.
Result<ContainerState> partial_record(const std::string &dir, const std::string &id) {
  struct stat st {};
  if (::lstat(dir.c_str(), &st) < 0 || !S_ISDIR(st.st_mode))
    return make_error("container \"{}\" does not exist", id);
  ContainerState s;
  s.id = id;
  s.creating = true;
  s.state_dir = dir;
  return s;
}

void parse_record(const nlohmann::json &j, ContainerState &s) {
  s.id = j.at("id").get<std::string>();
  s.pid = j.at("pid").get<pid_t>();
  s.pid_start = j.at("pid_start").get<unsigned long long>();
  s.bundle = j.at("bundle").get<std::string>();
  s.rootfs = j.at("rootfs").get<std::string>();
  s.created = j.at("created").get<std::string>();
  s.owner = j.at("owner").get<uid_t>();
  s.annotations = j.at("annotations").get<std::map<std::string, std::string>>();
  s.cgroup_path = j.at("cgroup_path").get<std::string>();
  s.creating = j.value("creating", false);
  s.creator_pid = j.value("creator_pid", pid_t{0});
  s.creator_start = j.value("creator_start", 0ULL);
  s.cgroup_created = j.value("cgroup_created", std::vector<std::string>{});
}

} // namespace

Result<ContainerState> load_state(const std::string &root, const std::string &id) {
  ISOBOX_CHECK(validate_id(id));
  std::string dir = state_dir(root, id);
  auto text = read_file(dir + "/state.json");
  if (!text) {
    if (text.error().errno_value == ENOENT)
      return partial_record(dir, id);
    return std::unexpected(text.error());
  }
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return make_error("{}/state.json is corrupt", dir);
  ContainerState s;
  try {
    parse_record(j, s);
  } catch (const nlohmann::json::exception &e) {
    return make_error("{}/state.json is corrupt: {}", dir, e.what());
  }
  s.systemd_cgroup = j.value("systemd_cgroup", false);
  if (auto it = j.find("resources"); it != j.end()) // absent in states written before `update`
    s.resources = ISOBOX_TRY(parse_resources(it->dump(), dir + "/state.json: resources"));
  s.state_dir = dir;
  return s;
}

unsigned long long process_start_time(pid_t pid) {
  char state = 0;
  unsigned long long start = 0;
  return read_stat(pid, state, start) ? start : 0;
}

bool process_alive(pid_t pid, unsigned long long start) {
  char state = 0;
  unsigned long long now = 0;
  if (pid <= 0 || !read_stat(pid, state, now))
    return false;
  return state != 'Z' && state != 'X' && now == start;
}

ContainerStatus current_status(const ContainerState &s) {
  if (s.creating)
    return process_alive(s.creator_pid, s.creator_start) ? ContainerStatus::Creating
                                                         : ContainerStatus::Partial;
  if (s.pid == 0)
    return ContainerStatus::Creating;
  if (!process_alive(s.pid, s.pid_start))
    return ContainerStatus::Stopped;
  struct stat st {};
  if (::stat((s.state_dir + "/exec.fifo").c_str(), &st) == 0)
    return ContainerStatus::Created;
  auto cg = make_cgroup_manager({}, s.cgroup_path, s.id);
  if (cg) {
    auto frozen = (*cg)->frozen();
    if (frozen && *frozen)
      return ContainerStatus::Paused;
  }
  return ContainerStatus::Running;
}

std::string state_json(const ContainerState &s, ContainerStatus status) {
  nlohmann::ordered_json j;
  j["ociVersion"] = kOciVersion;
  j["id"] = s.id;
  j["pid"] = status != ContainerStatus::Stopped && process_alive(s.pid, s.pid_start) ? s.pid : 0;
  j["status"] = status_name(status);
  j["bundle"] = s.bundle;
  j["rootfs"] = s.rootfs;
  j["created"] = s.created;
  j["owner"] = s.owner == 0 ? "" : std::to_string(s.owner);
  if (!s.annotations.empty())
    j["annotations"] = s.annotations;
  return j.dump(2) + "\n";
}

std::string hook_state_json(const ContainerState &s, ContainerStatus status) {
  nlohmann::ordered_json j;
  j["ociVersion"] = kOciVersion;
  j["id"] = s.id;
  j["status"] = status_name(status);
  if (status != ContainerStatus::Stopped && s.pid > 0)
    j["pid"] = s.pid;
  j["bundle"] = s.bundle;
  j["annotations"] = s.annotations;
  return j.dump();
}

std::string rfc3339_now() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  tm utc{};
  ::gmtime_r(&ts.tv_sec, &utc);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &utc);
  return fmt::format("{}.{:09d}Z", buf, ts.tv_nsec);
}

} // namespace isobox::oci
