// Tests containing_mount: which mountinfo entry holds a path, and whether it is shared.
#include "oci/linux/mount_ns.hpp"

#include <gtest/gtest.h>

namespace isobox::oci {
namespace {

constexpr const char *kInfo = "27 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n"
                              "42 27 0:50 / /tmp rw - tmpfs tmpfs rw\n"
                              "43 42 0:51 / /tmp/a\\040b rw shared:7 master:2 - tmpfs t rw\n"
                              "44 42 0:52 / /tmp/ab rw - tmpfs t rw\n"
                              "45 42 0:53 / /tmp/ab rw shared:9 - tmpfs t rw\n";

TEST(ContainingMount, LongestPrefixOnPathBoundaries) {
  EXPECT_EQ(containing_mount(kInfo, "/usr/bin").mount_point, "/");
  EXPECT_TRUE(containing_mount(kInfo, "/usr/bin").shared);
  EXPECT_EQ(containing_mount(kInfo, "/tmp/abc/rootfs").mount_point, "/tmp");
  EXPECT_FALSE(containing_mount(kInfo, "/tmp/abc/rootfs").shared);
}

TEST(ContainingMount, UnescapesAndTakesTheTopmostOfStackedMounts) {
  auto m = containing_mount(kInfo, "/tmp/a b/rootfs");
  EXPECT_EQ(m.mount_point, "/tmp/a b");
  EXPECT_TRUE(m.shared);
  m = containing_mount(kInfo, "/tmp/ab");
  EXPECT_EQ(m.mount_point, "/tmp/ab");
  EXPECT_TRUE(m.shared);
}

} // namespace
} // namespace isobox::oci
