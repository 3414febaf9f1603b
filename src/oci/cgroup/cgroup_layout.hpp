// Which cgroup hierarchies are mounted where: v1, hybrid (v1 + cgroup2 "unified") or pure v2.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/error.hpp"

namespace isobox::oci::cgroup {

/// The three layouts Linux distributions ship (see docs/cgroups.md).
enum class CgroupMode { V1, Hybrid, V2 };

std::string_view to_string(CgroupMode mode);

/// Mount points of the hierarchies that matter to a container runtime.
struct CgroupLayout {
  CgroupMode mode = CgroupMode::V2;
  /// v1 controller name ("memory", "cpu", ...) -> mount point. Co-mounted controllers
  /// ("cpu,cpuacct") share one mount point. Named hierarchies (name=systemd) are left out.
  std::map<std::string, std::string> v1;
  /// cgroup2 mount point: /sys/fs/cgroup on v2, /sys/fs/cgroup/unified on hybrid, "" on v1.
  std::string unified;

  /// A layout rooted at a test directory: `<root>/<ctrl>` per v1 controller and `<root>` (v2)
  /// or `<root>/unified` (hybrid) for cgroup2. The directories are not created.
  static CgroupLayout under(const std::string &root, CgroupMode mode);
};

/// Detects the layout from the text of /proc/self/mountinfo (proc(5)): fstype "cgroup" mounts
/// give v1 controllers from their super options, fstype "cgroup2" the unified mount.
Result<CgroupLayout> parse_mountinfo(std::string_view mountinfo);

/// parse_mountinfo(/proc/self/mountinfo).
Result<CgroupLayout> detect_layout();

/// Parses /proc/<pid>/cgroup ("ID:controllers:path" lines) into controller -> path; the v2
/// line ("0::/path") is stored under the key "".
std::map<std::string, std::string> parse_proc_cgroup(std::string_view text);

/// The v1 controllers isobox manages (in the order it creates and joins them).
inline constexpr std::string_view kV1Controllers[] = {
    "cpuset", "cpu",     "cpuacct", "memory",   "devices",    "freezer", "blkio",
    "pids",   "hugetlb", "net_cls", "net_prio", "perf_event", "rdma",    "misc"};

} // namespace isobox::oci::cgroup
