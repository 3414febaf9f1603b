// The compiled-code cache: opening and checking its directories, reading an entry through every
// check (owner, mode, size, checksum, key), atomic writes, listing and clearing.
#include "wasm/aot/code_cache.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>

#include "common/file.hpp"

namespace isobox::wasm::aot {
namespace {

/// Only what the running user alone can have written is trusted.
Result<void> check_owner(const struct stat &st, const std::string &path) {
  if (st.st_uid != ::geteuid())
    return make_error("{}: owned by uid {}, not by the running user (uid {})", path, st.st_uid,
                      ::geteuid());
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
    return make_error("{}: writable by group or others (mode {:o})", path, st.st_mode & 07777);
  return {};
}

/// Opens a directory (not following a symlink as its last component) and checks it.
Result<UniqueFd> open_checked_dir(int at, const std::string &name, const std::string &path) {
  UniqueFd fd(::openat(at, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd)
    return sys_error("{}", path);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0)
    return sys_error("{}", path);
  ISOBOX_CHECK(check_owner(st, path));
  return fd;
}

/// mkdir -p with mode 0700 for what it creates.
Result<void> make_dirs(const std::string &dir) {
  for (size_t pos = 1; pos <= dir.size(); ++pos) {
    if (pos != dir.size() && dir[pos] != '/')
      continue;
    const std::string prefix = dir.substr(0, pos);
    if (::mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST)
      return sys_error("mkdir {}", prefix);
  }
  return {};
}

Result<std::string> read_fd(int fd, size_t size, const std::string &path) {
  std::string data(size, '\0');
  size_t got = 0;
  while (got < size) {
    const ssize_t n = ::pread(fd, data.data() + got, size - got, static_cast<off_t>(got));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return sys_error("read {}", path);
    if (n == 0)
      break;
    got += static_cast<size_t>(n);
  }
  data.resize(got);
  return data;
}

} // namespace

Result<std::string> default_cache_dir() {
  if (const char *env = std::getenv(kCacheDirEnv); env && *env)
    return std::string(env);
  if (const char *xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg == '/')
    return std::string(xdg) + "/isobox";
  if (const char *home = std::getenv("HOME"); home && *home == '/')
    return std::string(home) + "/.cache/isobox";
  if (::geteuid() == 0) // a runtime started without HOME (a containerd shim's environment)
    return std::string("/var/cache/isobox");
  return make_error("no cache directory: set {}, XDG_CACHE_HOME or HOME", kCacheDirEnv);
}

Result<CodeCache> CodeCache::open(const std::string &dir, bool create) {
  if (dir.empty())
    return make_error("empty cache directory");
  const std::string entries = dir + "/aot";
  if (create) {
    ISOBOX_CHECK(make_dirs(dir));
    if (::mkdir(entries.c_str(), 0700) != 0 && errno != EEXIST)
      return sys_error("mkdir {}", entries);
  }
  UniqueFd root = ISOBOX_TRY(open_checked_dir(AT_FDCWD, dir, dir));
  UniqueFd fd = ISOBOX_TRY(open_checked_dir(root.get(), "aot", entries));
  return CodeCache(dir, entries, std::move(fd));
}

Result<Artifact> CodeCache::read_entry(const std::string &name) const {
  const std::string path = m_entries + "/" + name;
  UniqueFd fd(::openat(m_fd.get(), name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd)
    return sys_error("{}", path);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0)
    return sys_error("{}", path);
  if (!S_ISREG(st.st_mode))
    return make_error("{}: not a regular file", path);
  ISOBOX_CHECK(check_owner(st, path));
  const std::string data = ISOBOX_TRY(read_fd(fd.get(), static_cast<size_t>(st.st_size), path));
  auto artifact = parse_artifact({reinterpret_cast<const uint8_t *>(data.data()), data.size()});
  if (!artifact)
    return std::unexpected(artifact.error().wrap(path));
  if (artifact->key.digest() != name)
    return make_error("{}: holds the entry of another key", path);
  return artifact;
}

Result<std::optional<Artifact>> CodeCache::lookup(const CodeKey &key) const {
  const std::string name = key.digest();
  if (::faccessat(m_fd.get(), name.c_str(), F_OK, AT_SYMLINK_NOFOLLOW) != 0 && errno == ENOENT)
    return std::nullopt;
  Artifact a = ISOBOX_TRY(read_entry(name));
  if (auto r = check_key(a, key); !r)
    return std::unexpected(r.error().wrap(m_entries + "/" + name));
  return a;
}

Result<void> CodeCache::store(const Artifact &artifact) const {
  return replace_file(path_of(artifact.key), serialize(artifact), 0600);
}

Result<std::vector<CacheEntry>> CodeCache::list() const {
  std::vector<CacheEntry> out;
  DIR *d = ::fdopendir(::openat(m_fd.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (d == nullptr)
    return sys_error("{}", m_entries);
  const time_t now = ::time(nullptr);
  while (const dirent *e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name.starts_with("."))
      continue;
    CacheEntry entry{.key = name};
    struct stat st {};
    if (::fstatat(m_fd.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
      entry.size = static_cast<uint64_t>(st.st_size);
      entry.age_s = now - st.st_mtime;
    }
    if (auto a = read_entry(name))
      entry.module_sha256 = a->key.module_sha256;
    else
      entry.problem = a.error().message;
    out.push_back(std::move(entry));
  }
  ::closedir(d);
  return out;
}

Result<size_t> CodeCache::clear() const {
  DIR *d = ::fdopendir(::openat(m_fd.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (d == nullptr)
    return sys_error("{}", m_entries);
  size_t removed = 0; // (a fresh descriptor: a dup would share the offset of an earlier list)
  std::optional<Error> failure;
  while (const dirent *e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name == "." || name == "..")
      continue;
    if (::unlinkat(m_fd.get(), name.c_str(), 0) == 0)
      ++removed;
    else if (!failure)
      failure = sys_error("remove {}/{}", m_entries, name).error();
  }
  ::closedir(d);
  if (failure)
    return std::unexpected(*failure);
  return removed;
}

} // namespace isobox::wasm::aot
