// cgroup v1 and hybrid managers on a fake hierarchy of plain files: which files get what.
#include <gtest/gtest.h>

#include <filesystem>

#include "cgroup_fake.hpp"
#include "oci/cgroup/cgroup_v1.hpp"
#include "oci/cgroup/fs_cgroup_manager.hpp"

namespace isobox::oci::cgroup {
namespace {

using testing::put;
using testing::slurp;
using testing::TempDir;
using testing::touch_all;

class CgroupV1Test : public ::testing::Test {
protected:
  void SetUp() override {
    layout = CgroupLayout::under(tmp.path(), CgroupMode::Hybrid);
    layout.v1.erase("hugetlb"); // as on this host: hugetlb is a cgroup2 controller
    for (const auto &[ctrl, mount] : layout.v1)
      std::filesystem::create_directories(mount);
    put(layout.unified, "cgroup.controllers", "hugetlb\n");
    put(layout.unified, "cgroup.subtree_control");
    put(layout.v1.at("cpuset"), "cpuset.cpus", "0-3\n");
    put(layout.v1.at("cpuset"), "cpuset.mems", "0\n");
    auto m = make_fs_cgroup_manager(layout, CgroupConfig{"c1", "", false});
    ASSERT_TRUE(m) << m.error().message;
    manager = std::move(*m);
  }
  std::string dir(const std::string &key) const { return manager->paths().at(key); }
  std::string file(const std::string &key, const std::string &name) const {
    return slurp(dir(key) + "/" + name);
  }
  /// The control files the kernel would show in the new cgroups (create() reuses directories).
  void populate() {
    for (const auto &[key, path] : manager->paths())
      put(path, "cgroup.procs");
    touch_all(dir("memory"), {"memory.memsw.limit_in_bytes", "memory.soft_limit_in_bytes",
                              "memory.swappiness", "memory.oom_control", "cgroup.procs"});
    put(dir("memory"), "memory.limit_in_bytes", "9223372036854771712\n");
    touch_all(dir("cpu"), {"cpu.shares", "cpu.cfs_period_us", "cpu.cfs_quota_us", "cgroup.procs"});
    put(dir("cpuset"), "cpuset.cpus", "");
    put(dir("cpuset"), "cpuset.mems", "");
    touch_all(dir("pids"), {"pids.max", "cgroup.procs"});
    touch_all(dir("blkio"),
              {"blkio.bfq.weight", "blkio.bfq.weight_device", "blkio.throttle.read_bps_device",
               "blkio.throttle.write_iops_device", "cgroup.procs"});
    touch_all(dir("devices"), {"devices.allow", "devices.deny", "cgroup.procs"});
    put(dir("freezer"), "freezer.state", "THAWED\n");
    touch_all(dir(""), {"hugetlb.2MB.max", "cgroup.procs"});
  }

