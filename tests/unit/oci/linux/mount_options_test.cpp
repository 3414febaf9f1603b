// Mount option strings -> mount(2) flags, propagation and data.
#include "oci/linux/mount_options.hpp"

#include <sys/mount.h>

#include <gtest/gtest.h>

namespace isobox::oci {
namespace {

TEST(MountOptions, FlagsPropagationAndData) {
  auto o = parse_mount_options(
      {"nosuid", "noexec", "nodev", "ro", "rprivate", "mode=755", "size=65536k"});
  EXPECT_EQ(o.flags, static_cast<unsigned long>(MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY));
  EXPECT_EQ(o.propagation, static_cast<unsigned long>(MS_PRIVATE | MS_REC));
  EXPECT_EQ(o.data, "mode=755,size=65536k");
  EXPECT_FALSE(o.is_bind());
}

TEST(MountOptions, LaterOptionWins) {
  auto o = parse_mount_options({"ro", "rw", "nosuid", "suid"});
  EXPECT_EQ(o.flags & (MS_RDONLY | MS_NOSUID), 0u);
  EXPECT_EQ(o.clear_flags, static_cast<unsigned long>(MS_RDONLY | MS_NOSUID));
}

TEST(MountOptions, BindAndRbind) {
  EXPECT_EQ(parse_mount_options({"bind"}).flags, static_cast<unsigned long>(MS_BIND));
  auto r = parse_mount_options({"rbind", "ro"});
  EXPECT_TRUE(r.is_bind());
  EXPECT_EQ(r.flags, static_cast<unsigned long>(MS_BIND | MS_REC | MS_RDONLY));
}

TEST(MountOptions, RootfsPropagation) {
  EXPECT_EQ(rootfs_propagation_flags(""), static_cast<unsigned long>(MS_SLAVE | MS_REC));
  EXPECT_EQ(rootfs_propagation_flags("shared"), static_cast<unsigned long>(MS_SHARED));
  EXPECT_EQ(rootfs_propagation_flags("bogus"), 0u);
}

} // namespace
} // namespace isobox::oci
