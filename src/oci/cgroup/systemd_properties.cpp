// runc's mapping of linux.resources to systemd unit properties (systemd.resource-control(5)).
#include "oci/cgroup/systemd_properties.hpp"

#include <limits>

#include "oci/cgroup/cgroup_v2.hpp"

namespace isobox::oci::cgroup::systemd {
namespace {

constexpr uint64_t kInfinity = std::numeric_limits<uint64_t>::max(); // USEC/CGROUP_LIMIT_MAX
constexpr uint64_t kDefaultPeriod = 100000;

uint64_t limit_value(int64_t value) { return value < 0 ? kInfinity : static_cast<uint64_t>(value); }

// CPUQuotaPerSecUSec: quota per second of CPU, rounded up to whole percents (10ms) because
// systemd stores a percentage; "infinity" for no quota.
void add_cpu_quota(std::vector<Property> &out, const LinuxCpu &cpu) {
  const int64_t quota = cpu.quota.value_or(0);
  const uint64_t period = cpu.period.value_or(0);
  if (period != 0)
    out.push_back({"CPUQuotaPeriodUSec", period});
  if (quota == 0 && period == 0)
    return;
  uint64_t per_sec = kInfinity;
  if (quota > 0) {
    per_sec = static_cast<uint64_t>(quota) * 1000000 / (period != 0 ? period : kDefaultPeriod);
    if (per_sec % 10000 != 0)
      per_sec = (per_sec / 10000 + 1) * 10000;
  }
  out.push_back({"CPUQuotaPerSecUSec", per_sec});
}

void add_memory(std::vector<Property> &out, const LinuxMemory &m, bool v2) {
  const int64_t limit = m.limit.value_or(0);
  if (!v2) {
    if (limit != 0)
      out.push_back({"MemoryLimit", limit_value(limit)});
    return;
  }
  if (limit != 0)
    out.push_back({"MemoryMax", limit_value(limit)});
  if (m.reservation.value_or(0) != 0)
    out.push_back({"MemoryLow", limit_value(*m.reservation)});
  // memory.swap.max is swap alone; a bad swap/limit pair is reported by the cgroupfs write.
  if (auto swap = v2::swap_to_swap_max(m.swap.value_or(0), limit); swap && *swap != 0)
    out.push_back({"MemorySwapMax", limit_value(*swap)});
}

} // namespace

std::vector<Property> resource_properties(const LinuxResources &r, bool v2) {
  std::vector<Property> out;
  if (r.memory)
    add_memory(out, *r.memory, v2);
  if (r.cpu && r.cpu->shares.value_or(0) != 0) {
    if (v2)
      out.push_back({"CPUWeight", v2::shares_to_weight(*r.cpu->shares)});
    else
      out.push_back({"CPUShares", *r.cpu->shares});
  }
  if (r.cpu)
    add_cpu_quota(out, *r.cpu);
  if (r.block_io && r.block_io->weight.value_or(0) != 0) {
    if (v2)
      out.push_back({"IOWeight", v2::blkio_weight_to_io_weight(*r.block_io->weight)});
    else
      out.push_back({"BlockIOWeight", uint64_t{*r.block_io->weight}});
  }
  if (r.pids && (r.pids->limit > 0 || r.pids->limit == -1))
    out.push_back({"TasksMax", limit_value(r.pids->limit)});
  return out;
}

std::vector<Property> scope_properties(const ScopeSpec &scope, const LinuxResources &r, bool v2) {
  std::vector<Property> out = {
      {"Description", scope.description},
      {"Slice", scope.slice},
      {"PIDs", std::vector<uint32_t>{static_cast<uint32_t>(scope.pid)}},
      {"Delegate", true},
      {"MemoryAccounting", true},
      {"CPUAccounting", true},
      {v2 ? "IOAccounting" : "BlockIOAccounting", true},
      {"TasksAccounting", true},
      {"DefaultDependencies", false},
  };
  for (auto &p : resource_properties(r, v2))
    out.push_back(std::move(p));
  return out;
}

} // namespace isobox::oci::cgroup::systemd
