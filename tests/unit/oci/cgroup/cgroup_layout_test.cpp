// Layout detection from mountinfo, /proc/self/cgroup parsing and cgroupsPath resolution.
#include <gtest/gtest.h>

#include "oci/cgroup/cgroup_layout.hpp"
#include "oci/cgroup/cgroup_path.hpp"

namespace isobox::oci::cgroup {
namespace {

// This host's layout (hybrid: v1 controllers + cgroup2 at /sys/fs/cgroup/unified).
constexpr std::string_view kHybrid =
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer\n"
    "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

TEST(CgroupLayout, DetectsHybrid) {
  auto layout = parse_mountinfo(kHybrid);
  ASSERT_TRUE(layout) << layout.error().message;
  EXPECT_EQ(layout->mode, CgroupMode::Hybrid);
  EXPECT_EQ(layout->unified, "/sys/fs/cgroup/unified");
  EXPECT_EQ(layout->v1.at("memory"), "/sys/fs/cgroup/memory");
  EXPECT_EQ(layout->v1.at("cpuacct"), "/sys/fs/cgroup/cpuacct");
  EXPECT_EQ(layout->v1.count("name=systemd"), 0u); // named hierarchies are not managed
  EXPECT_EQ(layout->v1.size(), 4u);
}

TEST(CgroupLayout, DetectsPureV2AndOptionalFields) {
  // Optional fields ("shared:9") come before the "-" separator.
  auto layout = parse_mountinfo("30 24 0:26 / /sys/fs/cgroup rw,nosuid shared:9 - cgroup2 cgroup2 "
                                "rw,nsdelegate,memory_recursiveprot\n");
  ASSERT_TRUE(layout);
  EXPECT_EQ(layout->mode, CgroupMode::V2);
  EXPECT_EQ(layout->unified, "/sys/fs/cgroup");
  EXPECT_TRUE(layout->v1.empty());
}

TEST(CgroupLayout, DetectsV1WithCoMountedControllers) {
  auto layout =
      parse_mountinfo("32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup "
                      "rw,cpu,cpuacct\n"
                      "33 31 0:30 / /sys/fs/cgroup/my\\040dir rw - cgroup cgroup rw,pids\n");
  ASSERT_TRUE(layout);
  EXPECT_EQ(layout->mode, CgroupMode::V1);
  EXPECT_EQ(layout->v1.at("cpu"), "/sys/fs/cgroup/cpu,cpuacct");
  EXPECT_EQ(layout->v1.at("cpuacct"), "/sys/fs/cgroup/cpu,cpuacct");
  EXPECT_EQ(layout->v1.at("pids"), "/sys/fs/cgroup/my dir"); // \040 unescaped
}

TEST(CgroupLayout, NoCgroupMountIsAnError) {
  auto layout = parse_mountinfo("22 1 0:5 / /proc rw - proc proc rw\n");
  ASSERT_FALSE(layout);
  EXPECT_NE(layout.error().message.find("no cgroup"), std::string::npos);
}

TEST(CgroupLayout, DetectsThisHost) {
  auto layout = detect_layout();
  ASSERT_TRUE(layout) << layout.error().message;
  EXPECT_FALSE(layout->v1.empty() && layout->unified.empty());
}

TEST(CgroupLayout, ParsesProcSelfCgroup) {
  const auto map = parse_proc_cgroup("9:name=systemd:/\n4:memory:/process_api/5e\n"
                                     "1:cpu,cpuacct:/a\n0::/b\n");
  EXPECT_EQ(map.at("memory"), "/process_api/5e");
  EXPECT_EQ(map.at("cpu"), "/a");
  EXPECT_EQ(map.at("cpuacct"), "/a");
  EXPECT_EQ(map.at(""), "/b");
  EXPECT_EQ(map.at("name=systemd"), "/");
}

TEST(CgroupPath, DefaultIsIsoboxSlashId) {
  auto p = resolve_cgroup_path("", "c1", false);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->path, "/isobox/c1");
  EXPECT_FALSE(p->relative);
}

TEST(CgroupPath, AbsoluteIsCleanedAndCannotClimb) {
  EXPECT_EQ(resolve_cgroup_path("/k8s.io/abc", "x", false)->path, "/k8s.io/abc");
  EXPECT_EQ(resolve_cgroup_path("//a/./b/../../../c/", "x", false)->path, "/c");
  EXPECT_FALSE(resolve_cgroup_path("/../..", "x", false)); // would be the root cgroup
  EXPECT_FALSE(resolve_cgroup_path("/", "x", false));
}

TEST(CgroupPath, RelativeStaysRelative) {
  auto p = resolve_cgroup_path("a/b", "x", false);
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->relative);
  EXPECT_EQ(p->path, "a/b");
}

TEST(CgroupPath, SystemdFormMapsToScopePath) {
  auto p = resolve_cgroup_path("system.slice:containerd:abc", "abc", true);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->path, "/system.slice/containerd-abc.scope");
  auto k8s = resolve_cgroup_path("kubepods-burstable-pod12.slice:cri-containerd:f00", "f00", true);
  ASSERT_TRUE(k8s);
  EXPECT_EQ(k8s->path, "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod12.slice/"
                       "cri-containerd-f00.scope");
  // Empty slice defaults to system.slice; the form is recognised without --systemd-cgroup too.
  EXPECT_EQ(resolve_cgroup_path(":p:n", "n", false)->path, "/system.slice/p-n.scope");
  EXPECT_EQ(resolve_cgroup_path("", "c9", true)->path, "/system.slice/isobox-c9.scope");
}

TEST(CgroupPath, BadSystemdFormsAreRejected) {
  EXPECT_FALSE(resolve_cgroup_path("notaslice:p:n", "n", true));
  EXPECT_FALSE(resolve_cgroup_path("a--b.slice:p:n", "n", true));
  EXPECT_FALSE(resolve_cgroup_path("system.slice:p:../../x", "x", true));
  EXPECT_FALSE(resolve_cgroup_path("", "bad/id", false));
}

TEST(CgroupPath, ExpandSlice) {
  EXPECT_EQ(*expand_slice("-.slice"), "/");
  EXPECT_EQ(*expand_slice("a-b-c.slice"), "/a.slice/a-b.slice/a-b-c.slice");
  EXPECT_FALSE(expand_slice("-a.slice"));
  EXPECT_FALSE(expand_slice("a/b.slice"));
}

} // namespace
} // namespace isobox::oci::cgroup
