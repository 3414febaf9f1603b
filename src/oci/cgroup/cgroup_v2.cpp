// cgroup v2 writers (kernel Documentation/admin-guide/cgroup-v2.rst).
#include "oci/cgroup/cgroup_v2.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <thread>

#include <fmt/format.h>

#include "oci/cgroup/cgroup_fs.hpp"

namespace isobox::oci::cgroup::v2 {

uint64_t shares_to_weight(uint64_t shares) {
  if (shares == 0)
    return 0;
  shares = std::clamp<uint64_t>(shares, 2, 262144);
  return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t blkio_weight_to_io_weight(uint64_t weight) {
  if (weight == 0)
    return 0;
  weight = std::clamp<uint64_t>(weight, 10, 1000);
  return 1 + (weight - 10) * 9999 / 990;
}

Result<int64_t> swap_to_swap_max(int64_t swap, int64_t limit) {
  if (swap == 0 || swap == -1)
    return swap;
  if (limit == 0 || limit == -1)
    return make_error("memory.swap {} needs a memory.limit", swap);
  if (swap < limit)
    return make_error("memory.swap {} (memory+swap) is below memory.limit {}", swap, limit);
  return swap - limit;
}

Result<> enable_controllers(const std::string &root, const std::string &path) {
  std::string dir = root;
  std::string_view rest = path;
  for (;;) {
    while (rest.starts_with('/'))
      rest.remove_prefix(1);
    if (rest.empty())
      return {}; // dir is the leaf
    const std::string available = ISOBOX_TRY(read_file(dir, "cgroup.controllers"));
    std::string request;
    for (size_t start = 0; start < available.size();) {
      size_t end = available.find(' ', start);
      if (end == std::string::npos)
        end = available.size();
      if (end > start)
        request +=
            fmt::format("{}+{}", request.empty() ? "" : " ", available.substr(start, end - start));
      start = end + 1;
    }
    if (!request.empty())
      ISOBOX_CHECK(write_file(dir, "cgroup.subtree_control", request));
    const size_t slash = rest.find('/');
    dir = join_path(dir, rest.substr(0, slash));
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
  }
}

namespace {

std::string max_or(int64_t value) { return value < 0 ? "max" : fmt::format("{}", value); }

Result<> apply_memory(const std::string &dir, const LinuxMemory &memory) {
  const int64_t limit = memory.limit.value_or(0);
  const int64_t swap_max = ISOBOX_TRY(swap_to_swap_max(memory.swap.value_or(0), limit));
  if (swap_max != 0) {
    auto r = write_file(dir, "memory.swap.max", max_or(swap_max));
    // No swap accounting: "max" is what we would get anyway (runc ignores it too).
    if (!r && !(r.error().errno_value == ENOENT && swap_max == -1))
      return r;
  }
  if (limit != 0)
    ISOBOX_CHECK(write_file(dir, "memory.max", max_or(limit)));
  if (memory.reservation && *memory.reservation != 0)
    ISOBOX_CHECK(write_file(dir, "memory.low", max_or(*memory.reservation)));
  if (memory.disable_oom_killer.value_or(false))
    return make_error("linux.resources.memory.disableOOMKiller is not supported on cgroup v2");
  if (memory.kernel_tcp && *memory.kernel_tcp != 0)
    return make_error("linux.resources.memory.kernelTCP is not supported on cgroup v2");
  return {};
}

Result<> apply_cpu(const std::string &dir, const LinuxCpu &cpu) {
  if (const uint64_t weight = shares_to_weight(cpu.shares.value_or(0)); weight != 0)
    ISOBOX_CHECK(write_file(dir, "cpu.weight", fmt::format("{}", weight)));
  const int64_t quota = cpu.quota.value_or(0);
  const uint64_t period = cpu.period.value_or(0);
  if (quota != 0 || period != 0)
    ISOBOX_CHECK(write_file(dir, "cpu.max",
                            fmt::format("{} {}", quota > 0 ? fmt::format("{}", quota) : "max",
                                        period != 0 ? period : 100000)));
  if (cpu.idle)
    ISOBOX_CHECK(write_file(dir, "cpu.idle", fmt::format("{}", *cpu.idle)));
  if (cpu.realtime_runtime || cpu.realtime_period)
    return make_error("realtime cpu limits are not supported on cgroup v2");
  if (!cpu.cpus.empty())
    ISOBOX_CHECK(write_file(dir, "cpuset.cpus", cpu.cpus));
  if (!cpu.mems.empty())
    ISOBOX_CHECK(write_file(dir, "cpuset.mems", cpu.mems));
  return {};
}

Result<> apply_io(const std::string &dir, const LinuxBlockIO &io) {
  // BFQ takes the v1 weight range unconverted; io.weight (the cost model) the v2 range.
  const bool bfq = file_exists(dir, "io.bfq.weight");
  auto weight_text = [&](uint64_t w) {
    return fmt::format("{}", bfq ? w : blkio_weight_to_io_weight(w));
  };
  const std::string_view file = bfq ? "io.bfq.weight" : "io.weight";
  if (io.weight && *io.weight != 0)
    ISOBOX_CHECK(write_file(dir, file, fmt::format("default {}", weight_text(*io.weight))));
  for (const auto &dev : io.weight_device)
    if (dev.weight)
      ISOBOX_CHECK(write_file(
          dir, file, fmt::format("{}:{} {}", dev.major, dev.minor, weight_text(*dev.weight))));
  const std::pair<const std::vector<LinuxThrottleDevice> *, std::string_view> limits[] = {
      {&io.throttle_read_bps_device, "rbps"},
      {&io.throttle_write_bps_device, "wbps"},
      {&io.throttle_read_iops_device, "riops"},
      {&io.throttle_write_iops_device, "wiops"}};
  for (const auto &[devices, key] : limits)
    for (const auto &dev : *devices)
      ISOBOX_CHECK(write_file(dir, "io.max",
                              fmt::format("{}:{} {}={}", dev.major, dev.minor, key,
                                          dev.rate == 0 ? "max" : fmt::format("{}", dev.rate))));
  return {};
}

} // namespace

Result<> apply_hugetlb(const std::string &dir, const std::vector<LinuxHugepageLimit> &limits) {
  for (const auto &l : limits)
    ISOBOX_CHECK(
        write_file(dir, fmt::format("hugetlb.{}.max", l.page_size), fmt::format("{}", l.limit)));
  return {};
}

Result<> apply_unified(const std::string &dir, const std::map<std::string, std::string> &unified) {
  for (const auto &[key, value] : unified) {
    // A key names one file of this cgroup; never a path elsewhere.
    if (key.empty() || key.find('/') != std::string::npos || key.starts_with('.'))
      return make_error("linux.resources.unified: invalid key {:?}", key);
    ISOBOX_CHECK(write_file(dir, key, value));
  }
  return {};
}

Result<> apply_resources(const std::string &dir, const LinuxResources &resources) {
  if (resources.network && (resources.network->class_id || !resources.network->priorities.empty()))
    return make_error("linux.resources.network needs the cgroup v1 net_cls/net_prio controllers "
                      "(not on cgroup v2)");
  if (resources.memory)
    ISOBOX_CHECK(apply_memory(dir, *resources.memory));
  if (resources.cpu)
    ISOBOX_CHECK(apply_cpu(dir, *resources.cpu));
  if (resources.pids && resources.pids->limit != 0)
    ISOBOX_CHECK(write_file(dir, "pids.max", max_or(resources.pids->limit)));
  if (resources.block_io)
    ISOBOX_CHECK(apply_io(dir, *resources.block_io));
  ISOBOX_CHECK(apply_hugetlb(dir, resources.hugepage_limits));
  return apply_unified(dir, resources.unified);
}

Result<> set_frozen(const std::string &dir, bool frozen, std::chrono::milliseconds budget) {
  ISOBOX_CHECK(write_file(dir, "cgroup.freeze", frozen ? "1" : "0"));
  const std::string want = frozen ? "frozen 1" : "frozen 0";
  const auto deadline = std::chrono::steady_clock::now() + budget;
  for (int attempt = 0;; ++attempt) {
    const std::string events = ISOBOX_TRY(read_file(dir, "cgroup.events"));
    if (events.find(want) != std::string::npos)
      return {};
    if (std::chrono::steady_clock::now() >= deadline)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(attempt < 10 ? 1 : 10));
  }
  return make_error("{}: cgroup did not reach {:?}", dir, want);
}

} // namespace isobox::oci::cgroup::v2
