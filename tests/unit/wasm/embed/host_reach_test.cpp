// What the confined engine can still reach on the host (issue 9 item 3): from inside a process
// confined exactly as run_module confines itself (no_new_privs, Landlock over the preopens, the
// seccomp allowlist with --dir), it may open and delete beneath its preopen only, and signal
// only itself. Each case runs in a forked child that reports a failed check by number.
#include <fcntl.h>
#include <linux/openat2.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "in_child.hpp"
#include "wasm/embed/confine.hpp"
#include "wasm/embed/landlock.hpp"

namespace isobox::wasm::embed {
namespace {

namespace fs = std::filesystem;

int open2(int dir, const std::string &path, uint64_t flags) {
  open_how how{.flags = flags | O_CLOEXEC, .mode = (flags & O_CREAT) ? 0600u : 0u, .resolve = 0};
  return static_cast<int>(::syscall(SYS_openat2, dir, path.c_str(), &how, sizeof how));
}

/// The run_module sequence: no_new_privs, Landlock, then seccomp (with --dir).
bool confine_like_run_module(const std::vector<LandlockDir> &dirs) {
  prepare_sanitizers_for_confinement();
  if (!set_no_new_privs())
    return false;
  auto status = landlock_confine(dirs);
  return status && status->applied && confine_wasm_engine(ConfineOptions{.filesystem = true});
}

class HostReach : public ::testing::Test {
protected:
  void SetUp() override {
    char tmpl[] = "/tmp/isobox-host-reach-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    m_root = tmpl;
    fs::create_directories(m_root / "granted");
    fs::create_directories(m_root / "readonly");
    fs::create_directories(m_root / "outside");
    for (const char *f : {"granted/mine", "readonly/ro", "outside/host"})
      std::ofstream(m_root / f) << "x";
    if (landlock_abi() == 0)
      GTEST_SKIP() << "no Landlock on this kernel";
  }
  void TearDown() override { fs::remove_all(m_root); }
  fs::path m_root;
};

TEST_F(HostReach, OpensAndDeletesOnlyBeneathThePreopens) {
  const std::string granted = m_root / "granted", readonly = m_root / "readonly";
  const std::string outside = m_root / "outside/host";
  const int rc = in_child([&] {
    const int gfd = ::open(granted.c_str(), O_RDONLY | O_DIRECTORY); // a preopen
    const int rfd = ::open(readonly.c_str(), O_RDONLY | O_DIRECTORY);
    if (!confine_like_run_module({{granted, false}, {readonly, true}}))
      return 10;
    if (open2(AT_FDCWD, outside, O_RDONLY) != -1 || errno != EACCES)
      return 11; // an absolute host path outside the preopens
    if (open2(AT_FDCWD, "/etc/hostname", O_RDONLY) != -1 || errno != EACCES)
      return 12;
    if (::unlinkat(AT_FDCWD, outside.c_str(), 0) != -1 || errno != EACCES)
      return 13;
    if (open2(gfd, "mine", O_RDWR) < 0 || open2(gfd, "new", O_RDWR | O_CREAT) < 0)
      return 14; // beneath the read-write preopen: open, create, delete
    if (::unlinkat(gfd, "mine", 0) != 0)
      return 15;
    if (open2(rfd, "ro", O_RDONLY) < 0)
      return 16; // the read-only preopen: read, but neither write, create nor delete
    if (open2(rfd, "ro", O_WRONLY) != -1 || open2(rfd, "new", O_RDWR | O_CREAT) != -1 ||
        ::unlinkat(rfd, "ro", 0) != -1)
      return 17;
    return 0;
  });
  EXPECT_EQ(rc, 0) << "child failed at check " << rc;
  EXPECT_TRUE(fs::exists(outside));
  EXPECT_TRUE(fs::exists(m_root / "readonly/ro"));
  EXPECT_FALSE(fs::exists(m_root / "granted/mine"));
}

TEST_F(HostReach, SignalsOnlyItself) {
  const pid_t parent = ::getpid(); // another process, as seen from the child
  const int rc = in_child([&] {
    if (!confine_like_run_module({}))
      return 10;
    siginfo_t info{};
    info.si_code = SI_QUEUE;
    const long to_other[] = {
        ::syscall(SYS_kill, parent, 0),
        ::syscall(SYS_tgkill, parent, parent, 0),
        ::syscall(SYS_tkill, parent, 0),
        ::syscall(SYS_rt_sigqueueinfo, parent, 0, &info),
        ::syscall(SYS_rt_tgsigqueueinfo, parent, parent, 0, &info),
        ::syscall(SYS_kill, -1, 0), // every process it may signal
        ::syscall(SYS_kill, 0, 0),  // its process group
    };
    for (size_t i = 0; i < std::size(to_other); ++i)
      if (to_other[i] != -1 || errno != EPERM)
        return 20 + static_cast<int>(i);
    const pid_t self = ::getpid();
    if (::syscall(SYS_kill, self, 0) != 0 || ::syscall(SYS_tgkill, self, ::gettid(), 0) != 0)
      return 11;
    return 0;
  });
  EXPECT_EQ(rc, 0) << "child failed at check " << rc;
}

} // namespace
} // namespace isobox::wasm::embed
