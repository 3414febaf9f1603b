// The compiler child's confinement, seen from outside: its identity, capabilities, no_new_privs,
// seccomp mode and descriptors in /proc while it runs, and a syscall outside its list ends it.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include "wasm/embed/compiler_sandbox.hpp"

namespace isobox::wasm::embed {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitizerBuild = true;
#else
constexpr bool kSanitizerBuild = false;
#endif

/// A forked child that confines itself with the write end of a pipe kept, then runs `after`.
/// The parent gets the child's pid and the read end.
struct ConfinedChild {
  pid_t pid = -1;
  int answer = -1;

  template <typename F> explicit ConfinedChild(F after) {
    int fds[2];
    EXPECT_EQ(::pipe2(fds, O_CLOEXEC), 0);
    // A descriptor the child must not keep (not close-on-exec, like one a caller leaked).
    const int stray = ::open("/dev/null", O_RDONLY);
    pid = ::fork();
    if (pid == 0) {
      ::close(fds[0]);
      if (!confine_compiler(fds[1])) {
        constexpr char kFailed = 'E';
        (void)!::write(fds[1], &kFailed, 1);
        ::_exit(9);
      }
      ::_exit(after(fds[1]));
    }
    ::close(fds[1]);
    ::close(stray);
    answer = fds[0];
  }
  ~ConfinedChild() {
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
    ::close(answer);
  }
  char read_one() const {
    char c = 0;
    return ::read(answer, &c, 1) == 1 ? c : 0;
  }
  int wait() {
    int status = 0;
    ::waitpid(pid, &status, 0);
    pid = -1;
    return status;
  }
};

std::map<std::string, std::string> proc_status(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::map<std::string, std::string> fields;
  for (std::string line; std::getline(in, line);)
    if (const auto colon = line.find(':'); colon != std::string::npos) {
      const auto value = line.find_first_not_of(" \t", colon + 1);
      fields[line.substr(0, colon)] = value == std::string::npos ? "" : line.substr(value);
    }
  return fields;
}

TEST(CompilerSandbox, RunsWithoutIdentityCapabilitiesOrDescriptors) {
  // The child signals that it is confined, then spins without a syscall until killed.
  ConfinedChild child([](int out) {
    const char ready = 'R';
    (void)!::write(out, &ready, 1);
    for (;;)
      asm volatile("" ::: "memory"); // no syscall, and not optimised away
    return 0;
  });
  ASSERT_EQ(child.read_one(), 'R');
  auto status = proc_status(child.pid);
  EXPECT_EQ(status["NoNewPrivs"], "1");
  EXPECT_EQ(status["Seccomp"], "2");
  EXPECT_EQ(status["CapEff"], "0000000000000000");
  EXPECT_EQ(status["CapPrm"], "0000000000000000");
  EXPECT_EQ(status["CapInh"], "0000000000000000");
  EXPECT_EQ(status["CapAmb"], "0000000000000000");
  if (::geteuid() == 0) {
    const std::string nobody = std::to_string(kCompilerId);
    EXPECT_EQ(status["Uid"], nobody + "\t" + nobody + "\t" + nobody + "\t" + nobody);
    EXPECT_EQ(status["Gid"], nobody + "\t" + nobody + "\t" + nobody + "\t" + nobody);
    EXPECT_EQ(status["Groups"], "");
    EXPECT_EQ(status["CapBnd"], "0000000000000000");
    // Only the pipe is left (and stderr in sanitizer builds, for their reports).
    std::set<std::string> fds;
    for (const auto &e :
         std::filesystem::directory_iterator("/proc/" + std::to_string(child.pid) + "/fd"))
      fds.insert(e.path().filename().string());
    EXPECT_EQ(fds.size(), kSanitizerBuild ? 2u : 1u);
    if (kSanitizerBuild) {
      EXPECT_EQ(fds.count("2"), 1u);
    }
  }
}

TEST(CompilerSandbox, MemoryAndTheAnswerPipeStillWork) {
  ConfinedChild child([](int out) {
    // What LLVM does most: allocate (brk and mmap), grow, free.
    char *p = static_cast<char *>(std::malloc(64 << 20));
    std::memset(p, 1, 64 << 20);
    p = static_cast<char *>(std::realloc(p, 128 << 20));
    std::free(p);
    const char ok = 'O';
    return ::write(out, &ok, 1) == 1 ? 0 : 1;
  });
  EXPECT_EQ(child.read_one(), 'O');
  const int status = child.wait();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

/// A call outside the list: the filter kills the process (sanitizer builds: EPERM).
void expect_refused(long nr, long a0, long a1, long a2) {
  ConfinedChild child([&](int) {
    const long r = ::syscall(nr, a0, a1, a2);
    return r == -1 && errno == EPERM ? 7 : 0;
  });
  const int status = child.wait();
  if (kSanitizerBuild)
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 7) << status;
  else
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS) << status;
}

TEST(CompilerSandbox, AnOpenKillsIt) {
  expect_refused(SYS_openat, AT_FDCWD, reinterpret_cast<long>("/etc/passwd"), O_RDONLY);
}

TEST(CompilerSandbox, ASocketKillsIt) { expect_refused(SYS_socket, AF_UNIX, SOCK_STREAM, 0); }

TEST(CompilerSandbox, AnExecutableMappingKillsIt) {
  expect_refused(SYS_mmap, 0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC);
}

TEST(CompilerSandbox, ASignalToAnotherProcessKillsIt) {
  expect_refused(SYS_kill, ::getppid(), 0, 0);
}

TEST(CompilerSandbox, TheListIsSmall) {
  const auto names = compiler_allowlist();
  EXPECT_LE(names.size(), kSanitizerBuild ? 22u : 18u);
  for (std::string_view forbidden : {"open", "openat", "socket", "execve", "ptrace", "clone"})
    EXPECT_EQ(std::count(names.begin(), names.end(), forbidden), 0) << forbidden;
}

} // namespace
} // namespace isobox::wasm::embed
