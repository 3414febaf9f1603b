// cgroup v1 controllers: each function writes one controller's files in one cgroup directory.
#pragma once

#include <string>
#include <vector>

#include "common/error.hpp"
#include "oci/spec/spec.hpp"

namespace isobox::oci::cgroup::v1 {

/// memory.limit_in_bytes, memory.memsw.limit_in_bytes (OCI swap = memory+swap, as v1), in the
/// order the kernel accepts when lowering or raising; soft_limit (reservation), swappiness,
/// oom_control. Kernel memory limits are ignored (deprecated in the kernel, as runc does).
Result<> apply_memory(const std::string &dir, const LinuxMemory &memory);

/// cpu.shares, cpu.cfs_period_us / cpu.cfs_quota_us, cpu.rt_*, cpu.idle.
Result<> apply_cpu(const std::string &dir, const LinuxCpu &cpu);

/// cpuset.cpus / cpuset.mems.
Result<> apply_cpuset(const std::string &dir, const LinuxCpu &cpu);

/// A new v1 cpuset cgroup starts with empty cpus/mems and refuses tasks: copy the parent's.
Result<> init_cpuset(const std::string &dir);

/// pids.max ("max" for a limit <= 0; runtime-spec: 0 means unset, -1 unlimited).
Result<> apply_pids(const std::string &dir, const LinuxPids &pids);

/// blkio.weight (or blkio.bfq.weight when only BFQ is there), weight_device, throttle.*.
Result<> apply_blkio(const std::string &dir, const LinuxBlockIO &blkio);

/// devices.deny "a" then the config's rules in order, then the devices every container needs
/// (null, zero, full, random, urandom, tty, console, ptmx, pts, mknod of anything).
Result<> apply_devices(const std::string &dir, const std::vector<LinuxDeviceCgroup> &rules);

/// hugetlb.<size>.limit_in_bytes.
Result<> apply_hugetlb(const std::string &dir, const std::vector<LinuxHugepageLimit> &limits);

/// freezer.state FROZEN/THAWED, waiting until the kernel reports the state reached.
Result<> set_frozen(const std::string &dir, bool frozen);

/// linux.resources.network: net_cls.classid and net_prio.ifpriomap lines.
Result<> apply_net_cls(const std::string &dir, const LinuxNetwork &network);
Result<> apply_net_prio(const std::string &dir, const LinuxNetwork &network);

/// "c 1:3 rwm" for devices.allow/deny.
std::string device_rule_text(const LinuxDeviceCgroup &rule);

/// The rules runc appends after the config's device rules (libcontainer AllowedDevices).
const std::vector<LinuxDeviceCgroup> &default_allowed_devices();

} // namespace isobox::oci::cgroup::v1
