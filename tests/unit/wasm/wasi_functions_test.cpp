// WASI functions against real host files: args/env, clocks, random, fd I/O, readdir, stat,
// poll_oneoff and sockets. Layouts are checked at the byte offsets of the preview1 witx.
#include <sys/socket.h>

#include <chrono>
#include <set>

#include "wasi_fixture.hpp"

namespace isobox::wasm::wasi::test {
namespace {

class FunctionsTest : public WasiFixture {
protected:
  void extra_config(WasiConfig &cfg) override {
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, m_pair), 0);
    cfg.sockets = {m_pair[0]};
  }
  void TearDown() override {
    ::close(m_pair[0]);
    ::close(m_pair[1]);
    WasiFixture::TearDown();
  }
  /// One iovec at `iov` for `len` bytes at `buf`.
  void iovec_at(uint32_t iov, uint32_t buf, uint32_t len) {
    std::memcpy(memory.data() + iov, &buf, 4);
    std::memcpy(memory.data() + iov + 4, &len, 4);
  }
  static constexpr uint32_t kSock = 5;
  int m_pair[2] = {-1, -1};
};

TEST_F(FunctionsTest, ArgsAndEnviron) {
  ASSERT_EQ(wasi->args_sizes_get(mem, 100, 104), Errno::Success);
  EXPECT_EQ(load<uint32_t>(100), 2u);
  EXPECT_EQ(load<uint32_t>(104), 8u); // "prog\0a1\0"
  ASSERT_EQ(wasi->args_get(mem, 200, 300), Errno::Success);
  EXPECT_EQ(load<uint32_t>(200), 300u);
  EXPECT_EQ(load<uint32_t>(204), 305u);
  EXPECT_EQ(std::string(reinterpret_cast<char *>(memory.data() + 305)), "a1");
  ASSERT_EQ(wasi->environ_sizes_get(mem, 100, 104), Errno::Success);
  EXPECT_EQ(load<uint32_t>(100), 1u);
  EXPECT_EQ(load<uint32_t>(104), 4u);
  ASSERT_EQ(wasi->environ_get(mem, 200, 300), Errno::Success);
  EXPECT_EQ(std::string(reinterpret_cast<char *>(memory.data() + 300)), "K=V");
}

TEST_F(FunctionsTest, ClocksAndRandom) {
  for (uint32_t id = 0; id < 4; ++id) {
    ASSERT_EQ(wasi->clock_res_get(mem, id, 100), Errno::Success);
    EXPECT_GT(load<uint64_t>(100), 0u);
    ASSERT_EQ(wasi->clock_time_get(mem, id, 0, 100), Errno::Success);
  }
  EXPECT_EQ(wasi->clock_time_get(mem, 4, 0, 100), Errno::Inval);
  ASSERT_EQ(wasi->clock_time_get(mem, 0, 0, 100), Errno::Success);
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const auto guest = std::chrono::nanoseconds(load<uint64_t>(100));
  EXPECT_LT(std::chrono::abs(now - guest), std::chrono::seconds(5));
  ASSERT_EQ(wasi->random_get(mem, 500, 64), Errno::Success);
  std::set<uint8_t> distinct(memory.begin() + 500, memory.begin() + 564);
  EXPECT_GT(distinct.size(), 16u);
  EXPECT_EQ(wasi->sched_yield(), Errno::Success);
}

TEST_F(FunctionsTest, WriteSeekReadStat) {
  uint32_t fd = 0;
  ASSERT_EQ(open(kRoot, "new.txt", oflags::Creat | oflags::Excl,
                 rights::FdRead | rights::FdWrite | rights::FdSeek | rights::FdTell |
                     rights::FdFilestatGet | rights::FdFilestatSetSize,
                 lookupflags::SymlinkFollow, &fd),
            Errno::Success);
  EXPECT_EQ(open(kRoot, "new.txt", oflags::Creat | oflags::Excl, rights::FdWrite), Errno::Exist);
  const uint32_t text = put("hello, wasi");
  iovec_at(600, text, 5);
  iovec_at(608, text + 5, 6);
  ASSERT_EQ(wasi->fd_write(mem, fd, 600, 2, kOut), Errno::Success);
  EXPECT_EQ(load<uint32_t>(kOut), 11u);
  ASSERT_EQ(wasi->fd_tell(mem, fd, 700), Errno::Success);
  EXPECT_EQ(load<uint64_t>(700), 11u);
  ASSERT_EQ(wasi->fd_seek(mem, fd, static_cast<uint64_t>(-4), 1, 700), Errno::Success);
  EXPECT_EQ(load<uint64_t>(700), 7u);
  EXPECT_EQ(read_all(fd), "wasi");
  iovec_at(600, 5000, 5);
  ASSERT_EQ(wasi->fd_pread(mem, fd, 600, 1, 0, kOut), Errno::Success);
  EXPECT_EQ(std::string(reinterpret_cast<char *>(memory.data() + 5000), 5), "hello");
  ASSERT_EQ(wasi->fd_filestat_get(mem, fd, 800), Errno::Success);
  EXPECT_EQ(load<uint8_t>(800 + 16), static_cast<uint8_t>(Filetype::RegularFile));
  EXPECT_EQ(load<uint64_t>(800 + 32), 11u);
  EXPECT_EQ(load<uint64_t>(800 + 24), 1u); // nlink
  ASSERT_EQ(wasi->fd_filestat_set_size(fd, 5), Errno::Success);
  EXPECT_EQ(slurp(m_tmp / "root/new.txt"), "hello");
  ASSERT_EQ(wasi->fd_fdstat_get(mem, fd, 900), Errno::Success);
  EXPECT_EQ(load<uint8_t>(900), static_cast<uint8_t>(Filetype::RegularFile));
  EXPECT_EQ(load<uint64_t>(908) & rights::FdWrite, rights::FdWrite);
  EXPECT_EQ(wasi->fd_seek(mem, fd, 0, 3, 700), Errno::Inval);
  EXPECT_EQ(wasi->fd_close(fd), Errno::Success);
  EXPECT_EQ(wasi->fd_close(fd), Errno::Badf);
}

