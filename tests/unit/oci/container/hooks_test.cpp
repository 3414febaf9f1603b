// Hooks: state on stdin, args/env passed, failures and timeouts reported with the phase.
#include "oci/container/hooks.hpp"

#include <unistd.h>

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

TEST(Hooks, MissingBinaryFails) {
  Hook h{"/nonexistent/hook", {}, {}, std::nullopt};
  EXPECT_FALSE(run_hooks({h}, "{}", "poststop"));
}

} // namespace
} // namespace isobox::oci
