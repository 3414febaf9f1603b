// State persistence, status computation, ids and signal names (no root needed).
#include "oci/container/state.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "oci/container/operations.hpp"

namespace isobox::oci {
namespace {

class TempRoot : public testing::Test {
protected:
  void SetUp() override {
    char tmpl[] = "/tmp/isobox-state-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    m_root = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(m_root); }
  ContainerState make(const std::string &id) {
    ContainerState s;
    s.id = id;
    s.pid = ::getpid();
    s.pid_start = process_start_time(s.pid);
    s.bundle = "/b";
    s.rootfs = "/b/rootfs";
    s.created = rfc3339_now();
    s.annotations = {{"k", "v"}};
    s.state_dir = state_dir(m_root, id);
    ::mkdir(s.state_dir.c_str(), 0700);
    return s;
  }
  std::string m_root;
};

TEST_F(TempRoot, SaveLoadRoundTrip) {
  auto s = make("abc");
  ASSERT_TRUE(save_state(s));
  auto loaded = load_state(m_root, "abc");
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded->pid, s.pid);
  EXPECT_EQ(loaded->pid_start, s.pid_start);
  EXPECT_EQ(loaded->annotations.at("k"), "v");
  EXPECT_EQ(loaded->state_dir, s.state_dir);
}

TEST_F(TempRoot, MissingContainerIsClearError) {
  auto loaded = load_state(m_root, "nope");
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().message, "container \"nope\" does not exist");
}

TEST_F(TempRoot, StatusFollowsFifoAndProcess) {
  auto s = make("st");
  std::string fifo = s.state_dir + "/exec.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(current_status(s), ContainerStatus::Created);
  ::unlink(fifo.c_str());
  EXPECT_EQ(current_status(s), ContainerStatus::Running);
  s.pid_start += 1; // a reused pid is not our init
  EXPECT_EQ(current_status(s), ContainerStatus::Stopped);
}

TEST_F(TempRoot, StateJsonHasRuncFields) {
  auto s = make("js");
  auto j = nlohmann::json::parse(state_json(s, ContainerStatus::Running));
  for (const char *k :
       {"ociVersion", "id", "pid", "status", "bundle", "rootfs", "created", "owner"})
    EXPECT_TRUE(j.contains(k)) << k;
  EXPECT_EQ(j["status"], "running");
  EXPECT_EQ(j["pid"], s.pid);
  auto stopped = nlohmann::json::parse(state_json(s, ContainerStatus::Stopped));
  EXPECT_EQ(stopped["pid"], 0);
}

TEST_F(TempRoot, ListShowsPartialDirsAndSkipsTempDirs) {
  ASSERT_TRUE(save_state(make("b")));
  ASSERT_TRUE(save_state(make("a")));
  ::mkdir((m_root + "/junk").c_str(), 0700);       // no state.json: a partial container
  ::mkdir((m_root + "/.c.1-2.new").c_str(), 0700); // a create's temp dir: not a container
  auto all = list_containers(m_root);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, "a");
  EXPECT_EQ(all[2].id, "junk");
  EXPECT_EQ(current_status(all[2]), ContainerStatus::Partial);
  EXPECT_EQ(nlohmann::json::parse(state_json(all[2], ContainerStatus::Partial))["status"],
            "partial");
}

TEST_F(TempRoot, CreatingRecordRoundTripsAndTurnsPartialWhenItsWriterDies) {
  auto s = make("cr");
  s.creating = true;
  s.creator_pid = ::getpid();
  s.creator_start = process_start_time(s.creator_pid);
  s.cgroup_created = {"/sys/fs/cgroup/pids/cr", "/sys/fs/cgroup/unified/cr"};
  ASSERT_TRUE(save_state(s));
  auto loaded = load_state(m_root, "cr");
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_TRUE(loaded->creating);
  EXPECT_EQ(loaded->cgroup_created, s.cgroup_created);
  EXPECT_EQ(current_status(*loaded), ContainerStatus::Creating);
  loaded->creator_start += 1; // the writer is gone (its pid reused)
  EXPECT_EQ(current_status(*loaded), ContainerStatus::Partial);
}

TEST_F(TempRoot, ClaimStateDirIsExclusiveAndLeavesNoTempDir) {
  ContainerState first;
  first.id = "dup";
  first.bundle = "/one";
  ASSERT_TRUE(claim_state_dir(m_root, first));
  ContainerState second;
  second.id = "dup";
  second.bundle = "/two";
  auto again = claim_state_dir(m_root, second);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message, "container \"dup\" already exists");
  auto loaded = load_state(m_root, "dup");
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->bundle, "/one");
  size_t entries = 0;
  for ([[maybe_unused]] const auto &e : std::filesystem::directory_iterator(m_root))
    ++entries;
  EXPECT_EQ(entries, 1u);
}

TEST(ContainerId, Rules) {
  EXPECT_TRUE(validate_id("abc-1.2_x+y"));
  EXPECT_FALSE(validate_id(""));
  EXPECT_FALSE(validate_id("../etc"));
  EXPECT_FALSE(validate_id("a/b"));
  EXPECT_FALSE(validate_id("-a"));
  EXPECT_FALSE(validate_id(std::string(1025, 'a')));
}

TEST(Rfc3339, HasNanosecondsAndZ) {
  std::string t = rfc3339_now();
  ASSERT_EQ(t.size(), 30u) << t;
  EXPECT_EQ(t[10], 'T');
  EXPECT_EQ(t.back(), 'Z');
}

TEST(SignalNames, AsRuncParsesThem) {
  EXPECT_EQ(parse_signal("KILL"), SIGKILL);
  EXPECT_EQ(parse_signal("SIGKILL"), SIGKILL);
  EXPECT_EQ(parse_signal("sigterm"), SIGTERM);
  EXPECT_EQ(parse_signal("9"), 9);
  EXPECT_EQ(parse_signal("15"), SIGTERM);
  EXPECT_EQ(parse_signal("USR1"), SIGUSR1);
  EXPECT_EQ(parse_signal("RTMIN+1"), SIGRTMIN + 1);
  EXPECT_EQ(parse_signal("SIGRTMAX-2"), SIGRTMAX - 2);
  EXPECT_FALSE(parse_signal("BOGUS"));
  EXPECT_FALSE(parse_signal("0"));
  EXPECT_FALSE(parse_signal("99999"));
  EXPECT_FALSE(parse_signal(""));
}

TEST(SignalNames, TrailingTextAndOutOfRangeOffsetsAreRefused) {
  for (const char *bad : {"RTMIN+abc", "RTMIN+", "RTMAX-", "RTMIN+1x", "RTMIN+-1", "RTMIN++1",
                          "RTMAX-99", "RTMIN+99999999999", "9x", "x9", " 9", "+9", "65"})
    EXPECT_FALSE(parse_signal(bad)) << bad;
  EXPECT_EQ(parse_signal("RTMIN"), SIGRTMIN);
  EXPECT_EQ(parse_signal("RTMAX-0"), SIGRTMAX);
  EXPECT_EQ(parse_signal("RTMIN+30"), SIGRTMAX);
  EXPECT_EQ(parse_signal("009"), 9);
}

} // namespace
} // namespace isobox::oci