TEST_F(FunctionsTest, ReaddirWithCookiesSeesEveryEntryOnce) {
  for (int i = 0; i < 40; ++i)
    spit(m_tmp / "root/sub" / ("entry-" + std::to_string(i)), "x");
  uint32_t dir = 0;
  ASSERT_EQ(
      open(kRoot, "sub", oflags::Directory, rights::FdReaddir, lookupflags::SymlinkFollow, &dir),
      Errno::Success);
  // A small buffer forces many calls that resume by cookie, like wasi-libc's readdir.
  std::multiset<std::string> names;
  uint64_t cookie = 0;
  for (int guard = 0; guard < 1000; ++guard) {
    const uint32_t buf = 10000, len = 100;
    ASSERT_EQ(wasi->fd_readdir(mem, dir, buf, len, cookie, kOut), Errno::Success);
    const uint32_t used = load<uint32_t>(kOut);
    uint32_t at = 0;
    while (at + layout::DirentSize <= used) {
      const uint32_t namlen = load<uint32_t>(buf + at + 16);
      if (at + layout::DirentSize + namlen > used)
        break; // cut entry: ask again from the previous cookie
      names.insert(std::string(reinterpret_cast<char *>(memory.data() + buf + at + 24), namlen));
      cookie = load<uint64_t>(buf + at);
      at += layout::DirentSize + namlen;
    }
    if (used < len)
      break;
  }
  EXPECT_EQ(names.size(), 42u); // 40 files, "." and ".."
  EXPECT_EQ(names.count("entry-7"), 1u);
  EXPECT_EQ(names.count(".."), 1u);
  EXPECT_EQ(wasi->fd_readdir(mem, kRoot + 100, 10000, 100, 0, kOut), Errno::Badf);
}

