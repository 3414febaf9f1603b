// cgroup v1 controller writers (kernel Documentation/admin-guide/cgroup-v1/*).
#include "oci/cgroup/cgroup_v1.hpp"

#include <cerrno>
#include <charconv>
#include <chrono>
#include <thread>

#include <fmt/format.h>

#include "common/log.hpp"
#include "oci/cgroup/cgroup_fs.hpp"

namespace isobox::oci::cgroup::v1 {
namespace {

Result<> write_num(const std::string &dir, std::string_view file, int64_t value) {
  return write_file(dir, file, fmt::format("{}", value));
}

Result<uint64_t> read_u64(const std::string &dir, std::string_view file) {
  const std::string text = ISOBOX_TRY(read_file(dir, file));
  uint64_t value = 0;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc())
    return make_error("{}/{}: not a number: {:?}", dir, file, text);
  return value;
}

} // namespace

Result<> apply_memory(const std::string &dir, const LinuxMemory &memory) {
  const int64_t limit = memory.limit.value_or(0);
  int64_t swap = memory.swap.value_or(0);
  const bool has_memsw = file_exists(dir, "memory.memsw.limit_in_bytes");
  // runc: an unlimited memory limit without an explicit swap also lifts memory+swap.
  if (limit == -1 && swap == 0 && has_memsw)
    swap = -1;
  if (swap != 0 && !has_memsw) {
    log::warn("memory swap limit ignored: swap accounting is off (no memory.memsw.*)");
    swap = 0;
  }
  auto set_mem = [&]() -> Result<> {
    return limit != 0 ? write_num(dir, "memory.limit_in_bytes", limit) : Result<>{};
  };
  auto set_swap = [&]() -> Result<> {
    return swap != 0 ? write_num(dir, "memory.memsw.limit_in_bytes", swap) : Result<>{};
  };
  // The kernel keeps limit <= memsw at every step, so raising memsw must come first.
  bool swap_first = false;
  if (limit != 0 && swap != 0) {
    const uint64_t current = ISOBOX_TRY(read_u64(dir, "memory.limit_in_bytes"));
    swap_first = swap == -1 || current < static_cast<uint64_t>(swap);
  }
  if (swap_first)
    ISOBOX_CHECK(set_swap());
  ISOBOX_CHECK(set_mem());
  if (!swap_first)
    ISOBOX_CHECK(set_swap());
  if (memory.reservation && *memory.reservation != 0)
    ISOBOX_CHECK(write_num(dir, "memory.soft_limit_in_bytes", *memory.reservation));
  if (memory.swappiness && *memory.swappiness <= 100)
    ISOBOX_CHECK(write_num(dir, "memory.swappiness", static_cast<int64_t>(*memory.swappiness)));
  if (memory.disable_oom_killer.value_or(false))
    ISOBOX_CHECK(write_file(dir, "memory.oom_control", "1"));
  if (memory.kernel_tcp && *memory.kernel_tcp != 0)
    ISOBOX_CHECK(write_num(dir, "memory.kmem.tcp.limit_in_bytes", *memory.kernel_tcp));
  if (memory.kernel)
    log::debug("memory.kernel is ignored (kernel memory limits are deprecated by the kernel)");
  return {};
}

