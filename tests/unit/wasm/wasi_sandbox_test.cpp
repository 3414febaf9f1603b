// Escape attempts against the WASI path sandbox: each fails with the right errno and leaves the
// host outside the preopen untouched.
#include <stdio.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "wasi_fixture.hpp"

namespace isobox::wasm::wasi::test {
namespace {

using SandboxTest = WasiFixture;

TEST_F(SandboxTest, DotDotCannotLeaveThePreopen) {
  EXPECT_EQ(open(kRoot, "../outside/secret"), Errno::NotCapable);
  EXPECT_EQ(open(kRoot, "sub/../../outside/secret"), Errno::NotCapable);
  EXPECT_EQ(open(kRoot, ".."), Errno::NotCapable);
  EXPECT_EQ(stat_path(kRoot, "../outside", true), Errno::NotCapable);
  EXPECT_EQ(on_path(&Wasi::path_create_directory, kRoot, "../outside/new"), Errno::NotCapable);
  EXPECT_EQ(on_path(&Wasi::path_unlink_file, kRoot, "../outside/secret"), Errno::NotCapable);
  EXPECT_EQ(on_path(&Wasi::path_remove_directory, kRoot, ".."), Errno::Inval);
  EXPECT_EQ(rename(kRoot, "../outside/secret", kRoot, "stolen"), Errno::NotCapable);
  EXPECT_EQ(link(kRoot, "../outside/secret", kRoot, "stolen"), Errno::NotCapable);
  // ".." that stays inside is fine.
  uint32_t fd = 0;
  ASSERT_EQ(open(kRoot, "sub/../file", 0, rights::FdRead, lookupflags::SymlinkFollow, &fd),
            Errno::Success);
  EXPECT_EQ(read_all(fd), "inside");
  expect_outside_untouched();
}

TEST_F(SandboxTest, AbsolutePathsAreRefused) {
  EXPECT_EQ(open(kRoot, "/etc/passwd"), Errno::NotCapable);
  EXPECT_EQ(open(kRoot, (m_tmp / "root/file").string()), Errno::NotCapable);
  EXPECT_EQ(stat_path(kRoot, "/", true), Errno::NotCapable);
  EXPECT_EQ(on_path(&Wasi::path_create_directory, kRoot, (m_tmp / "outside/x").string()),
            Errno::NotCapable);
  EXPECT_EQ(on_path(&Wasi::path_unlink_file, kRoot, (m_tmp / "outside/secret").string()),
            Errno::NotCapable);
  expect_outside_untouched();
}

TEST_F(SandboxTest, GuestSymlinkToEtcLeadsNowhere) {
  // Creating the link is allowed (it is just text); resolving through it is not.
  ASSERT_EQ(symlink("/etc", kRoot, "etc"), Errno::Success);
  EXPECT_EQ(open(kRoot, "etc/passwd"), Errno::NotCapable);
  EXPECT_EQ(open(kRoot, "etc", oflags::Directory), Errno::NotCapable);
  EXPECT_EQ(stat_path(kRoot, "etc/passwd", true), Errno::NotCapable);
  EXPECT_EQ(stat_path(kRoot, "etc", true), Errno::NotCapable);
  EXPECT_EQ(stat_path(kRoot, "etc", false), Errno::Success); // the link itself
  EXPECT_EQ(load<uint8_t>(2048 + 16), static_cast<uint8_t>(Filetype::SymbolicLink));
  ASSERT_EQ(symlink("../outside/secret", kRoot, "rel"), Errno::Success);
  EXPECT_EQ(open(kRoot, "rel"), Errno::NotCapable);
  // O_CREAT through a dangling link pointing out must not create the target.
  ASSERT_EQ(symlink("../outside/created", kRoot, "dangling"), Errno::Success);
  EXPECT_EQ(open(kRoot, "dangling", oflags::Creat, rights::FdWrite), Errno::NotCapable);
  EXPECT_FALSE(fs::exists(m_tmp / "outside/created"));
  // Without SYMLINK_FOLLOW the final link is not followed at all.
  EXPECT_EQ(open(kRoot, "rel", 0, rights::FdRead, 0), Errno::Loop);
  expect_outside_untouched();
}

TEST_F(SandboxTest, HostPlacedSymlinkPointingOut) {
  fs::create_directory_symlink(m_tmp / "outside", m_tmp / "root/out_abs");
  fs::create_directory_symlink("../outside", m_tmp / "root/out_rel");
  for (const char *link : {"out_abs", "out_rel"}) {
    SCOPED_TRACE(link);
    EXPECT_EQ(open(kRoot, std::string(link) + "/secret"), Errno::NotCapable);
    EXPECT_EQ(on_path(&Wasi::path_create_directory, kRoot, std::string(link) + "/new"),
              Errno::NotCapable);
    EXPECT_EQ(on_path(&Wasi::path_unlink_file, kRoot, std::string(link) + "/secret"),
              Errno::NotCapable);
    EXPECT_EQ(rename(kRoot, std::string(link) + "/secret", kRoot, "stolen"), Errno::NotCapable);
    EXPECT_EQ(rename(kRoot, "file", kRoot, std::string(link) + "/planted"), Errno::NotCapable);
    EXPECT_EQ(symlink("x", kRoot, std::string(link) + "/planted"), Errno::NotCapable);
  }
  // Readlink reports the text, which grants nothing.
  const uint32_t p = put("out_rel");
  ASSERT_EQ(wasi->path_readlink(mem, kRoot, p, 7, 3000, 64, kOut), Errno::Success);
  EXPECT_EQ(std::string(reinterpret_cast<char *>(memory.data() + 3000), load<uint32_t>(kOut)),
            "../outside");
  expect_outside_untouched();
  EXPECT_TRUE(fs::exists(m_tmp / "root/file"));
}

TEST_F(SandboxTest, TrailingSlashThroughSymlink) {
  fs::create_directory_symlink("../outside", m_tmp / "root/out");
  const auto before = fs::last_write_time(m_tmp / "outside");
  // A trailing slash forces the final symlink to be followed: it must still stay beneath.
  EXPECT_EQ(stat_path(kRoot, "out/", false), Errno::NotCapable);
  EXPECT_EQ(open(kRoot, "out/", oflags::Directory, rights::FdReaddir, 0), Errno::NotCapable);
  EXPECT_EQ(on_path(&Wasi::path_unlink_file, kRoot, "out/"), Errno::NotDir);
  EXPECT_EQ(on_path(&Wasi::path_remove_directory, kRoot, "out/"), Errno::NotDir);
  EXPECT_EQ(rename(kRoot, "out/", kRoot, "moved"), Errno::NotDir);
  EXPECT_EQ(link(kRoot, "out/", kRoot, "linked"), Errno::NotDir);
  const uint32_t p = put("out/");
  EXPECT_EQ(wasi->path_filestat_set_times(mem, kRoot, 0, p, 4, 0, 0,
                                          fstflags::AtimNow | fstflags::MtimNow),
            Errno::NotCapable);
  EXPECT_EQ(fs::last_write_time(m_tmp / "outside"), before);
  EXPECT_TRUE(fs::is_symlink(m_tmp / "root/out"));
  expect_outside_untouched();
}

TEST_F(SandboxTest, SymlinkSwappedDuringOpenNeverEscapes) {
  // A racer atomically exchanges root/swap (a real directory holding "secret" = "inside")
  // with root/other (a symlink to the outside directory) in a loop, so resolution of
  // "swap/secret" races against the swap; every successful open must read the inside file.
  fs::create_directory(m_tmp / "root/swap");
  spit(m_tmp / "root/swap/secret", "inside");
  fs::create_directory_symlink("../outside", m_tmp / "root/other");
  std::atomic<bool> stop{false};
  std::thread racer([&] {
    const std::string root = (m_tmp / "root").string();
    const int dirfd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY);
    // A short pause between swaps: a rename during a RESOLVE_BENEATH lookup makes it fail
    // with EAGAIN, so a racer that never pauses would starve every open.
    while (!stop.load()) {
      ::renameat2(dirfd, "swap", dirfd, "other", RENAME_EXCHANGE);
      std::this_thread::sleep_for(std::chrono::microseconds(20));
    }
    ::close(dirfd);
  });
  int opened = 0, refused = 0, escaped = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  // Until both outcomes were seen often (or the deadline): opens through the real directory
  // and opens refused because the link out was in place.
  while ((opened < 20 || refused < 20) && std::chrono::steady_clock::now() < deadline) {
    uint32_t fd = 0;
    const Errno e = open(kRoot, "swap/secret", 0, rights::FdRead, lookupflags::SymlinkFollow, &fd);
    if (e == Errno::Success) {
      ++opened;
      escaped += read_all(fd) != "inside";
      wasi->fd_close(fd);
    } else if (e == Errno::NotCapable) {
      ++refused;
    }
    m_next = 1024;
  }
  stop = true;
  racer.join();
  EXPECT_EQ(escaped, 0) << "opened " << opened << ", refused " << refused;
  EXPECT_GT(opened, 0);  // the race was really run against successful opens
  EXPECT_GT(refused, 0); // ... and against the link out
  expect_outside_untouched();
}

TEST_F(SandboxTest, ProcSelfMagicLinksAreRefused) {
  fs::create_directory_symlink("/proc/self/root", m_tmp / "root/procroot");
  EXPECT_EQ(open(kRoot, "procroot/etc/passwd"), Errno::NotCapable);
  // Even a preopen of /proc itself cannot walk through its magic links.
  WasiConfig cfg;
  cfg.inherit_stdio = false;
  cfg.dirs = {{"/proc", "/proc", true}};
  auto w = Wasi::create(cfg);
  ASSERT_TRUE(w.has_value());
  const std::string path = "self/root/etc/passwd";
  const uint32_t p = put(path);
  EXPECT_EQ((*w)->path_open(mem, 0, lookupflags::SymlinkFollow, p, path.size(), 0, rights::FdRead,
                            0, 0, kOut),
            Errno::Loop);
  const std::string fdpath = "self/fd/0";
  const uint32_t q = put(fdpath);
  EXPECT_EQ((*w)->path_open(mem, 0, lookupflags::SymlinkFollow, q, fdpath.size(), 0, rights::FdRead,
                            0, 0, kOut),
            Errno::Loop);
}

TEST_F(SandboxTest, FdsNeverGrantedAreBadf) {
  const uint32_t iov = put(std::string(8, '\0'));
  for (uint32_t fd : {5u, 42u, 1000u, 0xffffffffu}) {
    EXPECT_EQ(wasi->fd_read(mem, fd, iov, 1, kOut), Errno::Badf);
    EXPECT_EQ(wasi->fd_write(mem, fd, iov, 1, kOut), Errno::Badf);
    EXPECT_EQ(wasi->fd_close(fd), Errno::Badf);
    EXPECT_EQ(open(fd, "file"), Errno::Badf);
    EXPECT_EQ(wasi->fd_prestat_get(mem, fd, kOut), Errno::Badf);
  }
  EXPECT_EQ(wasi->fd_prestat_get(mem, 1, kOut), Errno::Badf); // stdout is no preopen
  // A regular file is not a directory to resolve paths in.
  uint32_t fd = 0;
  ASSERT_EQ(
      open(kRoot, "file", 0, rights::FdRead | rights::PathOpen, lookupflags::SymlinkFollow, &fd),
      Errno::Success);
  EXPECT_EQ(open(fd, "x", 0, 0), Errno::NotCapable); // files never get PathOpen
}

TEST_F(SandboxTest, RenumberOverAPreopenIsRefused) {
  uint32_t fd = 0;
  ASSERT_EQ(open(kRoot, "file", 0, rights::FdRead, lookupflags::SymlinkFollow, &fd),
            Errno::Success);
  EXPECT_EQ(wasi->fd_renumber(fd, kRoot), Errno::NotSup);
  EXPECT_EQ(wasi->fd_renumber(kRoot, fd), Errno::NotSup);
  EXPECT_EQ(wasi->fd_renumber(fd, 77), Errno::Badf);
  // The preopen still resolves paths, with its own name.
  EXPECT_EQ(open(kRoot, "file"), Errno::Success);
  ASSERT_EQ(wasi->fd_prestat_get(mem, kRoot, kOut), Errno::Success);
  EXPECT_EQ(load<uint32_t>(kOut + 4), 8u); // "/sandbox"
  // Ordinary fds renumber: the target is replaced, the source closed.
  uint32_t other = 0;
  ASSERT_EQ(open(kRoot, "file", 0, rights::FdRead, lookupflags::SymlinkFollow, &other),
            Errno::Success);
  EXPECT_EQ(wasi->fd_renumber(fd, other), Errno::Success);
  EXPECT_EQ(wasi->fd_close(fd), Errno::Badf);
  EXPECT_EQ(read_all(other), "inside");
}

TEST_F(SandboxTest, ReadOnlyGrantRefusesEveryWrite) {
  EXPECT_EQ(open(kRo, "file", oflags::Trunc, rights::FdRead), Errno::NotCapable);
  EXPECT_EQ(open(kRo, "new", oflags::Creat, rights::FdRead), Errno::NotCapable);
  EXPECT_EQ(open(kRo, "file", 0, rights::FdWrite), Errno::NotCapable);
  EXPECT_EQ(on_path(&Wasi::path_unlink_file, kRo, "file"), Errno::NotCapable);
  EXPECT_EQ(on_path(&Wasi::path_create_directory, kRo, "d"), Errno::NotCapable);
  EXPECT_EQ(symlink("file", kRo, "l"), Errno::NotCapable);
  EXPECT_EQ(rename(kRo, "file", kRo, "moved"), Errno::NotCapable);
  // Reading works, and what was opened cannot write either.
  uint32_t fd = 0;
  ASSERT_EQ(open(kRo, "file", 0, rights::FdRead, lookupflags::SymlinkFollow, &fd), Errno::Success);
  EXPECT_EQ(read_all(fd), "read-only");
  const uint32_t iov = put(std::string(8, '\0'));
  EXPECT_EQ(wasi->fd_write(mem, fd, iov, 1, kOut), Errno::NotCapable);
  EXPECT_EQ(wasi->fd_fdstat_set_rights(fd, rights::FdRead | rights::FdWrite, 0), Errno::NotCapable);
  EXPECT_EQ(slurp(m_tmp / "ro/file"), "read-only");
  EXPECT_FALSE(fs::exists(m_tmp / "ro/new"));
}

TEST_F(SandboxTest, LinkAndRenameNeedRightsOnBothEnds) {
  // rw -> ro: the destination lacks path_rename_target / path_link_target.
  EXPECT_EQ(rename(kRoot, "file", kRo, "planted"), Errno::NotCapable);
  EXPECT_EQ(link(kRoot, "file", kRo, "planted"), Errno::NotCapable);
  // ro -> rw: a hard link would make the read-only file writable through the rw grant.
  EXPECT_EQ(link(kRo, "file", kRoot, "writable"), Errno::NotCapable);
  EXPECT_EQ(rename(kRo, "file", kRoot, "taken"), Errno::NotCapable);
  EXPECT_FALSE(fs::exists(m_tmp / "ro/planted"));
  EXPECT_FALSE(fs::exists(m_tmp / "root/writable"));
  EXPECT_TRUE(fs::exists(m_tmp / "ro/file"));
  // A directory fd whose rights were dropped loses them for good.
  uint32_t sub = 0;
  ASSERT_EQ(
      open(kRoot, "sub", oflags::Directory, rights::Directory, lookupflags::SymlinkFollow, &sub),
      Errno::Success);
  ASSERT_EQ(wasi->fd_fdstat_set_rights(sub, rights::PathOpen, 0), Errno::Success);
  EXPECT_EQ(rename(kRoot, "file", sub, "moved"), Errno::NotCapable);
  EXPECT_EQ(wasi->fd_fdstat_set_rights(sub, rights::Directory, 0), Errno::NotCapable);
  // With rights on both ends it works.
  EXPECT_EQ(link(kRoot, "file", kRoot, "sub/hard"), Errno::Success);
  EXPECT_EQ(rename(kRoot, "sub/hard", kRoot, "renamed"), Errno::Success);
  EXPECT_EQ(slurp(m_tmp / "root/renamed"), "inside");
}

TEST_F(SandboxTest, OutOfBoundsGuestPointersAreFault) {
  EXPECT_EQ(wasi->path_open(mem, kRoot, 0, 65530, 100, 0, rights::FdRead, 0, 0, kOut),
            Errno::Fault);
  const uint32_t iov = put(std::string(8, '\0'));
  const uint32_t bad[2] = {65000, 1000};
  std::memcpy(memory.data() + iov, bad, 8);
  EXPECT_EQ(wasi->fd_write(mem, 1, iov, 1, kOut), Errno::Fault);
  EXPECT_EQ(wasi->fd_write(mem, 1, 65532, 1, kOut), Errno::Fault);
  EXPECT_EQ(wasi->args_sizes_get(mem, 65535, 0), Errno::Fault);
  EXPECT_EQ(wasi->random_get(mem, 0xfffffff0u, 32), Errno::Fault);
  EXPECT_EQ(wasi->fd_fdstat_get(mem, 1, 65530), Errno::Fault);
}

} // namespace
} // namespace isobox::wasm::wasi::test