  TempDir tmp;
  CgroupLayout layout;
  std::unique_ptr<FsCgroupManager> manager;
};

TEST_F(CgroupV1Test, PathsCoverEveryHierarchy) {
  EXPECT_EQ(manager->mode(), CgroupMode::Hybrid);
  EXPECT_EQ(dir("memory"), tmp.path() + "/memory/isobox/c1");
  EXPECT_EQ(dir(""), tmp.path() + "/unified/isobox/c1");
  EXPECT_EQ(manager->paths().size(), layout.v1.size() + 1);
}

TEST_F(CgroupV1Test, CreateMakesDirsAndInheritsCpuset) {
  // create() always installs the device whitelist: without the devices files it must fail.
  auto failed = manager->create({});
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().message.find("devices.deny"), std::string::npos);
  touch_all(dir("devices"), {"devices.allow", "devices.deny"});
  ASSERT_TRUE(manager->create({}));
  for (const auto &[key, path] : manager->paths())
    EXPECT_TRUE(std::filesystem::is_directory(path)) << path;
  // Hybrid: the unified cgroup is only joined; no controller is enabled until one is needed.
  EXPECT_EQ(slurp(layout.unified + "/cgroup.subtree_control"), "");
  // cpuset: an empty cpus/mems in a new cgroup is copied from the parent (real cpusets only;
  // here the kernel files are simulated on the intermediate directory).
  const std::string mid = tmp.path() + "/cpuset/isobox";
  put(mid, "cpuset.cpus", "");
  put(mid, "cpuset.mems", "");
  ASSERT_TRUE(v1::init_cpuset(mid));
  EXPECT_EQ(slurp(mid + "/cpuset.cpus"), "0-3");
  EXPECT_EQ(slurp(mid + "/cpuset.mems"), "0");
}

TEST_F(CgroupV1Test, AppliesResources) {
  populate();
  ASSERT_TRUE(manager->create({}));
  LinuxResources r;
  r.memory = LinuxMemory{.limit = 64 << 20,
                         .reservation = 32 << 20,
                         .swap = 128 << 20,
                         .swappiness = 10,
                         .disable_oom_killer = true};
  r.cpu = LinuxCpu{.shares = 512, .quota = 50000, .period = 100000, .cpus = "1", .mems = "0"};
  r.pids = LinuxPids{.limit = 42};
  r.block_io = LinuxBlockIO{.weight = 300};
  r.block_io->weight_device.push_back({8, 0, 200, std::nullopt});
  r.block_io->throttle_read_bps_device.push_back({8, 0, 1048576});
  r.block_io->throttle_write_iops_device.push_back({8, 16, 100});
  r.hugepage_limits.push_back({"2MB", 4194304});
  auto applied = manager->apply(r);
  ASSERT_TRUE(applied) << applied.error().message;
  EXPECT_EQ(file("memory", "memory.limit_in_bytes"), "67108864");
  EXPECT_EQ(file("memory", "memory.memsw.limit_in_bytes"), "134217728");
  EXPECT_EQ(file("memory", "memory.soft_limit_in_bytes"), "33554432");
  EXPECT_EQ(file("memory", "memory.swappiness"), "10");
  EXPECT_EQ(file("memory", "memory.oom_control"), "1");
  EXPECT_EQ(file("cpu", "cpu.shares"), "512");
  EXPECT_EQ(file("cpu", "cpu.cfs_quota_us"), "50000");
  EXPECT_EQ(file("cpu", "cpu.cfs_period_us"), "100000");
  EXPECT_EQ(file("cpuset", "cpuset.cpus"), "1");
  EXPECT_EQ(file("pids", "pids.max"), "42");
  // Only BFQ files exist (as on this host): the weight goes to blkio.bfq.*.
  EXPECT_EQ(file("blkio", "blkio.bfq.weight"), "300");
  EXPECT_EQ(file("blkio", "blkio.bfq.weight_device"), "8:0 200");
  EXPECT_EQ(file("blkio", "blkio.throttle.read_bps_device"), "8:0 1048576");
  EXPECT_EQ(file("blkio", "blkio.throttle.write_iops_device"), "8:16 100");
  // Hybrid: hugetlb lives in the unified hierarchy here, enabled on demand.
  EXPECT_EQ(file("", "hugetlb.2MB.max"), "4194304");
  EXPECT_EQ(slurp(layout.unified + "/cgroup.subtree_control"), "+hugetlb");
  // Each write truncates, so the devices files show the last rule written: the defaults end
  // with /dev/pts, and deny's last write is the initial deny-all.
  EXPECT_EQ(file("devices", "devices.deny"), "a");
  EXPECT_EQ(file("devices", "devices.allow"), "c 136:* rwm");
}

TEST_F(CgroupV1Test, UnlimitedMemoryAlsoLiftsSwapAndPidsMax) {
  populate();
  ASSERT_TRUE(manager->create({}));
  LinuxResources r;
  r.memory = LinuxMemory{.limit = -1};
  r.pids = LinuxPids{.limit = -1};
  ASSERT_TRUE(manager->apply(r));
  EXPECT_EQ(file("memory", "memory.limit_in_bytes"), "-1");
  EXPECT_EQ(file("memory", "memory.memsw.limit_in_bytes"), "-1");
  EXPECT_EQ(file("pids", "pids.max"), "max");
}

TEST_F(CgroupV1Test, MissingControlFileIsAClearError) {
  populate();
  ASSERT_TRUE(manager->create({}));
  LinuxResources r;
  r.hugepage_limits.push_back({"1GB", 1 << 30});
  auto applied = manager->apply(r);
  ASSERT_FALSE(applied);
  EXPECT_NE(applied.error().message.find("hugetlb.1GB.max"), std::string::npos);
  LinuxResources unified;
  unified.unified["../../escape"] = "1";
  EXPECT_FALSE(manager->apply(unified));
}

TEST(CgroupV1Devices, RuleText) {
  EXPECT_EQ(v1::device_rule_text({true, "c", 1, 3, "rw"}), "c 1:3 rw");
  EXPECT_EQ(v1::device_rule_text({true, "b", std::nullopt, 5, ""}), "b *:5 rwm");
  EXPECT_EQ(v1::device_rule_text({false, "a", std::nullopt, std::nullopt, "rwm"}), "a");
}

TEST_F(CgroupV1Test, AddPidFreezeAndPids) {
  populate();
  ASSERT_TRUE(manager->create({}));
  ASSERT_TRUE(manager->add_process(4242));
  EXPECT_EQ(file("memory", "cgroup.procs"), "4242");
  EXPECT_EQ(file("", "cgroup.procs"), "4242"); // hybrid: the unified cgroup is joined too
  auto pids = manager->pids();
  ASSERT_TRUE(pids);
  EXPECT_EQ(*pids, std::vector<pid_t>{4242});
  ASSERT_TRUE(manager->freeze());
  EXPECT_EQ(file("freezer", "freezer.state"), "FROZEN");
  EXPECT_TRUE(*manager->frozen());
  ASSERT_TRUE(manager->thaw());
  EXPECT_EQ(file("freezer", "freezer.state"), "THAWED");
  EXPECT_FALSE(*manager->frozen());
}

TEST_F(CgroupV1Test, DestroyRemovesEveryDirectoryAndIsIdempotent) {
  populate();
  ASSERT_TRUE(manager->create({}));
  std::filesystem::create_directories(dir("memory") + "/nested");
  ASSERT_TRUE(manager->destroy());
  for (const auto &[key, path] : manager->paths())
    EXPECT_FALSE(std::filesystem::exists(path)) << path;
  EXPECT_TRUE(std::filesystem::exists(tmp.path() + "/memory/isobox")); // parents are shared
  EXPECT_TRUE(manager->destroy());
}

TEST_F(CgroupV1Test, RebuildFromPathAlone) {
  populate();
  ASSERT_TRUE(manager->create({}));
  // Later verbs rebuild the manager from the saved cgroupsPath alone.
  auto loaded = make_fs_cgroup_manager(layout, CgroupConfig{"c1", "", false});
  ASSERT_TRUE(loaded);
  EXPECT_EQ((*loaded)->path(), "/isobox/c1");
  ASSERT_TRUE((*loaded)->add_process(77));
  EXPECT_EQ(*manager->pids(), std::vector<pid_t>{77});
}

TEST(CgroupV1Only, UnifiedMapNeedsV2) {
  TempDir tmp;
  auto layout = CgroupLayout::under(tmp.path(), CgroupMode::V1);
  auto m = make_fs_cgroup_manager(layout, CgroupConfig{"c2", "/k8s.io/c2", false});
  ASSERT_TRUE(m);
  EXPECT_EQ((*m)->paths().count(""), 0u);
  EXPECT_EQ((*m)->paths().at("pids"), tmp.path() + "/pids/k8s.io/c2");
  LinuxResources r;
  r.unified["memory.high"] = "1G";
  ASSERT_FALSE((*m)->apply(r));
}

TEST(CgroupRelative, JoinsOwnCgroupPerController) {
  TempDir tmp;
  auto layout = CgroupLayout::under(tmp.path(), CgroupMode::Hybrid);
  auto m = make_fs_cgroup_manager(layout, CgroupConfig{"c3", "sub/c3", false},
                                  {{"memory", "/process_api/5e"}, {"", "/"}});
  ASSERT_TRUE(m);
  EXPECT_EQ((*m)->paths().at("memory"), tmp.path() + "/memory/process_api/5e/sub/c3");
  EXPECT_EQ((*m)->paths().at("cpu"), tmp.path() + "/cpu/sub/c3");
  EXPECT_EQ((*m)->paths().at(""), tmp.path() + "/unified/sub/c3");
}

} // namespace
} // namespace isobox::oci::cgroup
