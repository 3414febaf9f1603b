// The default config.json written by `isobox spec`, matching `runc spec` (runc 1.1) field by field.
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "oci/spec/parse.hpp"

namespace isobox::oci {
namespace {

using json = nlohmann::ordered_json;

json default_process() {
  json caps = json::array({"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"});
  return {
      {"terminal", true},
      {"user", {{"uid", 0}, {"gid", 0}}},
      {"args", json::array({"sh"})},
      {"env", json::array({"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                           "TERM=xterm"})},
      {"cwd", "/"},
      {"capabilities",
       {{"bounding", caps}, {"effective", caps}, {"permitted", caps}, {"ambient", caps}}},
      {"rlimits", json::array({{{"type", "RLIMIT_NOFILE"}, {"hard", 1024}, {"soft", 1024}}})},
      {"noNewPrivileges", true},
  };
}

json mount(const char *dest, const char *type, const char *source, json options) {
  json m = {{"destination", dest}, {"type", type}, {"source", source}};
  if (!options.empty())
    m["options"] = std::move(options);
  return m;
}

json default_mounts(bool rootless) {
  json devpts_opts = json::array({"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"});
  if (!rootless)
    devpts_opts.push_back("gid=5"); // a rootless container has no mapped group 5
  json mounts = json::array({
      mount("/proc", "proc", "proc", json::array()),
      mount("/dev", "tmpfs", "tmpfs",
            json::array({"nosuid", "strictatime", "mode=755", "size=65536k"})),
      mount("/dev/pts", "devpts", "devpts", devpts_opts),
      mount("/dev/shm", "tmpfs", "shm",
            json::array({"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"})),
      mount("/dev/mqueue", "mqueue", "mqueue", json::array({"nosuid", "noexec", "nodev"})),
  });
  if (rootless) {
    // sysfs cannot be mounted without owning the network namespace: bind the host's read-only.
    mounts.push_back(
        mount("/sys", "none", "/sys", json::array({"rbind", "nosuid", "noexec", "nodev", "ro"})));
  } else {
    mounts.push_back(
        mount("/sys", "sysfs", "sysfs", json::array({"nosuid", "noexec", "nodev", "ro"})));
    mounts.push_back(mount("/sys/fs/cgroup", "cgroup", "cgroup",
                           json::array({"nosuid", "noexec", "nodev", "relatime", "ro"})));
  }
  return mounts;
}

json default_linux(bool rootless) {
  json l;
  if (!rootless)
    l["resources"] = {{"devices", json::array({{{"allow", false}, {"access", "rwm"}}})}};
  l["namespaces"] = rootless ? json::array({{{"type", "pid"}},
                                            {{"type", "ipc"}},
                                            {{"type", "uts"}},
                                            {{"type", "mount"}},
                                            {{"type", "user"}}})
                             : json::array({{{"type", "pid"}},
                                            {{"type", "network"}},
                                            {{"type", "ipc"}},
                                            {{"type", "uts"}},
                                            {{"type", "mount"}}});
  if (rootless) {
    l["uidMappings"] = json::array({{{"containerID", 0}, {"hostID", ::getuid()}, {"size", 1}}});
    l["gidMappings"] = json::array({{{"containerID", 0}, {"hostID", ::getgid()}, {"size", 1}}});
  }
  l["maskedPaths"] = json::array({"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
                                  "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
                                  "/proc/sched_debug", "/sys/firmware", "/proc/scsi"});
  l["readonlyPaths"] =
      json::array({"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"});
  return l;
}

} // namespace

json default_spec_json(bool rootless) {
  json spec = json::object();
  spec["ociVersion"] = "1.0.2-dev";
  spec["process"] = default_process();
  spec["root"] = {{"path", "rootfs"}, {"readonly", true}};
  spec["hostname"] = "isobox";
  spec["mounts"] = default_mounts(rootless);
  spec["linux"] = default_linux(rootless);
  return spec;
}

} // namespace isobox::oci
