// `update` on fake v1 (hybrid) and v2 trees: memory sizes, the merge into saved resources, the
// files written (devices untouched) and the state.json round trip of the resources.
#include <gtest/gtest.h>

#include <filesystem>

#include "cgroup_fake.hpp"
#include "oci/cgroup/fs_cgroup_manager.hpp"
#include "oci/cgroup/resources_update.hpp"
#include "oci/spec/parse.hpp"
#include "oci/spec/resources_json.hpp"

namespace isobox::oci::cgroup {
namespace {

using testing::put;
using testing::slurp;
using testing::TempDir;
using testing::touch_all;

TEST(MemorySize, RuncSyntax) {
  EXPECT_EQ(*parse_memory_size("1048576", "--memory"), 1048576);
  EXPECT_EQ(*parse_memory_size("64m", "--memory"), 64 << 20);
  EXPECT_EQ(*parse_memory_size("64M", "--memory"), 64 << 20);
  EXPECT_EQ(*parse_memory_size("1.5GiB", "--memory"), 3LL << 29);
  EXPECT_EQ(*parse_memory_size("512 kb", "--memory"), 512 << 10);
  EXPECT_EQ(*parse_memory_size("100b", "--memory"), 100);
  EXPECT_EQ(*parse_memory_size("2t", "--memory"), 2LL << 40);
  EXPECT_EQ(*parse_memory_size("-1", "--memory"), -1);
}

TEST(MemorySize, RejectsJunk) {
  for (const char *bad : {"", "-2", "m", "64x", "64mm", "1..5m", "5.", "0x10", "1e3", "64mb extra",
                          "99999999999p", " 64m", "1.5.3m"}) {
    auto r = parse_memory_size(bad, "--memory");
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().message.find("--memory"), std::string::npos) << r.error().message;
  }
}

TEST(UpdateNumber, Strict) {
  EXPECT_EQ(*parse_update_number("50000", "--cpu-quota", true), 50000);
  EXPECT_EQ(*parse_update_number("-1", "--cpu-quota", true), -1);
  EXPECT_FALSE(parse_update_number("-1", "--cpu-period", false));
  EXPECT_FALSE(parse_update_number("12abc", "--cpu-period", false));
  EXPECT_FALSE(parse_update_number("", "--cpu-period", false));
  EXPECT_FALSE(parse_update_number("99999999999999999999", "--cpu-period", false));
  auto bad = parse_update_number("1O", "--cpu-period", false);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message.rfind("invalid value for --cpu-period: ", 0), 0u)
      << bad.error().message;
}

TEST(MergeResources, NewValuesReplaceOldOnesOthersStay) {
  LinuxResources saved;
  saved.memory = LinuxMemory{.limit = 64 << 20, .swap = 128 << 20};
  saved.cpu = LinuxCpu{.shares = 512, .quota = 50000, .period = 100000, .cpus = "0"};
  saved.pids = LinuxPids{.limit = 42};
  saved.devices.push_back({false, "a", std::nullopt, std::nullopt, "rwm"});
  LinuxResources update;
  update.memory = LinuxMemory{.limit = 96 << 20};
  update.cpu = LinuxCpu{.quota = 20000};
  update.pids = LinuxPids{.limit = 0}; // 0: unchanged
  update.block_io = LinuxBlockIO{.weight = 300};
  const LinuxResources m = merge_resources(saved, update);
  EXPECT_EQ(m.memory->limit, 96 << 20);
  EXPECT_EQ(m.memory->swap, 128 << 20);
  EXPECT_EQ(m.cpu->quota, 20000);
  EXPECT_EQ(m.cpu->period, 100000u);
  EXPECT_EQ(m.cpu->shares, 512u);
  EXPECT_EQ(m.cpu->cpus, "0");
  EXPECT_EQ(m.pids->limit, 42);
  EXPECT_EQ(m.block_io->weight, 300);
  EXPECT_TRUE(m.devices.empty());
}

TEST(MergeResources, UnlimitedMemoryLiftsSwap) {
  LinuxResources saved;
  saved.memory = LinuxMemory{.limit = 64 << 20, .swap = 128 << 20};
  LinuxResources update;
  update.memory = LinuxMemory{.limit = -1};
  EXPECT_EQ(merge_resources(saved, update).memory->swap, -1);
  update.memory->swap = 256 << 20; // an explicit swap wins
  EXPECT_EQ(merge_resources(saved, update).memory->swap, 256 << 20);
}

TEST(ResourcesJson, RoundTrip) {
  LinuxResources r;
  r.memory = LinuxMemory{.limit = 64 << 20, .reservation = 1 << 20, .swap = -1};
  r.cpu = LinuxCpu{.shares = 2, .quota = -1, .period = 100000, .cpus = "0-1", .mems = "0"};
  r.pids = LinuxPids{.limit = 7};
  r.block_io = LinuxBlockIO{.weight = 10};
  r.block_io->throttle_read_bps_device.push_back({8, 0, 1000});
  r.unified["memory.high"] = "1000000";
  const std::string text = resources_to_json(r).dump();
  auto back = parse_resources(text, "state");
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(resources_to_json(*back).dump(), text);
  EXPECT_EQ(back->memory->swap, -1);
  EXPECT_EQ(back->cpu->quota, -1);
  EXPECT_FALSE(parse_resources(R"({"memory":{"limit":"big"}})", "upd.json"));
}

