// Unit tests for the read-only grant's host check: the tree the harness fills, and every kind of
// change the audit's ro_* scenarios can make to it seen (content, size, mode, mtime, entries);
// the ro_* scenarios as shipped, and the scenario field "quick".
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "eval/audit/host_env.hpp"
#include "eval/audit/ro_grant.hpp"
#include "eval/audit/scenario.hpp"
#include "eval/backend.hpp"

namespace isobox::eval::audit {
namespace {

namespace fs = std::filesystem;

class RoGrantTest : public ::testing::Test {
protected:
  void SetUp() override {
    m_dir = fs::temp_directory_path() / fmt::format("isobox-ro-grant-test-{}", ::getpid());
    fs::remove_all(m_dir);
  }
  void TearDown() override { fs::remove_all(m_dir); }

  // The change `mutate` makes to a freshly filled grant, as the host check reports it.
  std::string change_after(const std::function<void(const std::string &)> &mutate) {
    EXPECT_TRUE(fill_ro_grant(m_dir, "secret-123"));
    const TreeSnapshot before = snapshot_tree(m_dir);
    mutate(m_dir + "/file");
    return tree_change(before, snapshot_tree(m_dir));
  }

  std::string m_dir;
};

TEST_F(RoGrantTest, FillsAFileAndADirectoryAndRefillsFromAnyState) {
  ASSERT_TRUE(fill_ro_grant(m_dir, "secret-123"));
  std::ofstream(m_dir + "/left-behind") << "x";
  ASSERT_TRUE(fill_ro_grant(m_dir, "secret-123"));
  const TreeSnapshot snap = snapshot_tree(m_dir);
  ASSERT_EQ(snap.size(), 2u);
  EXPECT_EQ(snap.at("file").content, "read-only secret-123\n");
  EXPECT_EQ(snap.at("file").mode, 0644u);
  EXPECT_EQ(snap.at("file").mtime_ns, 1'000'000'000LL * 1'000'000'000LL);
  EXPECT_EQ(snap.at("sub").type, 'd');
  EXPECT_EQ(tree_change(snap, snapshot_tree(m_dir)), "");
}

TEST_F(RoGrantTest, SeesEveryChangeTheScenariosAttempt) {
  EXPECT_EQ(change_after([](const std::string &) {}), "");
  EXPECT_EQ(change_after([](const std::string &f) { ::truncate(f.c_str(), 0); }),
            "file changed content (size 21 -> 0)");
  // Same size, other bytes: a content change.
  EXPECT_EQ(change_after(
                [](const std::string &f) { std::fstream(f, std::ios::in | std::ios::out) << "X"; }),
            "file changed content (size 21 -> 21)");
  EXPECT_EQ(change_after([](const std::string &f) { ::chmod(f.c_str(), 0777); }),
            "file changed mode (0644 -> 0777)");
  EXPECT_EQ(change_after([](const std::string &f) {
              const timespec t[2] = {{12345, 0}, {12345, 0}};
              ::utimensat(AT_FDCWD, f.c_str(), t, 0);
            }),
            "file changed mtime (1000000000 -> 12345 s)");
  EXPECT_EQ(change_after([](const std::string &f) { ::unlink(f.c_str()); }), "file is gone");
  EXPECT_EQ(change_after([](const std::string &f) { ::mkdir((f + "-new").c_str(), 0755); }),
            "file-new appeared");
  EXPECT_EQ(change_after([](const std::string &f) {
              ::unlink(f.c_str());
              ::symlink("/etc/passwd", f.c_str());
            }),
            "file changed type (f -> l)");
}

TEST(RoGrantHostEnv, ResetRefillsTheGrantAndTheCheckSeesAChange) {
  const std::string work = fs::temp_directory_path() / fmt::format("isobox-ro-env-{}", ::getpid());
  fs::create_directories(work);
  {
    auto env = HostEnv::create(work);
    ASSERT_TRUE(env) << env.error().message;
    ASSERT_TRUE(env->reset(false));
    EXPECT_EQ(env->ro_grant_change(), "");
    std::ofstream(ro_grant_dir(work) + "/file", std::ios::app) << "appended";
    EXPECT_NE(env->ro_grant_change().find("file changed content"), std::string::npos);
    ASSERT_TRUE(env->reset(false));
    EXPECT_EQ(env->ro_grant_change(), "");
  }
  fs::remove_all(work);
}

TEST(RoGrantBackend, OnlyRunsNamingTheGrantGetIt) {
  EXPECT_TRUE(wants_ro_grant(RunSpec{"ro_grant", {"op", kRoDirToken, kDirToken}}));
  EXPECT_FALSE(wants_ro_grant(RunSpec{"hello", {kDirToken, "{rodir}/file"}}));
  EXPECT_EQ(substitute_dir({kDirToken, kRoDirToken, "x"}, "/data", "/ro"),
            (std::vector<std::string>{"/data", "/ro", "x"}));
  EXPECT_EQ(ro_grant_dir("/w"), "/w/ro-grant");
}

TEST(RoGrantScenarios, FullOnlyOnesAreMarkedAndTheFieldIsChecked) {
  auto all = load_scenarios(default_scenario_dir());
  ASSERT_TRUE(all) << all.error().message;
  int ro = 0, quick = 0;
  for (const auto &s : *all)
    if (s.id.starts_with("ro_")) {
      ro++;
      quick += s.quick ? 1 : 0;
      EXPECT_EQ(s.check.kind, "tree_intact") << s.id;
      EXPECT_EQ(s.expected_for("native", "baseline"), "escaped") << s.id;
    }
  EXPECT_EQ(ro, 12);
  EXPECT_EQ(quick, 3); // ro_truncate, ro_rename_in, ro_link_out
  auto doc = nlohmann::json::parse(R"({"id": "x", "group": "files", "threat": "t", "attempt": "a",
    "program": "ro_grant", "args": ["{rodir}"], "host_check": "h", "quick": "no",
    "check": {"kind": "tree_intact"}, "expected": {"native": "escaped"}})");
  EXPECT_FALSE(parse_scenario(doc));
  doc["quick"] = false;
  auto s = parse_scenario(doc);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_FALSE(s->quick);
}

} // namespace
} // namespace isobox::eval::audit
