// Tests read_file: whole files larger than one read chunk, empty files, /proc files (size 0 in
// stat), and the one-line error for a missing file; replace_file and planted symlinks.
#include "common/file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace isobox {
namespace {

class ReadFile : public ::testing::Test {
protected:
  void SetUp() override {
    char tmpl[] = "/tmp/isobox-file-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    m_dir = tmpl;
  }
  void TearDown() override { std::system(("rm -rf " + m_dir).c_str()); }

  std::string write(const std::string &name, const std::string &content) {
    const std::string path = m_dir + "/" + name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  std::string m_dir;
};

TEST_F(ReadFile, ReadsMoreThanOneChunkExactly) {
  std::string big;
  for (int i = 0; i < 50000; ++i)
    big += static_cast<char>('a' + i % 26);
  big += '\0';
  big += "tail\n";
  auto got = read_file(write("big", big));
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, big);
}

TEST_F(ReadFile, EmptyFileIsEmptyString) {
  auto got = read_file(write("empty", ""));
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, "");
}

TEST_F(ReadFile, ProcFileWithZeroStatSize) {
  auto got = read_file("/proc/self/status");
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_NE(got->find("Pid:\t" + std::to_string(::getpid()) + "\n"), std::string::npos);
}

TEST_F(ReadFile, MissingFileNamesPathAndErrno) {
  auto got = read_file(m_dir + "/nope");
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().errno_value, ENOENT);
  EXPECT_EQ(got.error().message.find("open " + m_dir + "/nope: "), 0u) << got.error().message;
}

TEST_F(ReadFile, DirectoryIsAnError) {
  auto got = read_file(m_dir);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().errno_value, EISDIR);
}

} // namespace
} // namespace isobox

namespace isobox {
namespace {

// replace_file: a symlink planted at the path or at the old fixed temp name is never followed.
TEST_F(ReadFile, ReplaceFileNeverFollowsPlantedLinks) {
  const std::string victim = write("victim", "keep");
  const std::string path = m_dir + "/pid";
  ASSERT_EQ(::symlink(victim.c_str(), path.c_str()), 0);
  ASSERT_EQ(::symlink(victim.c_str(), (path + ".tmp").c_str()), 0);
  ASSERT_TRUE(replace_file(path, "42", 0644));
  EXPECT_EQ(*read_file(victim), "keep");
  EXPECT_EQ(*read_file(path), "42");
  struct stat st {};
  ASSERT_EQ(::lstat(path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0644u);
}

TEST_F(ReadFile, ReplaceFileInAMissingDirectoryLeavesNothing) {
  auto r = replace_file(m_dir + "/no/such/pid", "1", 0644);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("no/such"), std::string::npos) << r.error().message;
}

} // namespace
} // namespace isobox

TEST(Mountinfo, UnescapesOctalAndLeavesTheRestAlone) {
  EXPECT_EQ(isobox::unescape_mountinfo("/mnt/a\\040b\\011c\\134d"), "/mnt/a b\tc\\d");
  EXPECT_EQ(isobox::unescape_mountinfo("/x\\04"), "/x\\04");   // too short to be an escape
  EXPECT_EQ(isobox::unescape_mountinfo("/x\\09y"), "/x\\09y"); // 9 is not octal
}