TEST_F(FunctionsTest, DirectoriesSymlinksAndTimes) {
  EXPECT_EQ(on_path(&Wasi::path_create_directory, kRoot, "d"), Errno::Success);
  EXPECT_EQ(on_path(&Wasi::path_create_directory, kRoot, "d"), Errno::Exist);
  EXPECT_TRUE(fs::is_directory(m_tmp / "root/d"));
  EXPECT_EQ(symlink("../file", kRoot, "d/link"), Errno::Success);
  uint32_t fd = 0;
  ASSERT_EQ(open(kRoot, "d/link", 0, rights::FdRead, lookupflags::SymlinkFollow, &fd),
            Errno::Success);
  EXPECT_EQ(read_all(fd), "inside");
  EXPECT_EQ(on_path(&Wasi::path_remove_directory, kRoot, "d"), Errno::NotEmpty);
  EXPECT_EQ(on_path(&Wasi::path_unlink_file, kRoot, "d/link"), Errno::Success);
  EXPECT_EQ(on_path(&Wasi::path_unlink_file, kRoot, "d"), Errno::IsDir);
  EXPECT_EQ(on_path(&Wasi::path_remove_directory, kRoot, "d/"), Errno::Success);
  EXPECT_FALSE(fs::exists(m_tmp / "root/d"));
  const uint32_t p = put("file");
  ASSERT_EQ(wasi->path_filestat_set_times(mem, kRoot, lookupflags::SymlinkFollow, p, 4,
                                          1'000'000'000ull * 1000, 1'000'000'000ull * 2000,
                                          fstflags::Atim | fstflags::Mtim),
            Errno::Success);
  ASSERT_EQ(stat_path(kRoot, "file", true), Errno::Success);
  EXPECT_EQ(load<uint64_t>(2048 + 40), 1'000'000'000ull * 1000);
  EXPECT_EQ(load<uint64_t>(2048 + 48), 1'000'000'000ull * 2000);
  EXPECT_EQ(
      wasi->path_filestat_set_times(mem, kRoot, 0, p, 4, 0, 0, fstflags::Atim | fstflags::AtimNow),
      Errno::Inval);
}

TEST_F(FunctionsTest, PrestatNamesTheGrants) {
  ASSERT_EQ(wasi->fd_prestat_get(mem, kRo, 100), Errno::Success);
  EXPECT_EQ(load<uint8_t>(100), kPreopentypeDir);
  EXPECT_EQ(load<uint32_t>(104), 3u);
  EXPECT_EQ(wasi->fd_prestat_dir_name(mem, kRo, 200, 2), Errno::NameTooLong);
  ASSERT_EQ(wasi->fd_prestat_dir_name(mem, kRo, 200, 3), Errno::Success);
  EXPECT_EQ(std::string(reinterpret_cast<char *>(memory.data() + 200), 3), "/ro");
}

TEST_F(FunctionsTest, PollClockTimesOut) {
  // One relative monotonic clock subscription of 20 ms (subscription layout: witx).
  const uint32_t sub = 3000;
  const uint64_t userdata = 0xfeed, timeout = 20'000'000;
  std::memcpy(memory.data() + sub, &userdata, 8);
  memory[sub + 8] = 0;
  const uint32_t clock = 1;
  std::memcpy(memory.data() + sub + 16, &clock, 4);
  std::memcpy(memory.data() + sub + 24, &timeout, 8);
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(wasi->poll_oneoff(mem, sub, 4000, 1, kOut), Errno::Success);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(19));
  EXPECT_EQ(load<uint32_t>(kOut), 1u);
  EXPECT_EQ(load<uint64_t>(4000), userdata);
  EXPECT_EQ(load<uint16_t>(4008), 0u);
  EXPECT_EQ(load<uint8_t>(4010), 0u);
  EXPECT_EQ(wasi->poll_oneoff(mem, sub, 4000, 0, kOut), Errno::Inval);
}

TEST_F(FunctionsTest, PollFdReadinessAndSockets) {
  ASSERT_EQ(::write(m_pair[1], "ping!", 5), 5);
  // fd_read subscription on the socket plus a long clock: the fd wins at once.
  const uint32_t sub = 3000;
  std::memset(memory.data() + sub, 0, 96);
  memory[sub] = 7;
  memory[sub + 8] = static_cast<uint8_t>(EventType::FdRead);
  std::memcpy(memory.data() + sub + 16, &kSock, 4);
  const uint64_t ten_s = 10'000'000'000ull;
  memory[sub + 48] = 9;
  memory[sub + 56] = 0;
  const uint32_t mono = 1;
  std::memcpy(memory.data() + sub + 48 + 16, &mono, 4);
  std::memcpy(memory.data() + sub + 48 + 24, &ten_s, 8);
  ASSERT_EQ(wasi->poll_oneoff(mem, sub, 4000, 2, kOut), Errno::Success);
  ASSERT_EQ(load<uint32_t>(kOut), 1u);
  EXPECT_EQ(load<uint64_t>(4000), 7u);
  EXPECT_EQ(load<uint8_t>(4010), static_cast<uint8_t>(EventType::FdRead));
  EXPECT_EQ(load<uint64_t>(4016), 5u);
  // sock_recv / sock_send / sock_shutdown on the pre-opened socket.
  iovec_at(600, 5000, 16);
  ASSERT_EQ(wasi->sock_recv(mem, kSock, 600, 1, 0, 700, 704), Errno::Success);
  EXPECT_EQ(load<uint32_t>(700), 5u);
  EXPECT_EQ(std::string(reinterpret_cast<char *>(memory.data() + 5000), 5), "ping!");
  const uint32_t pong = put("pong");
  iovec_at(600, pong, 4);
  ASSERT_EQ(wasi->sock_send(mem, kSock, 600, 1, 0, 700), Errno::Success);
  char buf[8] = {};
  ASSERT_EQ(::read(m_pair[1], buf, sizeof buf), 4);
  EXPECT_EQ(std::string(buf, 4), "pong");
  EXPECT_EQ(wasi->sock_shutdown(kSock, sdflags::Wr), Errno::Success);
  EXPECT_EQ(::read(m_pair[1], buf, sizeof buf), 0);
  EXPECT_EQ(wasi->sock_shutdown(kSock, 0), Errno::Inval);
  EXPECT_EQ(wasi->sock_shutdown(kRoot, sdflags::Wr), Errno::NotCapable);
  // A socketpair end is no listening socket.
  EXPECT_EQ(wasi->sock_accept(mem, kSock, 0, kOut), Errno::Inval);
}

TEST_F(FunctionsTest, ParseDirGrant) {
  auto g = parse_dir_grant("/host/data::/data:ro");
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(g->host, "/host/data");
  EXPECT_EQ(g->guest, "/data");
  EXPECT_TRUE(g->read_only);
  g = parse_dir_grant(".");
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(g->guest, ".");
  EXPECT_FALSE(g->read_only);
  EXPECT_FALSE(parse_dir_grant("::/x").has_value());
  EXPECT_FALSE(Wasi::create(WasiConfig{{}, {}, {{"/no/such/dir", "/x", false}}, {}, true}));
}

} // namespace
} // namespace isobox::wasm::wasi::test
