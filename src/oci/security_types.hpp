// Provisional OCI config-linux types used by cgroup/seccomp/caps until src/oci/spec/ lands.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace isobox::oci {

struct LinuxDeviceCgroup {
  bool allow = false;
  std::string type;
  std::optional<int64_t> major;
  std::optional<int64_t> minor;
  std::string access;
};

struct LinuxMemory {
  std::optional<int64_t> limit;
  std::optional<int64_t> reservation;
  std::optional<int64_t> swap;
  std::optional<int64_t> kernel;
  std::optional<int64_t> kernel_tcp;
  std::optional<uint64_t> swappiness;
  std::optional<bool> disable_oom_killer;
};

struct LinuxCpu {
  std::optional<uint64_t> shares;
  std::optional<int64_t> quota;
  std::optional<uint64_t> period;
  std::optional<int64_t> realtime_runtime;
  std::optional<uint64_t> realtime_period;
  std::string cpus;
  std::string mems;
  std::optional<int64_t> idle;
};

struct LinuxPids {
  int64_t limit = 0;
};

struct LinuxWeightDevice {
  int64_t major = 0;
  int64_t minor = 0;
  std::optional<uint16_t> weight;
  std::optional<uint16_t> leaf_weight;
};

struct LinuxThrottleDevice {
  int64_t major = 0;
  int64_t minor = 0;
  uint64_t rate = 0;
};

struct LinuxBlockIO {
  std::optional<uint16_t> weight;
  std::optional<uint16_t> leaf_weight;
  std::vector<LinuxWeightDevice> weight_device;
  std::vector<LinuxThrottleDevice> throttle_read_bps_device;
  std::vector<LinuxThrottleDevice> throttle_write_bps_device;
  std::vector<LinuxThrottleDevice> throttle_read_iops_device;
  std::vector<LinuxThrottleDevice> throttle_write_iops_device;
};

struct LinuxHugepageLimit {
  std::string page_size;
  uint64_t limit = 0;
};

struct LinuxResources {
  std::vector<LinuxDeviceCgroup> devices;
  std::optional<LinuxMemory> memory;
  std::optional<LinuxCpu> cpu;
  std::optional<LinuxPids> pids;
  std::optional<LinuxBlockIO> block_io;
  std::vector<LinuxHugepageLimit> hugepage_limits;
  std::map<std::string, std::string> unified;
};

struct LinuxSeccompArg {
  unsigned index = 0;
  uint64_t value = 0;
  uint64_t value_two = 0;
  std::string op;
};

struct LinuxSyscall {
  std::vector<std::string> names;
  std::string action;
  std::optional<unsigned> errno_ret;
  std::vector<LinuxSeccompArg> args;
};

struct LinuxSeccomp {
  std::string default_action;
  std::optional<unsigned> default_errno_ret;
  std::vector<std::string> architectures;
  std::vector<std::string> flags;
  std::string listener_path;
  std::string listener_metadata;
  std::vector<LinuxSyscall> syscalls;
};

struct LinuxCapabilities {
  std::vector<std::string> bounding;
  std::vector<std::string> effective;
  std::vector<std::string> inheritable;
  std::vector<std::string> permitted;
  std::vector<std::string> ambient;
};

} // namespace isobox::oci
