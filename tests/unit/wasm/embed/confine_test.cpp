// The engine's seccomp self-confinement: forbidden syscalls fail with EPERM once it is on,
// allowed ones keep working, and no_new_privs is set. Runs in a forked child each time.
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>

#include <gtest/gtest.h>

#include <sys/mman.h>

#include "in_child.hpp"
#include "wasm/embed/confine.hpp"

namespace isobox::wasm::embed {
namespace {

TEST(WasmConfine, ForbiddenSyscallsFailWithEperm) {
  const int rc = in_child([] {
    // Opened before the filter (open itself is forbidden after), read after it.
    const int status = ::open("/proc/self/status", O_RDONLY);
    if (!confine_wasm_engine(ConfineOptions{.filesystem = true}))
      return 10;
    char buf[4096] = {};
    if (::read(status, buf, sizeof buf - 1) <= 0)
      return 11;
    const std::string text(buf);
    if (text.find("NoNewPrivs:\t1") == std::string::npos ||
        text.find("Seccomp:\t2") == std::string::npos)
      return 18;
    // Outside the allowlist: opening by path, sockets, exec, fork.
    if (::open("/etc/hostname", O_RDONLY) != -1 || errno != EPERM)
      return 12;
    if (::socket(AF_INET, SOCK_STREAM, 0) != -1 || errno != EPERM)
      return 13;
    char *argv[] = {const_cast<char *>("/bin/true"), nullptr};
    if (::execv("/bin/true", argv) != -1 || errno != EPERM)
      return 14;
    if (::getppid() != -1 || errno != EPERM)
      return 15;
    // Inside it: writing to an fd, the clock, random bytes.
    if (::write(STDOUT_FILENO, "", 0) != 0)
      return 16;
    timespec ts{};
    if (::clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
      return 17;
    return 0;
  });
  EXPECT_EQ(rc, 0) << "child failed at check " << rc;
}

// W^X after confinement (issue 14): memory can be mapped and protected, never executable.
TEST(WasmConfine, NoExecutableMappingOnceConfined) {
  const int rc = in_child([] {
    if (!confine_wasm_engine(ConfineOptions{}))
      return 10;
    void *p = ::mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
      return 11;
    if (::mprotect(p, 4096, PROT_READ) != 0)
      return 12;
    if (::mprotect(p, 4096, PROT_READ | PROT_EXEC) != -1 || errno != EPERM)
      return 13;
    if (::mmap(nullptr, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) !=
            MAP_FAILED ||
        errno != EPERM)
      return 14;
    return 0;
  });
  EXPECT_EQ(rc, 0) << "child failed at check " << rc;
}

TEST(WasmConfine, FilesystemSyscallsOnlyWhenADirIsGranted) {
  const int rc = in_child([] {
    if (!confine_wasm_engine(ConfineOptions{.filesystem = false}))
      return 10;
    if (::mkdirat(AT_FDCWD, "/tmp/isobox-never-created", 0700) != -1 || errno != EPERM)
      return 11;
    return 0;
  });
  EXPECT_EQ(rc, 0) << "child failed at check " << rc;
}

TEST(WasmConfine, AllowlistIsSmallAndComplete) {
  const auto core = wasm_allowlist(ConfineOptions{.filesystem = false});
  const auto full = wasm_allowlist(ConfineOptions{.filesystem = true, .sockets = true});
  EXPECT_LT(full.size(), 64u); // Docker's default profile allows over 300
  EXPECT_GT(full.size(), core.size());
  for (const char *must : {"openat2", "getdents64", "write", "exit_group"})
    EXPECT_NE(std::find(full.begin(), full.end(), must), full.end()) << must;
  for (const char *never : {"openat", "open", "execve", "socket", "connect", "ptrace", "clone"})
    EXPECT_EQ(std::find(full.begin(), full.end(), never), full.end()) << never;
}

} // namespace
} // namespace isobox::wasm::embed
