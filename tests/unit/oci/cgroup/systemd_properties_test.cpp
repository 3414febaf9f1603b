// --systemd-cgroup without systemd: the unit properties runc's mapping gives, the unit name and
// slice from "slice:prefix:name", and a clear error when no bus answers.
#include <gtest/gtest.h>

#include <cstdlib>
#include <limits>

#include "oci/cgroup/cgroup_path.hpp"
#include "oci/cgroup/systemd_bus.hpp"
#include "oci/cgroup/systemd_properties.hpp"

namespace isobox::oci::cgroup::systemd {
namespace {

constexpr uint64_t kInfinity = std::numeric_limits<uint64_t>::max();

const Property *find(const std::vector<Property> &props, const std::string &name) {
  for (const auto &p : props)
    if (p.name == name)
      return &p;
  return nullptr;
}

LinuxResources sample() {
  LinuxResources r;
  r.memory = LinuxMemory{.limit = 64 << 20, .reservation = 32 << 20, .swap = 96 << 20};
  r.cpu = LinuxCpu{.shares = 1024, .quota = 33333, .period = 100000};
  r.pids = LinuxPids{.limit = 42};
  r.block_io = LinuxBlockIO{.weight = 500};
  return r;
}

TEST(SystemdProperties, ScopeCarriesSlicePidsAndDelegation) {
  const auto props = scope_properties({"isobox-c1.scope", "k.slice", "isobox container c1", 1234},
                                      LinuxResources{}, false);
  EXPECT_EQ(props.front(), (Property{"Description", std::string("isobox container c1")}));
  EXPECT_EQ(*find(props, "Slice"), (Property{"Slice", std::string("k.slice")}));
  EXPECT_EQ(*find(props, "PIDs"), (Property{"PIDs", std::vector<uint32_t>{1234}}));
  EXPECT_EQ(*find(props, "Delegate"), (Property{"Delegate", true}));
  EXPECT_EQ(*find(props, "DefaultDependencies"), (Property{"DefaultDependencies", false}));
  EXPECT_NE(find(props, "BlockIOAccounting"), nullptr);
  EXPECT_EQ(find(props, "MemoryLimit"), nullptr); // no limits, no limit properties
}

TEST(SystemdProperties, V1Limits) {
  const auto props = resource_properties(sample(), false);
  EXPECT_EQ(*find(props, "MemoryLimit"), (Property{"MemoryLimit", uint64_t{64 << 20}}));
  EXPECT_EQ(*find(props, "CPUShares"), (Property{"CPUShares", uint64_t{1024}}));
  EXPECT_EQ(*find(props, "BlockIOWeight"), (Property{"BlockIOWeight", uint64_t{500}}));
  EXPECT_EQ(*find(props, "TasksMax"), (Property{"TasksMax", uint64_t{42}}));
  EXPECT_EQ(*find(props, "CPUQuotaPeriodUSec"), (Property{"CPUQuotaPeriodUSec", uint64_t{100000}}));
  // 33333/100000 of a CPU = 333330 us per second, rounded up to whole percents.
  EXPECT_EQ(*find(props, "CPUQuotaPerSecUSec"), (Property{"CPUQuotaPerSecUSec", uint64_t{340000}}));
  EXPECT_EQ(find(props, "MemoryMax"), nullptr);
}

TEST(SystemdProperties, V2Limits) {
  const auto props = resource_properties(sample(), true);
  EXPECT_EQ(*find(props, "MemoryMax"), (Property{"MemoryMax", uint64_t{64 << 20}}));
  EXPECT_EQ(*find(props, "MemoryLow"), (Property{"MemoryLow", uint64_t{32 << 20}}));
  EXPECT_EQ(*find(props, "MemorySwapMax"), (Property{"MemorySwapMax", uint64_t{32 << 20}}));
  EXPECT_EQ(*find(props, "CPUWeight"), (Property{"CPUWeight", uint64_t{39}}));
  EXPECT_EQ(*find(props, "IOWeight"), (Property{"IOWeight", uint64_t{1 + 490 * 9999 / 990}}));
  EXPECT_EQ(find(props, "MemoryLimit"), nullptr);
}

TEST(SystemdProperties, UnlimitedIsInfinity) {
  LinuxResources r;
  r.memory = LinuxMemory{.limit = -1};
  r.cpu = LinuxCpu{.quota = -1};
  r.pids = LinuxPids{.limit = -1};
  const auto props = resource_properties(r, true);
  EXPECT_EQ(*find(props, "MemoryMax"), (Property{"MemoryMax", kInfinity}));
  EXPECT_EQ(*find(props, "CPUQuotaPerSecUSec"), (Property{"CPUQuotaPerSecUSec", kInfinity}));
  EXPECT_EQ(*find(props, "TasksMax"), (Property{"TasksMax", kInfinity}));
}

TEST(SystemdScope, UnitAndSliceFromCgroupsPath) {
  auto p = resolve_cgroup_path("kubepods-besteffort.slice:cri-containerd:abc", "abc", true);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->unit, "cri-containerd-abc.scope");
  EXPECT_EQ(p->slice, "kubepods-besteffort.slice");
  auto d = resolve_cgroup_path("", "c1", true);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->unit, "isobox-c1.scope");
  EXPECT_EQ(d->slice, "system.slice");
  EXPECT_TRUE(resolve_cgroup_path("/plain", "c1", false)->unit.empty());
}

TEST(SystemdBus, UnreachableBusIsOneClearError) {
  const char *old = std::getenv("DBUS_SYSTEM_BUS_ADDRESS");
  const std::string saved = old ? old : "";
  ::setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/isobox-test-bus", 1);
  auto bus = SystemdBus::connect();
  if (old)
    ::setenv("DBUS_SYSTEM_BUS_ADDRESS", saved.c_str(), 1);
  else
    ::unsetenv("DBUS_SYSTEM_BUS_ADDRESS");
  ASSERT_FALSE(bus);
  EXPECT_NE(bus.error().message.find("systemd is not reachable over D-Bus "
                                     "(unix:path=/nonexistent/isobox-test-bus)"),
            std::string::npos)
      << bus.error().message;
}

} // namespace
} // namespace isobox::oci::cgroup::systemd
