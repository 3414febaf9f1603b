// Namespace creation and joining (config-linux.md "Namespaces").
#include "oci/linux/namespaces.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/nsfs.h>
#include <sys/ioctl.h>

namespace isobox::oci {
namespace {

constexpr NamespaceType kJoinOrder[] = {
    NamespaceType::User, NamespaceType::Ipc,    NamespaceType::Uts,  NamespaceType::Network,
    NamespaceType::Pid,  NamespaceType::Cgroup, NamespaceType::Time, NamespaceType::Mount};

const char *proc_ns_name(NamespaceType t) {
  switch (t) {
  case NamespaceType::Pid: return "pid";
  case NamespaceType::Network: return "net";
  case NamespaceType::Mount: return "mnt";
  case NamespaceType::Ipc: return "ipc";
  case NamespaceType::Uts: return "uts";
  case NamespaceType::User: return "user";
  case NamespaceType::Cgroup: return "cgroup";
  case NamespaceType::Time: return "time";
  }
  return "";
}

Result<> write_file(const std::string &path, const std::string &text) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd || ::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()))
    return sys_error("write {}", path);
  return {};
}

std::string map_text(const std::vector<IdMapping> &maps) {
  std::string s;
  for (const auto &m : maps)
    s += std::to_string(m.container_id) + " " + std::to_string(m.host_id) + " " +
         std::to_string(m.size) + "\n";
  return s;
}

} // namespace

int clone_flag(NamespaceType type) {
  switch (type) {
  case NamespaceType::Pid: return CLONE_NEWPID;
  case NamespaceType::Network: return CLONE_NEWNET;
  case NamespaceType::Mount: return CLONE_NEWNS;
  case NamespaceType::Ipc: return CLONE_NEWIPC;
  case NamespaceType::Uts: return CLONE_NEWUTS;
  case NamespaceType::User: return CLONE_NEWUSER;
  case NamespaceType::Cgroup: return CLONE_NEWCGROUP;
  case NamespaceType::Time: return CLONE_NEWTIME;
  }
  return 0;
}

Result<std::vector<NamespaceJoin>> open_namespace_paths(const std::vector<LinuxNamespace> &list) {
  std::vector<NamespaceJoin> out;
  for (const auto &ns : list) {
    if (ns.path.empty())
      continue;
    UniqueFd fd(::open(ns.path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd)
      return sys_error("open {} namespace {}", namespace_type_name(ns.type), ns.path);
    int kind = ::ioctl(fd.get(), NS_GET_NSTYPE);
    if (kind >= 0 && kind != clone_flag(ns.type))
      return make_error("{} is not a {} namespace", ns.path, namespace_type_name(ns.type));
    if (kind < 0)
      return make_error("{} is not a namespace file", ns.path);
    out.push_back({ns.type, std::move(fd)});
  }
  return out;
}

Result<std::vector<NamespaceJoin>> open_container_namespaces(pid_t pid, const Spec &spec) {
  std::vector<NamespaceJoin> out;
  for (const auto &ns : spec.linux->namespaces) {
    std::string path = "/proc/" + std::to_string(pid) + "/ns/" + proc_ns_name(ns.type);
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd)
      return sys_error("open {}", path);
    out.push_back({ns.type, std::move(fd)});
  }
  return out;
}

Result<> join_namespaces(const std::vector<NamespaceJoin> &joins, bool pid_only) {
  for (NamespaceType t : kJoinOrder) {
    if (pid_only != (t == NamespaceType::Pid))
      continue;
    for (const auto &j : joins) {
      if (j.type != t)
        continue;
      // Joining our own user namespace again is EINVAL; it is not an error for us.
      if (::setns(j.fd.get(), clone_flag(t)) < 0 && !(t == NamespaceType::User && errno == EINVAL))
        return sys_error("join {} namespace", namespace_type_name(t));
    }
  }
  return {};
}

int new_namespace_flags(const std::vector<LinuxNamespace> &list) {
  int flags = 0;
  for (const auto &ns : list)
    if (ns.path.empty())
      flags |= clone_flag(ns.type);
  return flags;
}

Result<> write_id_maps(pid_t pid, const Linux &linux) {
  std::string base = "/proc/" + std::to_string(pid);
  if (::geteuid() != 0)
    ISOBOX_CHECK(write_file(base + "/setgroups", "deny"));
  ISOBOX_CHECK(write_file(base + "/uid_map", map_text(linux.uid_mappings)));
  ISOBOX_CHECK(write_file(base + "/gid_map", map_text(linux.gid_mappings)));
  return {};
}

Result<pid_t> clone_process(int flags) {
  // Raw clone with a null stack behaves as fork; glibc's fork cannot take namespace flags.
  long pid = ::syscall(SYS_clone, static_cast<unsigned long>(flags) | SIGCHLD, nullptr, nullptr,
                       nullptr, nullptr);
  if (pid < 0)
    return sys_error("clone");
  return static_cast<pid_t>(pid);
}

} // namespace isobox::oci
