// Hooks: state on stdin, args/env passed, failures and timeouts reported with the phase.
#include "oci/container/hooks.hpp"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace isobox::oci {
namespace {

std::string temp_file() {
  char tmpl[] = "/tmp/isobox-hook-XXXXXX";
  int fd = ::mkstemp(tmpl);
  ::close(fd);
  return tmpl;
}

TEST(Hooks, StateOnStdinArgsAndEnv) {
  std::string out = temp_file();
  Hook h{"/bin/sh",
         {"sh", "-c", "cat > \"$OUT\"; echo \"$0 $1\" >> \"$OUT\"", "arg0", "arg1"},
         {"OUT=" + out},
         std::nullopt};
  ASSERT_TRUE(run_hooks({h}, R"({"id":"x"})", "prestart"));
  std::ifstream in(out);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), "{\"id\":\"x\"}arg0 arg1\n");
  ::unlink(out.c_str());
}

TEST(Hooks, FailureNamesPhaseAndStops) {
  std::string out = temp_file();
  ::unlink(out.c_str());
  Hook bad{"/bin/sh", {"sh", "-c", "exit 3"}, {}, std::nullopt};
  Hook never{"/bin/sh", {"sh", "-c", "touch " + out}, {}, std::nullopt};
  auto r = run_hooks({bad, never}, "{}", "createRuntime");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "createRuntime hook /bin/sh exited with status 3");
  EXPECT_NE(::access(out.c_str(), F_OK), 0);
}

TEST(Hooks, TimeoutKills) {
  Hook slow{"/bin/sh", {"sh", "-c", "sleep 10"}, {}, 1};
  auto r = run_hooks({slow}, "{}", "poststart");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("timed out"), std::string::npos);
}

// A state larger than a pipe's buffer and a hook that never reads: the timeout still applies.
TEST(Hooks, TimeoutCoversTheStateWrite) {
  Hook deaf{"/bin/sh", {"sh", "-c", "exec sleep 30"}, {}, 1};
  std::string big(256 * 1024, 'x');
  auto start = std::chrono::steady_clock::now();
  auto r = run_hooks({deaf}, big, "prestart");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("timed out"), std::string::npos) << r.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

// A timeout kills the hook's whole process group, not only the hook itself.
TEST(Hooks, TimeoutKillsTheProcessGroup) {
  std::string pidfile = temp_file();
  Hook forks{"/bin/sh", {"sh", "-c", "sleep 30 & echo $! > " + pidfile + "; wait"}, {}, 1};
  ASSERT_FALSE(run_hooks({forks}, "{}", "createRuntime"));
  std::ifstream in(pidfile);
  pid_t child = 0;
  in >> child;
  ASSERT_GT(child, 0);
  ::usleep(100000);
  std::ifstream stat("/proc/" + std::to_string(child) + "/stat");
  std::string line;
  std::getline(stat, line);
  // gone, or a zombie waiting for init to reap it
  EXPECT_TRUE(line.empty() || line.find(") Z ") != std::string::npos) << line;
  ::unlink(pidfile.c_str());
}

// The SIGPIPE disposition is the caller's again after the hooks (the init execs the container's
// process after its hooks: an ignored SIGPIPE would be inherited).
TEST(Hooks, SigpipeDispositionRestored) {
  struct sigaction before {};
  ::sigaction(SIGPIPE, nullptr, &before);
  ASSERT_EQ(before.sa_handler, SIG_DFL);
  Hook closes{"/bin/sh", {"sh", "-c", "exec 0<&-; exit 0"}, {}, std::nullopt};
  ASSERT_TRUE(run_hooks({closes}, std::string(200000, 'y'), "startContainer"));
  struct sigaction after {};
  ::sigaction(SIGPIPE, nullptr, &after);
  EXPECT_EQ(after.sa_handler, SIG_DFL);
}

// poststart/poststop: a failing hook is a warning and the next hooks still run.
TEST(Hooks, WarnModeRunsEveryHook) {
  std::string out = temp_file();
  ::unlink(out.c_str());
  Hook bad{"/bin/sh", {"sh", "-c", "exit 3"}, {}, std::nullopt};
  Hook next{"/bin/sh", {"sh", "-c", "touch " + out}, {}, std::nullopt};
  run_hooks_warn({bad, next}, "{}", "poststop");
  EXPECT_EQ(::access(out.c_str(), F_OK), 0);
  ::unlink(out.c_str());
}

TEST(Hooks, MissingBinaryFails) {
  Hook h{"/nonexistent/hook", {}, {}, std::nullopt};
  EXPECT_FALSE(run_hooks({h}, "{}", "poststop"));
}

} // namespace
} // namespace isobox::oci
