// with_configured_devices: linux.devices entries become allow rules after the config's rules.
#include <gtest/gtest.h>

#include "oci/cgroup/device_rules.hpp"

namespace isobox::oci::cgroup {
namespace {

LinuxDevice dev(const char *path, char type, int64_t major, int64_t minor) {
  LinuxDevice d;
  d.path = path;
  d.type = type;
  d.major = major;
  d.minor = minor;
  return d;
}

TEST(DeviceRules, ConfiguredDevicesAreAllowedAfterTheConfigRules) {
  const std::vector<LinuxDeviceCgroup> deny_all = {{false, "", std::nullopt, std::nullopt, "rwm"}};
  const auto rules = with_configured_devices(
      deny_all, {dev("/dev/full2", 'c', 1, 7), dev("/dev/loop9", 'b', 7, 9),
                 dev("/dev/ttyX", 'u', 4, 64), dev("/dev/fifo", 'p', 0, 0)});
  ASSERT_EQ(rules.size(), 4u);  // the FIFO gets no rule
  EXPECT_FALSE(rules[0].allow); // the config's own rule stays first
  const struct {
    const char *type;
    int64_t major, minor;
  } want[] = {{"c", 1, 7}, {"b", 7, 9}, {"c", 4, 64}};
  for (size_t i = 0; i < 3; ++i) {
    const auto &r = rules[i + 1];
    EXPECT_TRUE(r.allow) << i;
    EXPECT_EQ(r.type, want[i].type) << i;
    EXPECT_EQ(r.major, want[i].major) << i;
    EXPECT_EQ(r.minor, want[i].minor) << i;
    EXPECT_EQ(r.access, "rwm") << i;
  }
}

TEST(DeviceRules, NoDevicesLeavesRulesAlone) {
  const std::vector<LinuxDeviceCgroup> in = {{true, "c", 10, 200, "rw"}};
  const auto out = with_configured_devices(in, {});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].access, "rw");
}

} // namespace
} // namespace isobox::oci::cgroup