Result<> apply_cpu(const std::string &dir, const LinuxCpu &cpu) {
  if (cpu.shares && *cpu.shares != 0)
    ISOBOX_CHECK(write_num(dir, "cpu.shares", static_cast<int64_t>(*cpu.shares)));
  const uint64_t period = cpu.period.value_or(0);
  const int64_t quota = cpu.quota.value_or(0);
  if (period != 0) {
    // A new period can be refused while the old quota/period ratio would be violated; runc
    // then writes quota first. Do the same.
    auto r = write_num(dir, "cpu.cfs_period_us", static_cast<int64_t>(period));
    if (!r && r.error().errno_value == EINVAL && quota != 0) {
      ISOBOX_CHECK(write_num(dir, "cpu.cfs_quota_us", quota));
      ISOBOX_CHECK(write_num(dir, "cpu.cfs_period_us", static_cast<int64_t>(period)));
    } else if (!r) {
      return std::unexpected(r.error());
    }
  }
  if (quota != 0)
    ISOBOX_CHECK(write_num(dir, "cpu.cfs_quota_us", quota));
  if (cpu.realtime_period && *cpu.realtime_period != 0)
    ISOBOX_CHECK(write_num(dir, "cpu.rt_period_us", static_cast<int64_t>(*cpu.realtime_period)));
  if (cpu.realtime_runtime && *cpu.realtime_runtime != 0)
    ISOBOX_CHECK(write_num(dir, "cpu.rt_runtime_us", *cpu.realtime_runtime));
  if (cpu.idle)
    ISOBOX_CHECK(write_num(dir, "cpu.idle", *cpu.idle));
  return {};
}

Result<> apply_cpuset(const std::string &dir, const LinuxCpu &cpu) {
  if (!cpu.cpus.empty())
    ISOBOX_CHECK(write_file(dir, "cpuset.cpus", cpu.cpus));
  if (!cpu.mems.empty())
    ISOBOX_CHECK(write_file(dir, "cpuset.mems", cpu.mems));
  return {};
}

Result<> init_cpuset(const std::string &dir) {
  const std::string parent = dir.substr(0, dir.rfind('/'));
  for (std::string_view file : {"cpuset.cpus", "cpuset.mems"}) {
    if (!file_exists(dir, file))
      continue; // not a cpuset hierarchy (or a fake one)
    const std::string current = ISOBOX_TRY(read_file(dir, file));
    if (!current.empty())
      continue;
    const std::string inherited = ISOBOX_TRY(read_file(parent, file));
    ISOBOX_CHECK(write_file(dir, file, inherited));
  }
  return {};
}

Result<> apply_pids(const std::string &dir, const LinuxPids &pids) {
  if (pids.limit == 0)
    return {};
  return write_file(dir, "pids.max", pids.limit > 0 ? fmt::format("{}", pids.limit) : "max");
}

namespace {

Result<> write_throttle(const std::string &dir, std::string_view file,
                        const std::vector<LinuxThrottleDevice> &devices) {
  for (const auto &dev : devices)
    ISOBOX_CHECK(write_file(dir, file, fmt::format("{}:{} {}", dev.major, dev.minor, dev.rate)));
  return {};
}

} // namespace

Result<> apply_blkio(const std::string &dir, const LinuxBlockIO &blkio) {
  // Kernels with only the BFQ scheduler expose blkio.bfq.* instead of blkio.weight (this host).
  const bool bfq = !file_exists(dir, "blkio.weight") && file_exists(dir, "blkio.bfq.weight");
  const std::string_view weight_file = bfq ? "blkio.bfq.weight" : "blkio.weight";
  const std::string_view device_file = bfq ? "blkio.bfq.weight_device" : "blkio.weight_device";
  if (blkio.weight && *blkio.weight != 0)
    ISOBOX_CHECK(write_num(dir, weight_file, *blkio.weight));
  if (blkio.leaf_weight && *blkio.leaf_weight != 0)
    ISOBOX_CHECK(write_num(dir, "blkio.leaf_weight", *blkio.leaf_weight));
  for (const auto &dev : blkio.weight_device) {
    if (dev.weight)
      ISOBOX_CHECK(
          write_file(dir, device_file, fmt::format("{}:{} {}", dev.major, dev.minor, *dev.weight)));
    if (dev.leaf_weight)
      ISOBOX_CHECK(write_file(dir, "blkio.leaf_weight_device",
                              fmt::format("{}:{} {}", dev.major, dev.minor, *dev.leaf_weight)));
  }
  ISOBOX_CHECK(
      write_throttle(dir, "blkio.throttle.read_bps_device", blkio.throttle_read_bps_device));
  ISOBOX_CHECK(
      write_throttle(dir, "blkio.throttle.write_bps_device", blkio.throttle_write_bps_device));
  ISOBOX_CHECK(
      write_throttle(dir, "blkio.throttle.read_iops_device", blkio.throttle_read_iops_device));
  ISOBOX_CHECK(
      write_throttle(dir, "blkio.throttle.write_iops_device", blkio.throttle_write_iops_device));
  return {};
}

