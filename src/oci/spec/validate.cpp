// Semantic checks on a parsed Spec, done before anything is created so bad input leaves nothing.
#include "oci/spec/parse.hpp"

#include <set>

#include "oci/caps/caps.hpp"
#include "oci/seccomp/seccomp.hpp"
#include "oci/spec/path.hpp"

namespace isobox::oci {
namespace {

constexpr const char *kRlimits[] = {
    "RLIMIT_AS",     "RLIMIT_CORE",   "RLIMIT_CPU",        "RLIMIT_DATA",
    "RLIMIT_FSIZE",  "RLIMIT_LOCKS",  "RLIMIT_MEMLOCK",    "RLIMIT_MSGQUEUE",
    "RLIMIT_NICE",   "RLIMIT_NOFILE", "RLIMIT_NPROC",      "RLIMIT_RSS",
    "RLIMIT_RTPRIO", "RLIMIT_RTTIME", "RLIMIT_SIGPENDING", "RLIMIT_STACK"};

Result<> validate_process(const Process &p) {
  if (p.args.empty())
    return make_error("config.json: process.args: must not be empty");
  if (p.cwd.empty() || p.cwd[0] != '/')
    return make_error("config.json: process.cwd: must be an absolute path, got \"{}\"", p.cwd);
  for (const auto &r : p.rlimits) {
    bool known = false;
    for (const char *name : kRlimits)
      known = known || r.type == name;
    if (!known)
      return make_error("config.json: process.rlimits: unknown type \"{}\"", r.type);
    if (r.soft > r.hard)
      return make_error("config.json: process.rlimits: {} soft limit exceeds hard limit", r.type);
  }
  if (p.capabilities)
    ISOBOX_CHECK(validate_capabilities(*p.capabilities));
  return {};
}

Result<> validate_namespaces(const Spec &spec) {
  std::set<NamespaceType> seen;
  for (const auto &ns : spec.linux->namespaces) {
    if (!seen.insert(ns.type).second)
      return make_error("config.json: linux.namespaces: duplicate \"{}\"",
                        namespace_type_name(ns.type));
    if (!ns.path.empty() && ns.path[0] != '/')
      return make_error("config.json: linux.namespaces: {} path must be absolute",
                        namespace_type_name(ns.type));
  }
  const auto &l = *spec.linux;
  bool new_userns = false;
  for (const auto &ns : l.namespaces)
    new_userns = new_userns || (ns.type == NamespaceType::User && ns.path.empty());
  if (new_userns && (l.uid_mappings.empty() || l.gid_mappings.empty()))
    return make_error("config.json: a new user namespace needs linux.uidMappings and gidMappings");
  if (!seen.contains(NamespaceType::User) && (!l.uid_mappings.empty() || !l.gid_mappings.empty()))
    return make_error("config.json: linux.uidMappings given without a user namespace");
  if (!spec.hostname.empty() && !seen.contains(NamespaceType::Uts))
    return make_error("config.json: hostname needs a private UTS namespace");
  if (!spec.domainname.empty() && !seen.contains(NamespaceType::Uts))
    return make_error("config.json: domainname needs a private UTS namespace");
  return {};
}

// runc's rule (libcontainer/configs/validate): a sysctl must belong to a namespace the container
// owns, or it would change the host.
Result<> validate_sysctl(const Spec &spec) {
  for (const auto &[key, value] : spec.linux->sysctl) {
    bool ipc = key.starts_with("kernel.msg") || key.starts_with("kernel.sem") ||
               key.starts_with("kernel.shm") || key.starts_with("fs.mqueue.");
    bool net = key.starts_with("net.");
    bool uts = key == "kernel.hostname" || key == "kernel.domainname";
    if (ipc && spec.has_namespace(NamespaceType::Ipc))
      continue;
    if (net && spec.has_namespace(NamespaceType::Network))
      continue;
    if (uts && spec.has_namespace(NamespaceType::Uts))
      continue;
    return make_error("config.json: linux.sysctl: \"{}\" is not in a private namespace of the "
                      "container",
                      key);
  }
  return {};
}

Result<> validate_mounts(const Spec &spec) {
  for (const auto &m : spec.mounts) {
    if (!path_stays_inside(m.destination))
      return make_error("config.json: mount destination \"{}\" is outside the rootfs",
                        m.destination);
    bool bind = false;
    for (const auto &o : m.options)
      bind = bind || o == "bind" || o == "rbind";
    if (m.type.empty() && !bind)
      return make_error("config.json: mount \"{}\": no type and not a bind mount", m.destination);
  }
  return {};
}

} // namespace

Result<> validate_spec(const Spec &spec) {
  if (spec.root.path.empty())
    return make_error("config.json: root.path: missing");
  if (!spec.process)
    return make_error("config.json: process: missing");
  ISOBOX_CHECK(validate_process(*spec.process));
  if (!spec.linux)
    return make_error("config.json: linux: missing (only Linux containers are supported)");
  ISOBOX_CHECK(validate_namespaces(spec));
  ISOBOX_CHECK(validate_sysctl(spec));
  ISOBOX_CHECK(validate_mounts(spec));
  if (spec.linux->seccomp)
    ISOBOX_CHECK(validate_seccomp(*spec.linux->seccomp));
  for (const auto &p : spec.linux->masked_paths)
    if (p.empty() || p[0] != '/')
      return make_error("config.json: linux.maskedPaths: \"{}\" is not absolute", p);
  return {};
}

bool Spec::has_namespace(NamespaceType type) const {
  if (!linux)
    return false;
  for (const auto &ns : linux->namespaces)
    if (ns.type == type)
      return true;
  return false;
}

const char *namespace_type_name(NamespaceType type) {
  switch (type) {
  case NamespaceType::Pid: return "pid";
  case NamespaceType::Network: return "network";
  case NamespaceType::Mount: return "mount";
  case NamespaceType::Ipc: return "ipc";
  case NamespaceType::Uts: return "uts";
  case NamespaceType::User: return "user";
  case NamespaceType::Cgroup: return "cgroup";
  case NamespaceType::Time: return "time";
  }
  return "?";
}

} // namespace isobox::oci
