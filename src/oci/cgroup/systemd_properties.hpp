// The systemd unit properties of a container scope (StartTransientUnit / SetUnitProperties).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "oci/spec/spec.hpp"

namespace isobox::oci::cgroup::systemd {

/// One D-Bus (sv) pair: a bool "b", a uint64 "t", a string "s" or a uint32 array "au".
struct Property {
  std::string name;
  std::variant<bool, uint64_t, std::string, std::vector<uint32_t>> value;
  bool operator==(const Property &) const = default;
};

/// What names and places the scope: unit "<prefix>-<name>.scope", its slice, the init pid.
struct ScopeSpec {
  std::string unit;
  std::string slice;
  std::string description;
  pid_t pid = 0;
};

/// The limits as systemd properties, mapped as runc does: cgroup v1 MemoryLimit, CPUShares,
/// BlockIOWeight; v2 MemoryMax, MemoryLow, MemorySwapMax, CPUWeight, IOWeight; both TasksMax,
/// CPUQuotaPerSecUSec (rounded up to 10ms per second) and CPUQuotaPeriodUSec. Unset values and
/// limits systemd has no property for (cpuset, realtime, throttles) are left to cgroupfs.
std::vector<Property> resource_properties(const LinuxResources &resources, bool v2);

/// Every property of the transient scope: Description, Slice, PIDs, Delegate, the accounting
/// switches, DefaultDependencies=false, then resource_properties().
std::vector<Property> scope_properties(const ScopeSpec &scope, const LinuxResources &resources,
                                       bool v2);

} // namespace isobox::oci::cgroup::systemd