std::string device_rule_text(const LinuxDeviceCgroup &rule) {
  const std::string type = rule.type.empty() ? "a" : rule.type;
  if (type == "a")
    return "a"; // "a" stands for every device and every access
  const auto num = [](const std::optional<int64_t> &n) {
    return n && *n >= 0 ? fmt::format("{}", *n) : std::string("*");
  };
  return fmt::format("{} {}:{} {}", type, num(rule.major), num(rule.minor),
                     rule.access.empty() ? "rwm" : rule.access);
}

const std::vector<LinuxDeviceCgroup> &default_allowed_devices() {
  static const std::vector<LinuxDeviceCgroup> rules = {
      {true, "c", std::nullopt, std::nullopt, "m"}, // mknod of any char device
      {true, "b", std::nullopt, std::nullopt, "m"}, // mknod of any block device
      {true, "c", 1, 3, "rwm"},                     // /dev/null
      {true, "c", 1, 5, "rwm"},                     // /dev/zero
      {true, "c", 1, 7, "rwm"},                     // /dev/full
      {true, "c", 1, 8, "rwm"},                     // /dev/random
      {true, "c", 1, 9, "rwm"},                     // /dev/urandom
      {true, "c", 5, 0, "rwm"},                     // /dev/tty
      {true, "c", 5, 1, "rwm"},                     // /dev/console
      {true, "c", 5, 2, "rwm"},                     // /dev/ptmx
      {true, "c", 136, std::nullopt, "rwm"},        // /dev/pts/*
  };
  return rules;
}

Result<> apply_devices(const std::string &dir, const std::vector<LinuxDeviceCgroup> &rules) {
  // Start from deny-all, so the list is a whitelist whatever the parent allowed.
  ISOBOX_CHECK(write_file(dir, "devices.deny", "a"));
  for (const auto *list : {&rules, &default_allowed_devices()})
    for (const auto &rule : *list)
      ISOBOX_CHECK(
          write_file(dir, rule.allow ? "devices.allow" : "devices.deny", device_rule_text(rule)));
  return {};
}

Result<> apply_hugetlb(const std::string &dir, const std::vector<LinuxHugepageLimit> &limits) {
  for (const auto &l : limits)
    ISOBOX_CHECK(write_file(dir, fmt::format("hugetlb.{}.limit_in_bytes", l.page_size),
                            fmt::format("{}", l.limit)));
  return {};
}

Result<> apply_net_cls(const std::string &dir, const LinuxNetwork &network) {
  if (network.class_id)
    ISOBOX_CHECK(write_num(dir, "net_cls.classid", static_cast<int64_t>(*network.class_id)));
  return {};
}

Result<> apply_net_prio(const std::string &dir, const LinuxNetwork &network) {
  for (const auto &p : network.priorities)
    ISOBOX_CHECK(write_file(dir, "net_prio.ifpriomap", fmt::format("{} {}", p.name, p.priority)));
  return {};
}

Result<> set_frozen(const std::string &dir, bool frozen) {
  const std::string_view want = frozen ? "FROZEN" : "THAWED";
  // FREEZING is transient; re-writing the state nudges tasks that were mid-fork (as runc does).
  for (int attempt = 0; attempt < 1000; ++attempt) {
    ISOBOX_CHECK(write_file(dir, "freezer.state", want));
    const std::string state = ISOBOX_TRY(read_file(dir, "freezer.state"));
    if (state == want)
      return {};
    std::this_thread::sleep_for(std::chrono::milliseconds(attempt < 10 ? 1 : 10));
  }
  return make_error("{}: freezer did not reach {}", dir, want);
}

} // namespace isobox::oci::cgroup::v1
