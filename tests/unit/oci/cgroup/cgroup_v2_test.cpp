// cgroup v2 manager on a fake unified hierarchy, and the v1 -> v2 value conversions.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include "cgroup_fake.hpp"
#include "oci/cgroup/cgroup_v2.hpp"
#include "oci/cgroup/fs_cgroup_manager.hpp"

namespace isobox::oci::cgroup {
namespace {

using testing::put;
using testing::slurp;
using testing::TempDir;
using testing::touch_all;

TEST(CgroupV2Convert, SharesToWeight) {
  EXPECT_EQ(v2::shares_to_weight(0), 0u);          // unset stays unset
  EXPECT_EQ(v2::shares_to_weight(2), 1u);          // min
  EXPECT_EQ(v2::shares_to_weight(1024), 39u);      // the default share gives ~ 1 + 1022*9999/262142
  EXPECT_EQ(v2::shares_to_weight(262144), 10000u); // max
}

TEST(CgroupV2Convert, BlkioWeightToIoWeight) {
  EXPECT_EQ(v2::blkio_weight_to_io_weight(0), 0u);
  EXPECT_EQ(v2::blkio_weight_to_io_weight(10), 1u);
  EXPECT_EQ(v2::blkio_weight_to_io_weight(500), 1 + 490 * 9999 / 990u);
  EXPECT_EQ(v2::blkio_weight_to_io_weight(1000), 10000u);
}

TEST(CgroupV2Convert, SwapIsMemoryPlusSwap) {
  EXPECT_EQ(*v2::swap_to_swap_max(300, 100), 200);
  EXPECT_EQ(*v2::swap_to_swap_max(-1, 100), -1);
  EXPECT_EQ(*v2::swap_to_swap_max(0, 100), 0);
  EXPECT_FALSE(v2::swap_to_swap_max(50, 100)); // memory+swap below memory
  EXPECT_FALSE(v2::swap_to_swap_max(100, 0));  // swap without a memory limit
}

class CgroupV2Test : public ::testing::Test {
protected:
  void SetUp() override {
    layout = CgroupLayout::under(tmp.path(), CgroupMode::V2);
    put(tmp.path(), "cgroup.controllers", "cpuset cpu io memory hugetlb pids");
    put(tmp.path(), "cgroup.subtree_control");
    // The intermediate "k8s.io" cgroup exists already with its kernel files.
    put(tmp.path() + "/k8s.io", "cgroup.controllers", "cpu memory pids");
    put(tmp.path() + "/k8s.io", "cgroup.subtree_control");
    auto m = make_fs_cgroup_manager(layout, CgroupConfig{"c1", "/k8s.io/c1", false});
    ASSERT_TRUE(m) << m.error().message;
    manager = std::move(*m);
    leaf = tmp.path() + "/k8s.io/c1";
  }
  std::string file(const std::string &name) const { return slurp(leaf + "/" + name); }

