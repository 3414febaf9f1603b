// The eval's RuntimeDefault-like container profile, loaded for real in a child through isobox's
// OCI seccomp code: ordinary calls pass, the escape interfaces it leaves out fail.
#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <linux/io_uring.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "eval/backends/container_seccomp.hpp"
#include "oci/seccomp/seccomp.hpp"
#include "oci/spec/parse.hpp"

namespace isobox::eval {
namespace {

oci::LinuxSeccomp parsed_profile() {
  auto doc = oci::default_spec_json(false);
  doc["linux"]["seccomp"] = container_seccomp_profile();
  auto spec = oci::parse_spec(doc.dump());
  EXPECT_TRUE(spec) << spec.error().message;
  return *spec->linux->seccomp;
}

// errno of `call` in a child confined by the profile (0 = it succeeded), or 1000 + the signal.
template <typename F> int errno_under_profile(const oci::LinuxSeccomp &profile, F call) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    if (!oci::install_seccomp(profile))
      ::_exit(250);
    errno = 0;
    ::_exit(call() < 0 ? (errno & 0xff) : 0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1000 + WTERMSIG(status);
}

TEST(ContainerSeccomp, ProfileValidatesAndCountsItsSyscalls) {
  const auto profile = parsed_profile();
  EXPECT_TRUE(oci::validate_seccomp(profile));
  const int allowed = container_seccomp_allowed_x86_64();
  EXPECT_GT(allowed, 250); // enough for ordinary programs
  EXPECT_LT(allowed, 340); // and well short of the table
  for (const char *left_out : {"keyctl", "add_key", "bpf", "perf_event_open", "unshare", "setns",
                               "mount", "io_uring_setup", "userfaultfd", "ptrace", "kexec_load",
                               "finit_module", "open_by_handle_at"})
    EXPECT_EQ(std::count(container_seccomp_allowlist().begin(), container_seccomp_allowlist().end(),
                         left_out),
              0)
        << left_out;
}

TEST(ContainerSeccomp, BlocksEscapeInterfacesAndAllowsOrdinaryCalls) {
  const auto profile = parsed_profile();
  EXPECT_EQ(errno_under_profile(profile, [] { return static_cast<int>(::getpid()); }), 0);
  EXPECT_EQ(errno_under_profile(profile,
                                [] {
                                  const pid_t child = ::fork(); // clone without namespace flags
                                  if (child == 0)
                                    ::_exit(0);
                                  return child < 0 ? -1 : ::waitpid(child, nullptr, 0);
                                }),
            0);
  EXPECT_EQ(errno_under_profile(profile, [] { return ::unshare(CLONE_NEWUSER); }), EPERM);
  EXPECT_EQ(errno_under_profile(
                profile,
                [] { return static_cast<int>(::syscall(SYS_add_key, "user", "k", "v", 1, -4)); }),
            EPERM);
  EXPECT_EQ(errno_under_profile(profile,
                                [] {
                                  io_uring_params p{};
                                  return static_cast<int>(::syscall(SYS_io_uring_setup, 4, &p));
                                }),
            EPERM);
  EXPECT_EQ(errno_under_profile(profile,
                                [] {
                                  return static_cast<int>(
                                      ::syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, nullptr,
                                                nullptr, nullptr, nullptr));
                                }),
            EPERM);
  EXPECT_EQ(errno_under_profile(profile,
                                [] { return static_cast<int>(::syscall(SYS_clone3, nullptr, 0)); }),
            ENOSYS);
}

} // namespace
} // namespace isobox::eval
