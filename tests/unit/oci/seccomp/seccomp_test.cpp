// Seccomp: profile -> filter (checked as PFC text) and filters installed in forked children.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <functional>

#include "oci/seccomp/seccomp.hpp"
#include "oci/seccomp/seccomp_filter.hpp"

namespace isobox::oci {
namespace {

LinuxSeccomp allow_all_but(std::vector<LinuxSyscall> syscalls) {
  LinuxSeccomp p;
  p.default_action = "SCMP_ACT_ALLOW";
  p.architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"};
  p.syscalls = std::move(syscalls);
  return p;
}

TEST(Seccomp, PfcShowsRulesActionsAndArgs) {
  auto p = allow_all_but({
      {{"mkdir", "mkdirat"}, "SCMP_ACT_ERRNO", std::nullopt, {}},
      {{"getcwd"}, "SCMP_ACT_ERRNO", 38, {}},
      {{"personality"}, "SCMP_ACT_KILL_PROCESS", std::nullopt, {{0, 8, 0, "SCMP_CMP_EQ"}}},
      {{"socket"}, "SCMP_ACT_TRAP", std::nullopt, {{0, 0xff, 3, "SCMP_CMP_MASKED_EQ"}}},
  });
  auto pfc = seccomp::export_pfc(p);
  ASSERT_TRUE(pfc) << pfc.error().message;
  const std::string &t = *pfc;
  EXPECT_NE(t.find("# filter for arch x86_64"), std::string::npos) << t;
  EXPECT_NE(t.find("# filter for arch x86 "), std::string::npos) << t;
  EXPECT_NE(t.find("# filter for syscall \"mkdir\""), std::string::npos) << t;
  EXPECT_NE(t.find("action ERRNO(1);"), std::string::npos) << t;  // EPERM by default
  EXPECT_NE(t.find("action ERRNO(38);"), std::string::npos) << t; // errnoRet
  EXPECT_NE(t.find("action KILL_PROCESS;"), std::string::npos) << t;
  EXPECT_NE(t.find("action TRAP;"), std::string::npos) << t;
  EXPECT_NE(t.find("if ($a0.lo32 == 8)\n        action KILL_PROCESS;"), std::string::npos) << t;
  EXPECT_NE(t.find("if ($a0.lo32 & 0x000000ff == 3)"), std::string::npos) << t; // MASKED_EQ
  EXPECT_NE(t.find("# default action\n  action ALLOW;"), std::string::npos) << t;
}

TEST(Seccomp, RulesEqualToTheDefaultAndUnknownSyscallsAreSkipped) {
  auto p = allow_all_but({{{"getpid"}, "SCMP_ACT_ALLOW", std::nullopt, {}},
                          {{"no_such_syscall_xyz", "mkdir"}, "SCMP_ACT_LOG", std::nullopt, {}}});
  auto pfc = seccomp::export_pfc(p);
  ASSERT_TRUE(pfc) << pfc.error().message;
  EXPECT_EQ(pfc->find("\"getpid\""), std::string::npos);
  EXPECT_NE(pfc->find("\"mkdir\""), std::string::npos);
  EXPECT_NE(pfc->find("action LOG;"), std::string::npos);
  EXPECT_TRUE(validate_seccomp(p));
}

TEST(Seccomp, BadProfilesAreRejected) {
  auto bad_action = allow_all_but({{{"mkdir"}, "SCMP_ACT_PANIC", std::nullopt, {}}});
  EXPECT_FALSE(validate_seccomp(bad_action));
  auto bad_op = allow_all_but({{{"mkdir"}, "SCMP_ACT_ERRNO", std::nullopt, {{0, 1, 0, "LIKE"}}}});
  EXPECT_FALSE(validate_seccomp(bad_op));
  auto bad_index =
      allow_all_but({{{"mkdir"}, "SCMP_ACT_ERRNO", std::nullopt, {{6, 1, 0, "SCMP_CMP_EQ"}}}});
  EXPECT_FALSE(validate_seccomp(bad_index));
  auto bad_arch = allow_all_but({});
  bad_arch.architectures = {"SCMP_ARCH_Z80"};
  EXPECT_FALSE(validate_seccomp(bad_arch));
  auto bad_flag = allow_all_but({});
  bad_flag.flags = {"SECCOMP_FILTER_FLAG_NOPE"};
  EXPECT_FALSE(validate_seccomp(bad_flag));
  auto bad_default = allow_all_but({});
  bad_default.default_action = "";
  EXPECT_FALSE(validate_seccomp(bad_default));
  auto notify = allow_all_but({{{"mkdir"}, "SCMP_ACT_NOTIFY", std::nullopt, {}}});
  notify.listener_path = "/run/agent.sock";
  auto r = validate_seccomp(notify);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("NOTIFY"), std::string::npos);
}

TEST(Seccomp, KnownFlagsAreSet) {
  auto p = allow_all_but({});
  p.flags = {"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
             "SECCOMP_FILTER_FLAG_SPEC_ALLOW"};
  EXPECT_TRUE(validate_seccomp(p));
  p.flags = {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"}; // libseccomp 2.5 cannot
  EXPECT_FALSE(validate_seccomp(p));
  EXPECT_EQ(seccomp::supported_flags().size(), 3u);
  EXPECT_EQ(seccomp::known_flags().size(), 4u);
}

/// Forks; the child sets no_new_privs (so no CAP_SYS_ADMIN is needed), installs `profile`
/// and runs `probe`, whose return value becomes the exit code. Returns the wait status.
int run_filtered(const LinuxSeccomp &profile, const std::function<int()> &probe) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
      ::_exit(100);
    if (!install_seccomp(profile))
      ::_exit(101);
    // Raw exit_group: sanitizer _exit hooks make syscalls a whitelist profile refuses.
    ::syscall(SYS_exit_group, probe());
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

TEST(SeccompInstalled, ErrnoActionsAndArgumentConditions) {
  auto p = allow_all_but({
      {{"mkdirat", "mkdir"}, "SCMP_ACT_ERRNO", std::nullopt, {}},
      {{"getcwd"}, "SCMP_ACT_ERRNO", 38, {}},
      // dup(0) fails with errno 99; dup of anything else still works.
      {{"dup"}, "SCMP_ACT_ERRNO", 99, {{0, 0, 0, "SCMP_CMP_EQ"}}},
  });
  const int status = run_filtered(p, [] {
    if (::mkdir("/tmp/isobox-seccomp-should-not-exist", 0700) != -1 || errno != EPERM)
      return 1;
    char buf[256];
    if (::syscall(SYS_getcwd, buf, sizeof buf) != -1 || errno != ENOSYS)
      return 2;
    if (::dup(0) != -1 || errno != 99)
      return 3;
    if (::dup(1) < 0)
      return 4;
    return ::getpid() > 0 ? 0 : 5; // everything else is allowed
  });
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(SeccompInstalled, KillProcessAndMaskedEq) {
  // umask(mode) is killed only when (mode & 0700) == 0700.
  auto p = allow_all_but({{{"umask"},
                           "SCMP_ACT_KILL_PROCESS",
                           std::nullopt,
                           {{0, 0700, 0700, "SCMP_CMP_MASKED_EQ"}}}});
  const int ok = run_filtered(p, [] {
    ::umask(022);
    return 0;
  });
  EXPECT_TRUE(WIFEXITED(ok) && WEXITSTATUS(ok) == 0) << ok;
  const int killed = run_filtered(p, [] {
    ::umask(0777);
    return 0;
  });
  ASSERT_TRUE(WIFSIGNALED(killed)) << killed;
  EXPECT_EQ(WTERMSIG(killed), SIGSYS);
}

TEST(SeccompInstalled, DefaultErrnoWithAllowList) {
  // A whitelist profile: everything is ENOSYS except what the child needs to report.
  LinuxSeccomp p;
  p.default_action = "SCMP_ACT_ERRNO";
  p.default_errno_ret = ENOSYS;
  p.syscalls = {{{"exit", "exit_group", "getppid"}, "SCMP_ACT_ALLOW", std::nullopt, {}}};
  // Raw syscalls: the libc and sanitizer wrappers may issue other (refused) calls.
  const int status = run_filtered(p, [] {
    if (::syscall(SYS_getppid) <= 0)
      return 1;
    return ::syscall(SYS_getpid) == -1 && errno == ENOSYS ? 0 : 2;
  });
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

} // namespace
} // namespace isobox::oci
