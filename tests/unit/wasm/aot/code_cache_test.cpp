// The compiled-code cache: the key, atomic writes, and every way an entry is refused (a flipped
// byte, a truncated file, a group-writable directory, another owner, another key); cached code
// loads and runs without LLVM in the process.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "../engine_fixture.hpp"
#include "common/file.hpp"
#include "wasm/aot/aot.hpp"
#include "wasm/aot/code_cache.hpp"

namespace isobox::wasm::aot {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/isobox-cache-test-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path); }
};

const std::vector<uint8_t> kModule = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};

Artifact fake_artifact(const std::vector<uint8_t> &module = kModule) {
  Artifact a;
  a.key = code_key(module, CompileOptions{});
  a.object = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  a.compile_ms = 12.5;
  return a;
}

CodeCache open_cache(const std::string &dir) {
  auto cache = CodeCache::open(dir + "/c", true);
  EXPECT_TRUE(cache) << cache.error().message;
  return std::move(*cache);
}

std::string file_text(const std::string &path) { return read_file(path).value_or(""); }

void write_text(const std::string &path, const std::string &text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

TEST(CodeKey, DependsOnModuleOptionsAndMachine) {
  const CodeKey k = code_key(kModule, CompileOptions{});
  EXPECT_EQ(k.module_sha256.size(), 64u);
  EXPECT_EQ(k.digest().size(), 64u);
  EXPECT_EQ(k, code_key(kModule, CompileOptions{}));
  auto other = kModule;
  other.back() = 1;
  EXPECT_NE(k.digest(), code_key(other, CompileOptions{}).digest());
  EXPECT_NE(k.digest(), code_key(kModule, CompileOptions{.interruptible = true}).digest());
  EXPECT_NE(k.digest(), code_key(kModule, CompileOptions{.metered = true}).digest());
  EXPECT_NE(k.digest(), code_key(kModule, CompileOptions{.count_depth = true}).digest());
  EXPECT_NE(k.digest(), code_key(kModule, CompileOptions{.opt_level = 1}).digest());
  EXPECT_NE(k.cpu.find("x86_64"), std::string::npos);
  EXPECT_NE(k.isobox.find("exe:"), std::string::npos);
  CodeKey moved = k;
  moved.cpu += " avx512f";
  EXPECT_NE(k.digest(), moved.digest());
}

TEST(CodeCache, StoresAtomicallyAndFindsTheEntry) {
  TempDir tmp;
  const CodeCache cache = open_cache(tmp.path);
  const Artifact a = fake_artifact();
  auto none = cache.lookup(a.key);
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_FALSE(none->has_value());
  ASSERT_TRUE(cache.store(a));
  auto hit = cache.lookup(a.key);
  ASSERT_TRUE(hit) << hit.error().message;
  ASSERT_TRUE(hit->has_value());
  EXPECT_EQ((*hit)->object, a.object);
  EXPECT_EQ((*hit)->compile_ms, 12.5);
  size_t files = 0; // the temp file was renamed, not left behind
  for (const auto &e : fs::directory_iterator(tmp.path + "/c/aot")) {
    ++files;
    EXPECT_EQ(e.path().filename(), a.key.digest());
    EXPECT_EQ(fs::status(e.path()).permissions(), fs::perms::owner_read | fs::perms::owner_write);
  }
  EXPECT_EQ(files, 1u);
  EXPECT_EQ(fs::status(tmp.path + "/c").permissions(), fs::perms::owner_all);
}

TEST(CodeCache, FlippedByteIsRefused) {
  TempDir tmp;
  const CodeCache cache = open_cache(tmp.path);
  const Artifact a = fake_artifact();
  const std::string path = cache.path_of(a.key);
  const std::string good = serialize(a);
  for (size_t at : {good.size() - 1, good.size() - 8, size_t{20}}) {
    std::string bad = good;
    bad[at] ^= 0x01;
    write_text(path, bad);
    auto r = cache.lookup(a.key);
    ASSERT_FALSE(r) << "byte " << at << " flipped, still accepted";
    EXPECT_NE(r.error().message.find(path), std::string::npos) << r.error().message;
  }
  write_text(path, good);
  EXPECT_TRUE(cache.lookup(a.key));
  std::string bad = good;
  bad[good.size() - 1] ^= 0x01;
  write_text(path, bad);
  EXPECT_NE(cache.lookup(a.key).error().message.find("checksum mismatch"), std::string::npos);
}

TEST(CodeCache, TruncatedOrEmptyEntryIsRefused) {
  TempDir tmp;
  const CodeCache cache = open_cache(tmp.path);
  const Artifact a = fake_artifact();
  const std::string good = serialize(a);
  for (size_t keep : {good.size() - 1, good.size() / 2, size_t{5}, size_t{0}}) {
    write_text(cache.path_of(a.key), good.substr(0, keep));
    EXPECT_FALSE(cache.lookup(a.key)) << keep << " bytes kept, still accepted";
  }
}

TEST(CodeCache, DirectoryWritableByOthersIsRefused) {
  TempDir tmp;
  { open_cache(tmp.path); }
  for (const std::string &dir : {tmp.path + "/c", tmp.path + "/c/aot"}) {
    ASSERT_EQ(::chmod(dir.c_str(), 0770), 0);
    auto cache = CodeCache::open(tmp.path + "/c", false);
    ASSERT_FALSE(cache) << dir << " group-writable, still used";
    EXPECT_NE(cache.error().message.find("writable by group or others"), std::string::npos)
        << cache.error().message;
    ASSERT_EQ(::chmod(dir.c_str(), 0700), 0);
  }
  EXPECT_TRUE(CodeCache::open(tmp.path + "/c", false));
}

TEST(CodeCache, EntryOwnedByAnotherUserOrWritableByOthersIsRefused) {
  TempDir tmp;
  const CodeCache cache = open_cache(tmp.path);
  const Artifact a = fake_artifact();
  ASSERT_TRUE(cache.store(a));
  const std::string path = cache.path_of(a.key);
  ASSERT_EQ(::chmod(path.c_str(), 0620), 0);
  auto r = cache.lookup(a.key);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("writable by group or others"), std::string::npos);
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  if (::geteuid() != 0)
    GTEST_SKIP() << "chown to another uid needs root";
  ASSERT_EQ(::chown(path.c_str(), 65534, 65534), 0);
  r = cache.lookup(a.key);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("owned by uid 65534"), std::string::npos) << r.error().message;
}