  TempDir tmp;
  CgroupLayout layout;
  std::unique_ptr<FsCgroupManager> manager;
  std::string leaf;
};

TEST_F(CgroupV2Test, CreateEnablesControllersOnAncestors) {
  ASSERT_TRUE(manager->create({}));
  EXPECT_EQ(manager->paths().size(), 1u);
  EXPECT_EQ(manager->paths().at(""), leaf);
  EXPECT_TRUE(std::filesystem::is_directory(leaf));
  EXPECT_EQ(slurp(tmp.path() + "/cgroup.subtree_control"),
            "+cpuset +cpu +io +memory +hugetlb +pids");
  EXPECT_EQ(slurp(tmp.path() + "/k8s.io/cgroup.subtree_control"), "+cpu +memory +pids");
}

TEST_F(CgroupV2Test, AppliesResources) {
  ASSERT_TRUE(manager->create({}));
  touch_all(leaf,
            {"memory.max", "memory.swap.max", "memory.low", "cpu.weight", "cpu.max", "cpuset.cpus",
             "cpuset.mems", "pids.max", "io.weight", "io.max", "hugetlb.2MB.max", "memory.high"});
  LinuxResources r;
  r.memory = LinuxMemory{.limit = 100 << 20, .reservation = 50 << 20, .swap = 300 << 20};
  r.cpu = LinuxCpu{.shares = 1024, .quota = 20000, .cpus = "0-1", .mems = "0"};
  r.pids = LinuxPids{.limit = 64};
  r.block_io = LinuxBlockIO{.weight = 500};
  r.block_io->throttle_write_bps_device.push_back({8, 0, 2097152});
  r.hugepage_limits.push_back({"2MB", 2097152});
  r.unified["memory.high"] = "90M";
  auto applied = manager->apply(r);
  ASSERT_TRUE(applied) << applied.error().message;
  EXPECT_EQ(file("memory.max"), "104857600");
  EXPECT_EQ(file("memory.swap.max"), "209715200"); // 300M - 100M
  EXPECT_EQ(file("memory.low"), "52428800");
  EXPECT_EQ(file("cpu.weight"), "39");
  EXPECT_EQ(file("cpu.max"), "20000 100000"); // default period
  EXPECT_EQ(file("cpuset.cpus"), "0-1");
  EXPECT_EQ(file("pids.max"), "64");
  EXPECT_EQ(file("io.weight"), "default 4950");
  EXPECT_EQ(file("io.max"), "8:0 wbps=2097152");
  EXPECT_EQ(file("hugetlb.2MB.max"), "2097152");
  EXPECT_EQ(file("memory.high"), "90M");
}

TEST_F(CgroupV2Test, EachIoMaxKey) {
  ASSERT_TRUE(manager->create({}));
  put(leaf, "io.max");
  // One apply per key: the fake io.max is a plain file that keeps only the last write, while
  // the kernel's io.max takes one "maj:min key=value" line per write.
  using List = std::vector<LinuxThrottleDevice> LinuxBlockIO::*;
  const struct {
    List list;
    uint64_t rate;
    const char *want;
  } cases[] = {{&LinuxBlockIO::throttle_read_bps_device, 1048576, "8:16 rbps=1048576"},
               {&LinuxBlockIO::throttle_write_bps_device, 2048, "8:16 wbps=2048"},
               {&LinuxBlockIO::throttle_read_iops_device, 100, "8:16 riops=100"},
               {&LinuxBlockIO::throttle_write_iops_device, 0, "8:16 wiops=max"}};
  for (const auto &c : cases) {
    LinuxResources r;
    r.block_io = LinuxBlockIO{};
    ((*r.block_io).*c.list).push_back({8, 16, c.rate});
    auto applied = manager->apply(r);
    ASSERT_TRUE(applied) << applied.error().message;
    EXPECT_EQ(file("io.max"), c.want);
  }
}

TEST_F(CgroupV2Test, IoWeightPrefersBfqWithTheV1Range) {
  ASSERT_TRUE(manager->create({}));
  touch_all(leaf, {"io.weight", "io.bfq.weight"});
  LinuxResources r;
  r.block_io = LinuxBlockIO{.weight = 500};
  ASSERT_TRUE(manager->apply(r));
  EXPECT_EQ(file("io.bfq.weight"), "default 500"); // unconverted: BFQ takes 1..1000
  EXPECT_EQ(file("io.weight"), "");
  r.block_io = LinuxBlockIO{};
  r.block_io->weight_device.push_back({8, 0, 300, std::nullopt});
  ASSERT_TRUE(manager->apply(r));
  EXPECT_EQ(file("io.bfq.weight"), "8:0 300");
}

TEST_F(CgroupV2Test, IoWeightDeviceConvertedWithoutBfq) {
  ASSERT_TRUE(manager->create({}));
  put(leaf, "io.weight");
  LinuxResources r;
  r.block_io = LinuxBlockIO{};
  r.block_io->weight_device.push_back({8, 0, 1000, std::nullopt});
  ASSERT_TRUE(manager->apply(r));
  EXPECT_EQ(file("io.weight"), "8:0 10000");
}

TEST_F(CgroupV2Test, CpusetCpusAndMems) {
  ASSERT_TRUE(manager->create({}));
  touch_all(leaf, {"cpuset.cpus", "cpuset.mems", "cpu.max", "cpu.weight"});
  LinuxResources r;
  r.cpu = LinuxCpu{.cpus = "2-3", .mems = "0-1"};
  ASSERT_TRUE(manager->apply(r));
  EXPECT_EQ(file("cpuset.cpus"), "2-3");
  EXPECT_EQ(file("cpuset.mems"), "0-1");
  EXPECT_EQ(file("cpu.max"), ""); // no quota or period asked: cpu.max untouched
  EXPECT_EQ(file("cpu.weight"), "");
}

TEST_F(CgroupV2Test, SwapWithoutSwapAccountingOnlyFailsWhenLimited) {
  ASSERT_TRUE(manager->create({}));
  put(leaf, "memory.max"); // no memory.swap.max: a kernel without swap accounting
  LinuxResources r;
  r.memory = LinuxMemory{.limit = 1 << 20, .swap = -1};
  auto unlimited = manager->apply(r);
  ASSERT_TRUE(unlimited) << unlimited.error().message;
  EXPECT_EQ(file("memory.max"), "1048576");
  r.memory = LinuxMemory{.limit = 1 << 20, .swap = 2 << 20};
  auto limited = manager->apply(r);
  ASSERT_FALSE(limited);
  EXPECT_NE(limited.error().message.find("memory.swap.max"), std::string::npos);
}

TEST_F(CgroupV2Test, UnlimitedValuesAreMax) {
  ASSERT_TRUE(manager->create({}));
  touch_all(leaf, {"memory.max", "memory.swap.max", "cpu.max", "pids.max"});
  LinuxResources r;
  r.memory = LinuxMemory{.limit = -1, .swap = -1};
  r.cpu = LinuxCpu{.quota = -1, .period = 50000};
  r.pids = LinuxPids{.limit = -1};
  ASSERT_TRUE(manager->apply(r));
  EXPECT_EQ(file("memory.max"), "max");
  EXPECT_EQ(file("memory.swap.max"), "max");
  EXPECT_EQ(file("cpu.max"), "max 50000");
  EXPECT_EQ(file("pids.max"), "max");
}

TEST_F(CgroupV2Test, BadValuesAreErrors) {
  ASSERT_TRUE(manager->create({}));
  touch_all(leaf, {"memory.max", "memory.swap.max"});
  LinuxResources r;
  r.memory = LinuxMemory{.limit = 100, .swap = 50};
  EXPECT_FALSE(manager->apply(r));
  LinuxResources missing; // pids.max absent: the pids controller is not enabled
  missing.pids = LinuxPids{.limit = 5};
  auto applied = manager->apply(missing);
  ASSERT_FALSE(applied);
  EXPECT_NE(applied.error().message.find("pids.max"), std::string::npos);
}

TEST_F(CgroupV2Test, FreezeWaitsForEvents) {
  ASSERT_TRUE(manager->create({}));
  put(leaf, "cgroup.freeze", "0");
  put(leaf, "cgroup.events", "populated 1\nfrozen 1\n"); // what the kernel shows once frozen
  ASSERT_TRUE(manager->freeze());
  EXPECT_EQ(file("cgroup.freeze"), "1");
  EXPECT_TRUE(*manager->frozen());
  // The kernel never reports thawed here, so thawing must time out with an error, not hang (the
  // manager's thaw() is this with the default 5 s budget).
  const auto start = std::chrono::steady_clock::now();
  auto thawed = v2::set_frozen(leaf, false, std::chrono::milliseconds(100));
  ASSERT_FALSE(thawed);
  EXPECT_NE(thawed.error().message.find("frozen 0"), std::string::npos);
  EXPECT_EQ(file("cgroup.freeze"), "0");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST_F(CgroupV2Test, PidsAndDestroy) {
  ASSERT_TRUE(manager->create({}));
  put(leaf, "cgroup.procs");
  ASSERT_TRUE(manager->add_process(123456789)); // a pid that cannot exist: kill gets ESRCH
  EXPECT_EQ(*manager->pids(), std::vector<pid_t>{123456789});
  put(leaf, "cgroup.freeze", "0");
  put(leaf, "cgroup.events", "frozen 1\nfrozen 0\n");
  ASSERT_TRUE(manager->destroy());
  EXPECT_FALSE(std::filesystem::exists(leaf));
  EXPECT_TRUE(std::filesystem::exists(tmp.path() + "/k8s.io"));
}

} // namespace
} // namespace isobox::oci::cgroup
