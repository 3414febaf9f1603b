// Tests the runc verbs' option parsing in-process: repeatable options leave the container id to
// the positionals, numbers are strict, and every usage error is one line with runc's exit code.
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli/app.hpp"
#include "cli/strict_flags.hpp"

namespace isobox::cli {
namespace {

class OciFlags : public testing::Test {
protected:
  void SetUp() override {
    char tmpl[] = "/tmp/isobox-cli-flags.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  // Runs `isobox --root ROOT ARGS...`; stderr in err_.
  int run(std::vector<std::string> args) {
    args.insert(args.begin(), {"isobox", "--root", root_});
    std::vector<char *> argv;
    for (auto &a : args)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    testing::internal::CaptureStderr();
    int rc = run_cli(static_cast<int>(args.size()), argv.data());
    err_ = testing::internal::GetCapturedStderr();
    return rc;
  }

  // The failure is one line naming `what`, with exit 1, and nothing was created under --root.
  void expect_one_line_error(const std::vector<std::string> &args, const std::string &what) {
    EXPECT_EQ(run(args), 1) << err_;
    EXPECT_EQ(std::count(err_.begin(), err_.end(), '\n'), 1) << err_;
    EXPECT_NE(err_.find(what), std::string::npos) << "expected '" << what << "' in: " << err_;
    EXPECT_TRUE(std::filesystem::is_empty(root_)) << "something was created under --root";
  }

  std::string root_, err_;
};

// The id comes after a repeatable option: it must be read as the id, which does not exist here.
TEST_F(OciFlags, RepeatableExecOptionsLeaveTheIdToThePositionals) {
  for (const auto &opt : std::vector<std::vector<std::string>>{{"-e", "A=B"},
                                                               {"--env", "A=B", "-e", "C=D"},
                                                               {"-g", "5", "-g", "6"},
                                                               {"-c", "CAP_KILL"},
                                                               {"--cap", "CAP_KILL"}}) {
    std::vector<std::string> args{"exec"};
    args.insert(args.end(), opt.begin(), opt.end());
    args.insert(args.end(), {"c1", "true"});
    expect_one_line_error(args, "\"c1\" does not exist");
  }
}

TEST_F(OciFlags, ExecNumbersAreStrict) {
  expect_one_line_error({"exec", "-g", "abc", "c1", "true"}, "'abc'");
  expect_one_line_error({"exec", "-g", "-1", "c1", "true"}, "--additional-gids");
  expect_one_line_error({"exec", "-g", "4294967296", "c1", "true"}, "'4294967296'");
  expect_one_line_error({"exec", "-u", "12abc", "c1", "true"}, "'12abc'");
  expect_one_line_error({"exec", "-u", "4294967297", "c1", "true"}, "--user");
  expect_one_line_error({"exec", "-u", "4294967295", "c1", "true"}, "--user");
  expect_one_line_error({"exec", "-u", "1:2x", "c1", "true"}, "gid '2x'");
  expect_one_line_error({"exec", "-u", "", "c1", "true"}, "--user");
  expect_one_line_error({"exec", "-u", "1:", "c1", "true"}, "--user");
  expect_one_line_error({"exec", "--preserve-fds", "abc", "c1", "true"}, "--preserve-fds");
  expect_one_line_error({"exec", "--preserve-fds", "-1", "c1", "true"}, "--preserve-fds");
}

TEST_F(OciFlags, CreateAndRunPreserveFdsAreStrict) {
  for (const char *verb : {"create", "run"}) {
    expect_one_line_error({verb, "--preserve-fds", "3x", "c1"}, "'3x'");
    expect_one_line_error({verb, "--preserve-fds", "99999999999", "c1"}, "--preserve-fds");
    expect_one_line_error({verb, "--preserve-fds", "+1", "c1"}, "--preserve-fds");
  }
}

TEST_F(OciFlags, KillSignalsAreStrict) {
  for (const char *sig : {"RTMIN+abc", "RTMIN+", "9x", "99999", "0"})
    expect_one_line_error({"kill", "c1", sig}, "unknown signal");
}

TEST_F(OciFlags, UsageErrorsOfRuncVerbsAreOneLineExitOne) {
  expect_one_line_error({"kill"}, "isobox: kill:");
  expect_one_line_error({"state"}, "isobox: state:");
  expect_one_line_error({"delete", "--bogus", "c1"}, "isobox: delete:");
  expect_one_line_error({"list", "--format", "xml"}, "isobox: list:");
  expect_one_line_error({"ps", "--format", "xml", "c1"}, "isobox: ps:");
  for (const char *verb : {"start", "pause", "resume", "create", "run"})
    expect_one_line_error({verb}, std::string("isobox: ") + verb + ":");
  expect_one_line_error({"state", "c1", "c2"}, "isobox: state:");
  expect_one_line_error({"spec", "--bundle"}, "isobox: spec:");
  expect_one_line_error({"exec"}, "container id is required");
  expect_one_line_error({"exec", "c1"}, "no command given");
}

TEST(UserSpec, ParsesUidAndGid) {
  auto u = parse_user_spec("1000:100");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->uid, 1000u);
  EXPECT_EQ(u->gid, 100u);
  u = parse_user_spec("0");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->uid, 0u);
  EXPECT_FALSE(u->gid);
  EXPECT_TRUE(parse_user_spec("4294967294:4294967294"));
  EXPECT_FALSE(parse_user_spec("root"));
  EXPECT_FALSE(parse_user_spec("1:2:3"));
}

} // namespace
} // namespace isobox::cli