TEST(CodeCache, EntryOfAnotherKeyIsRefused) {
  TempDir tmp;
  const CodeCache cache = open_cache(tmp.path);
  const Artifact a = fake_artifact();
  Artifact foreign = a;
  foreign.key.cpu = "x86_64 SomeOtherCPU";
  auto r = check_key(foreign, a.key);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("another CPU"), std::string::npos);
  write_text(cache.path_of(a.key), serialize(foreign)); // valid file, under the wrong name
  auto l = cache.lookup(a.key);
  ASSERT_FALSE(l);
  EXPECT_NE(l.error().message.find("another key"), std::string::npos) << l.error().message;
}

TEST(CodeCache, ListsAndClears) {
  TempDir tmp;
  const CodeCache cache = open_cache(tmp.path);
  auto other = kModule;
  other.push_back(0);
  ASSERT_TRUE(cache.store(fake_artifact()));
  ASSERT_TRUE(cache.store(fake_artifact(other)));
  write_text(tmp.path + "/c/aot/junk", "junk");
  auto entries = cache.list();
  ASSERT_TRUE(entries);
  ASSERT_EQ(entries->size(), 3u);
  size_t usable = 0;
  for (const auto &e : *entries)
    usable += e.problem.empty() && e.module_sha256.size() == 64 && e.size > 0 ? 1 : 0;
  EXPECT_EQ(usable, 2u);
  auto removed = cache.clear();
  ASSERT_TRUE(removed);
  EXPECT_EQ(*removed, 3u);
  EXPECT_TRUE(cache.list()->empty());
}

bool llvm_mapped() { return file_text("/proc/self/maps").find("LLVM") != std::string::npos; }

// A child process compiles and stores; this one loads the entry and runs it: no libLLVM mapped.
TEST(CodeCache, CachedCodeRunsWithoutLoadingLlvm) {
  ISOBOX_REQUIRE_WAT2WASM();
  if (!available())
    GTEST_SKIP() << "aot tier not built";
  TempDir tmp;
  const auto bytes = testing::wat(R"((module (func (export "sq") (param i32) (result i32)
      (i32.mul (local.get 0) (local.get 0)))))");
  auto vm = validate(decode(bytes).value()).value();
  const CodeKey key = code_key(bytes, CompileOptions{});
  const pid_t child = ::fork();
  if (child == 0) {
    auto obj = compile_object(*vm, CompileOptions{});
    auto cache = CodeCache::open(tmp.path + "/c", true);
    ::_exit(obj && cache && cache->store(Artifact{key, {}, obj->object, obj->compile_ms}) ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_EQ(status, 0);
  const CodeCache cache = CodeCache::open(tmp.path + "/c", false).value();
  auto hit = cache.lookup(key);
  ASSERT_TRUE(hit && hit->has_value());
  auto code = load_code(*vm, (*hit)->object);
  ASSERT_TRUE(code) << code.error().message;
  Linkage linkage;
  Store store{StoreLimits{.guard_regions = true}};
  auto none = [](auto, auto) { return std::optional<ExternVal>(); };
  ModuleInstance *inst = instantiate(store, vm, ImportResolver(none), false).value();
  ASSERT_TRUE(attach(store, *inst, *code, linkage));
  auto r = invoke(store, inst->find_export("sq")->addr, std::vector<Value>{Value::i32(12)});
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)[0], Value::i32(144));
  EXPECT_FALSE(llvm_mapped());
}

} // namespace
} // namespace isobox::wasm::aot
