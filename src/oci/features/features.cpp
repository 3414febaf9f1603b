// The runtime-spec features document (features.md, features-linux.md) for `isobox features`.
#include "oci/features/features.hpp"

#include <seccomp.h>

#include <nlohmann/json.hpp>

#include "oci/caps/caps.hpp"
#include "oci/cgroup/cgroup_layout.hpp"
#include "oci/seccomp/seccomp_filter.hpp"

namespace isobox::oci {
namespace {

using Json = nlohmann::ordered_json;

/// mounts[].options the runtime understands (src/oci/linux/mount_options.cpp: mount(8) flags
/// and propagation keywords; anything else is passed to the filesystem as data).
const char *const kMountOptions[] = {
    "async",      "atime",         "bind",    "defaults", "dev",         "diratime", "dirsync",
    "exec",       "mand",          "noatime", "nodev",    "nodiratime",  "noexec",   "nomand",
    "norelatime", "nostrictatime", "nosuid",  "private",  "rbind",       "relatime", "remount",
    "ro",         "rprivate",      "rshared", "rslave",   "runbindable", "rw",       "shared",
    "slave",      "strictatime",   "suid",    "sync",     "unbindable"};

Json seccomp_features() {
  const scmp_version *v = seccomp_version();
  return Json{{"enabled", true},
              {"actions", seccomp::known_actions()},
              {"operators", seccomp::known_operators()},
              {"archs", seccomp::known_archs()},
              {"knownFlags", seccomp::known_flags()},
              {"supportedFlags", seccomp::supported_flags()},
              {"libseccompVersion", fmt::format("{}.{}.{}", v->major, v->minor, v->micro)}};
}

Json linux_features() {
  return Json{
      {"namespaces", {"cgroup", "ipc", "mount", "network", "pid", "user", "uts"}},
      {"capabilities", known_capabilities()},
      // systemd: --systemd-cgroup asks systemd for a transient scope (docs/cgroups.md).
      {"cgroup",
       {{"v1", true}, {"v2", true}, {"systemd", true}, {"systemdUser", false}, {"rdma", false}}},
      {"seccomp", seccomp_features()},
      {"apparmor", {{"enabled", false}}},
      {"selinux", {{"enabled", false}}},
      {"intelRdt", {{"enabled", false}}},
      {"mountExtensions", {{"idmap", {{"enabled", false}}}}}};
}

Json annotations() {
  const scmp_version *v = seccomp_version();
  Json out{{"io.github.seccomp.libseccomp.version",
            fmt::format("{}.{}.{}", v->major, v->minor, v->micro)}};
  if (auto layout = cgroup::detect_layout())
    out["io.github.isobox.cgroup.layout"] = std::string(cgroup::to_string(layout->mode));
  return out;
}

} // namespace

std::string features_json() {
  Json doc{
      {"ociVersionMin", "1.0.0"},
      {"ociVersionMax", "1.1.0"},
      {"hooks",
       {"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"}},
      {"mountOptions", kMountOptions},
      {"linux", linux_features()},
      {"annotations", annotations()}};
  return doc.dump(2) + "\n";
}

} // namespace isobox::oci
