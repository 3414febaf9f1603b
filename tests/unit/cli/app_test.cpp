// Tests the CLI entry point in-process: exit codes for version, help and usage errors.
#include "cli/app.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace isobox::cli {
namespace {

int run(std::vector<std::string> args) {
  args.insert(args.begin(), "isobox");
  std::vector<char *> argv;
  for (auto &a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  return run_cli(static_cast<int>(args.size()), argv.data());
}

TEST(Cli, VersionExitsZero) {
  testing::internal::CaptureStdout();
  EXPECT_EQ(run({"--version"}), 0);
  EXPECT_NE(testing::internal::GetCapturedStdout().find("isobox version"), std::string::npos);
}

TEST(Cli, UnknownFlagIsUsageError) {
  testing::internal::CaptureStderr();
  EXPECT_EQ(run({"--bogus"}), 2);
  EXPECT_NE(testing::internal::GetCapturedStderr().find("isobox:"), std::string::npos);
}

TEST(Cli, HelpForUnknownCommandFails) {
  testing::internal::CaptureStderr();
  EXPECT_EQ(run({"help", "nope"}), 2);
  testing::internal::GetCapturedStderr();
}

} // namespace
} // namespace isobox::cli