// Hybrid v1: update writes every controller's files and leaves the device rules alone.
TEST(CgroupUpdate, V1WritesLimitsNotDevices) {
  TempDir tmp;
  auto layout = CgroupLayout::under(tmp.path(), CgroupMode::Hybrid);
  layout.v1.erase("hugetlb");
  put(layout.unified, "cgroup.controllers", "");
  put(layout.v1.at("cpuset"), "cpuset.cpus", "0-3");
  put(layout.v1.at("cpuset"), "cpuset.mems", "0");
  auto m = make_fs_cgroup_manager(layout, CgroupConfig{"c1", "/k/c1", false});
  ASSERT_TRUE(m) << m.error().message;
  auto &mgr = **m;
  for (const auto &[key, path] : mgr.paths())
    std::filesystem::create_directories(path);
  const auto dir = [&](const char *key) { return mgr.paths().at(key); };
  put(dir("memory"), "memory.limit_in_bytes", "67108864");
  touch_all(dir("memory"), {"memory.memsw.limit_in_bytes", "memory.soft_limit_in_bytes"});
  touch_all(dir("cpu"), {"cpu.shares", "cpu.cfs_period_us", "cpu.cfs_quota_us"});
  touch_all(dir("cpuset"), {"cpuset.cpus", "cpuset.mems"});
  touch_all(dir("pids"), {"pids.max"});
  touch_all(dir("blkio"), {"blkio.weight"});
  put(dir("devices"), "devices.allow", "c 1:3 rwm");
  LinuxResources r;
  r.memory = LinuxMemory{.limit = 128 << 20, .reservation = 64 << 20, .swap = 256 << 20};
  r.cpu = LinuxCpu{.shares = 256, .quota = 20000, .period = 50000, .cpus = "1", .mems = "0"};
  r.pids = LinuxPids{.limit = 99};
  r.block_io = LinuxBlockIO{.weight = 500};
  auto updated = mgr.update(r);
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(slurp(dir("memory") + "/memory.limit_in_bytes"), "134217728");
  EXPECT_EQ(slurp(dir("memory") + "/memory.memsw.limit_in_bytes"), "268435456");
  EXPECT_EQ(slurp(dir("memory") + "/memory.soft_limit_in_bytes"), "67108864");
  EXPECT_EQ(slurp(dir("cpu") + "/cpu.shares"), "256");
  EXPECT_EQ(slurp(dir("cpu") + "/cpu.cfs_quota_us"), "20000");
  EXPECT_EQ(slurp(dir("cpu") + "/cpu.cfs_period_us"), "50000");
  EXPECT_EQ(slurp(dir("cpuset") + "/cpuset.cpus"), "1");
  EXPECT_EQ(slurp(dir("pids") + "/pids.max"), "99");
  EXPECT_EQ(slurp(dir("blkio") + "/blkio.weight"), "500");
  EXPECT_EQ(slurp(dir("devices") + "/devices.allow"), "c 1:3 rwm"); // untouched
  EXPECT_FALSE(std::filesystem::exists(dir("devices") + "/devices.deny"));
}

// v2: the same update in unified files (cpu.max keeps the saved period when only quota moves).
TEST(CgroupUpdate, V2WritesUnifiedFiles) {
  TempDir tmp;
  auto layout = CgroupLayout::under(tmp.path(), CgroupMode::V2);
  put(tmp.path(), "cgroup.controllers", "cpuset cpu io memory pids");
  put(tmp.path(), "cgroup.subtree_control");
  auto m = make_fs_cgroup_manager(layout, CgroupConfig{"c1", "/c1", false});
  ASSERT_TRUE(m) << m.error().message;
  ASSERT_TRUE((*m)->create({}));
  const std::string leaf = tmp.path() + "/c1";
  touch_all(leaf, {"memory.max", "memory.swap.max", "memory.low", "cpu.weight", "cpu.max",
                   "cpuset.cpus", "pids.max", "io.weight"});
  LinuxResources saved;
  saved.cpu = LinuxCpu{.quota = 50000, .period = 200000};
  LinuxResources update;
  update.memory = LinuxMemory{.limit = 128 << 20, .swap = 192 << 20};
  update.cpu = LinuxCpu{.shares = 1024, .quota = 20000, .cpus = "0"};
  update.pids = LinuxPids{.limit = -1};
  update.block_io = LinuxBlockIO{.weight = 10};
  auto updated = (*m)->update(merge_resources(saved, update));
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(slurp(leaf + "/memory.max"), "134217728");
  EXPECT_EQ(slurp(leaf + "/memory.swap.max"), "67108864");
  EXPECT_EQ(slurp(leaf + "/cpu.max"), "20000 200000");
  EXPECT_EQ(slurp(leaf + "/cpu.weight"), "39");
  EXPECT_EQ(slurp(leaf + "/cpuset.cpus"), "0");
  EXPECT_EQ(slurp(leaf + "/pids.max"), "max");
  EXPECT_EQ(slurp(leaf + "/io.weight"), "default 1");
}

} // namespace
} // namespace isobox::oci::cgroup
