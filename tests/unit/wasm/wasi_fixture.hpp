// Test fixture for WASI unit tests: a temporary host tree, a Wasi instance, a fake guest memory.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "wasm/wasi/wasi.hpp"

namespace isobox::wasm::wasi::test {

namespace fs = std::filesystem;

inline std::string slurp(const fs::path &p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
inline void spit(const fs::path &p, std::string_view s) { std::ofstream(p, std::ios::binary) << s; }

/// tmp/{outside/secret, root/file, root/sub/, ro/file}; root granted rw as fd 3 ("/sandbox"),
/// ro granted read-only as fd 4 ("/ro").
class WasiFixture : public ::testing::Test {
protected:
  void SetUp() override {
    char tmpl[] = "/tmp/isobox-wasi-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    m_tmp = tmpl;
    fs::create_directories(m_tmp / "outside");
    fs::create_directories(m_tmp / "root/sub");
    fs::create_directories(m_tmp / "ro");
    spit(m_tmp / "outside/secret", "secret");
    spit(m_tmp / "root/file", "inside");
    spit(m_tmp / "ro/file", "read-only");
    WasiConfig cfg;
    cfg.args = {"prog", "a1"};
    cfg.env = {"K=V"};
    cfg.dirs = {{(m_tmp / "root").string(), "/sandbox", false},
                {(m_tmp / "ro").string(), "/ro", true}};
    extra_config(cfg);
    auto w = Wasi::create(cfg);
    ASSERT_TRUE(w.has_value()) << w.error().message;
    wasi = std::move(*w);
    memory.assign(65536, 0);
    mem = GuestMemory(memory);
  }
  void TearDown() override {
    wasi.reset();
    std::error_code ec;
    fs::remove_all(m_tmp, ec);
  }
  virtual void extra_config(WasiConfig &) {}

  /// Copies `s` into guest memory (bump allocated from 1024) and returns its address.
  uint32_t put(std::string_view s) {
    const uint32_t at = m_next;
    std::memcpy(memory.data() + at, s.data(), s.size());
    m_next += static_cast<uint32_t>(s.size() + 8) & ~7u;
    return at;
  }
  template <typename T> T load(uint32_t at) const {
    T v;
    std::memcpy(&v, memory.data() + at, sizeof v);
    return v;
  }

  static constexpr uint32_t kRoot = 3, kRo = 4, kOut = 16; // kOut: scratch result slot

  /// path_open relative to `dirfd`; on success `fd` receives the new descriptor.
  Errno open(uint32_t dirfd, std::string_view path, uint32_t oflags = 0,
             uint64_t base = rights::FdRead | rights::FdSeek | rights::FdTell |
                             rights::FdFilestatGet | rights::FdReaddir,
             uint32_t dirflags = lookupflags::SymlinkFollow, uint32_t *fd = nullptr) {
    const uint32_t p = put(path);
    const Errno e = wasi->path_open(mem, dirfd, dirflags, p, static_cast<uint32_t>(path.size()),
                                    oflags, base, 0, 0, kOut);
    if (fd && e == Errno::Success)
      *fd = load<uint32_t>(kOut);
    return e;
  }
  /// Reads up to 256 bytes from a guest fd (as the guest would).
  std::string read_all(uint32_t fd) {
    const uint32_t buf = 40000, iov = 39000;
    std::memcpy(memory.data() + iov, &buf, 4);
    const uint32_t len = 256;
    std::memcpy(memory.data() + iov + 4, &len, 4);
    if (wasi->fd_read(mem, fd, iov, 1, kOut) != Errno::Success)
      return "<error>";
    return std::string(reinterpret_cast<char *>(memory.data() + buf), load<uint32_t>(kOut));
  }
  Errno stat_path(uint32_t dirfd, std::string_view path, bool follow) {
    const uint32_t p = put(path);
    return wasi->path_filestat_get(mem, dirfd, follow ? lookupflags::SymlinkFollow : 0, p,
                                   static_cast<uint32_t>(path.size()), 2048);
  }
  /// Calls one of the (fd, path, len) functions.
  template <typename F> Errno on_path(F f, uint32_t dirfd, std::string_view path) {
    const uint32_t p = put(path);
    return (wasi.get()->*f)(mem, dirfd, p, static_cast<uint32_t>(path.size()));
  }
  Errno rename(uint32_t a, std::string_view from, uint32_t b, std::string_view to) {
    const uint32_t p = put(from), q = put(to);
    return wasi->path_rename(mem, a, p, static_cast<uint32_t>(from.size()), b, q,
                             static_cast<uint32_t>(to.size()));
  }
  Errno link(uint32_t a, std::string_view from, uint32_t b, std::string_view to) {
    const uint32_t p = put(from), q = put(to);
    return wasi->path_link(mem, a, 0, p, static_cast<uint32_t>(from.size()), b, q,
                           static_cast<uint32_t>(to.size()));
  }
  Errno symlink(std::string_view target, uint32_t dirfd, std::string_view name) {
    const uint32_t p = put(target), q = put(name);
    return wasi->path_symlink(mem, p, static_cast<uint32_t>(target.size()), dirfd, q,
                              static_cast<uint32_t>(name.size()));
  }

  /// The outside tree is exactly as SetUp left it.
  void expect_outside_untouched() {
    EXPECT_EQ(slurp(m_tmp / "outside/secret"), "secret");
    size_t n = 0;
    for ([[maybe_unused]] const auto &e : fs::directory_iterator(m_tmp / "outside"))
      ++n;
    EXPECT_EQ(n, 1u);
  }

  fs::path m_tmp;
  std::unique_ptr<Wasi> wasi;
  std::vector<uint8_t> memory;
  GuestMemory mem;
  uint32_t m_next = 1024;
};

} // namespace isobox::wasm::wasi::test
