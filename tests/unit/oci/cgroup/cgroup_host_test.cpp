// Root only: a real cgroup on this host's hierarchy (hybrid here): create, limit, join a
// sleeping child, read back, freeze, destroy. Skipped (GTEST_SKIP -> ctest "skipped") otherwise.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "cgroup_fake.hpp"
#include "oci/cgroup/cgroup_fs.hpp"
#include "oci/cgroup/fs_cgroup_manager.hpp"

namespace isobox::oci::cgroup {
namespace {

using testing::slurp;

/// A child that sleeps until killed.
pid_t spawn_sleeper() {
  const pid_t pid = ::fork();
  if (pid == 0) {
    for (;;)
      ::pause();
  }
  return pid;
}

TEST(CgroupHost, CreateLimitJoinFreezeDestroy) {
  if (::geteuid() != 0)
    GTEST_SKIP() << "needs root to create cgroups";
  auto layout = detect_layout();
  ASSERT_TRUE(layout) << layout.error().message;
  const std::string id = fmt::format("unit-{}", ::getpid());
  auto generic = make_cgroup_manager({}, "/isobox-unit/" + id, id);
  ASSERT_TRUE(generic) << generic.error().message;
  EXPECT_EQ((*generic)->path(), "/isobox-unit/" + id);
  auto made = make_fs_cgroup_manager(CgroupConfig{id, "/isobox-unit/" + id, false});
  ASSERT_TRUE(made) << made.error().message;
  auto &m = **made;
  LinuxResources r;
  r.memory = LinuxMemory{.limit = 32 << 20};
  r.pids = LinuxPids{.limit = 16};
  r.cpu = LinuxCpu{.shares = 512, .quota = 10000, .period = 100000};
  auto created = m.create(r);
  if (!created && created.error().errno_value == EROFS)
    GTEST_SKIP() << "cgroupfs is read-only here";
  ASSERT_TRUE(created) << created.error().message;

  const pid_t child = spawn_sleeper();
  ASSERT_GT(child, 0);
  auto joined = m.add_process(child);
  EXPECT_TRUE(joined) << joined.error().message;

  const bool v2 = m.mode() == CgroupMode::V2;
  const std::string mem_dir = m.paths().at(v2 ? "" : "memory");
  EXPECT_EQ(*read_file(mem_dir, v2 ? "memory.max" : "memory.limit_in_bytes"), "33554432");
  EXPECT_EQ(*read_file(m.paths().at(v2 ? "" : "pids"), "pids.max"), "16");
  if (!v2) {
    EXPECT_EQ(*read_file(m.paths().at("cpu"), "cpu.shares"), "512");
    EXPECT_EQ(*read_file(m.paths().at("cpu"), "cpu.cfs_quota_us"), "10000");
    // The device cgroup is a whitelist now: /dev/null is in it, /dev/sda (8:0) is not.
    const std::string list = *read_file(m.paths().at("devices"), "devices.list");
    EXPECT_NE(list.find("c 1:3 rwm"), std::string::npos) << list;
    EXPECT_EQ(list.find("b 8:0"), std::string::npos) << list;
  }
  const std::string proc_cgroup = slurp(fmt::format("/proc/{}/cgroup", child));
  EXPECT_NE(proc_cgroup.find("/isobox-unit/" + id), std::string::npos) << proc_cgroup;
  auto pids = m.pids();
  ASSERT_TRUE(pids);
  EXPECT_EQ(*pids, std::vector<pid_t>{child});

  ASSERT_TRUE(m.freeze());
  EXPECT_TRUE(*m.frozen());
  ASSERT_TRUE(m.thaw());
  EXPECT_FALSE(*m.frozen());

  auto destroyed = m.destroy();
  EXPECT_TRUE(destroyed) << destroyed.error().message;
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  for (const auto &[key, path] : m.paths()) {
    EXPECT_FALSE(std::filesystem::exists(path)) << path;
    ::rmdir(std::filesystem::path(path).parent_path().c_str()); // the shared /isobox-unit
  }
}

} // namespace
} // namespace isobox::oci::cgroup
