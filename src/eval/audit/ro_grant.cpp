// The read-only grant's tree on the host: filled before each run, compared after it.
#include "eval/audit/ro_grant.hpp"

#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

namespace isobox::eval::audit {

namespace fs = std::filesystem;

namespace {

// 2001-09-09: far from "now", so a write or utimes that moves the mtime shows even when the
// content comes out the same.
constexpr long long kFixedMtime = 1'000'000'000;

char type_of(mode_t mode) {
  return S_ISREG(mode) ? 'f' : S_ISDIR(mode) ? 'd' : S_ISLNK(mode) ? 'l' : '?';
}

TreeEntry entry_of(const fs::path &path, const struct stat &st) {
  TreeEntry e;
  e.type = type_of(st.st_mode);
  e.mode = st.st_mode & 07777;
  e.size = st.st_size;
  e.mtime_ns = st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec;
  if (e.type == 'f') {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    e.content = ss.str();
  }
  return e;
}

// The first field in which two entries differ, for the verdict's detail.
std::string entry_change(const std::string &name, const TreeEntry &a, const TreeEntry &b) {
  if (a.type != b.type)
    return fmt::format("{} changed type ({} -> {})", name, a.type, b.type);
  if (a.content != b.content || a.size != b.size)
    return fmt::format("{} changed content (size {} -> {})", name, a.size, b.size);
  if (a.mode != b.mode)
    return fmt::format("{} changed mode ({:04o} -> {:04o})", name, a.mode, b.mode);
  return fmt::format("{} changed mtime ({} -> {} s)", name, a.mtime_ns / 1'000'000'000,
                     b.mtime_ns / 1'000'000'000);
}

} // namespace

Result<void> fill_ro_grant(const std::string &dir, const std::string &secret) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  for (const auto &e : fs::directory_iterator(dir, ec))
    fs::remove_all(e.path(), ec);
  fs::create_directory(dir + "/sub", ec);
  if (ec)
    return make_error("filling the read-only grant {}: {}", dir, ec.message());
  const std::string file = dir + "/file";
  std::ofstream(file) << "read-only " << secret << "\n";
  const timespec times[2] = {{kFixedMtime, 0}, {kFixedMtime, 0}};
  if (::chmod(file.c_str(), 0644) != 0 || ::utimensat(AT_FDCWD, file.c_str(), times, 0) != 0)
    return sys_error("filling the read-only grant: {}", file);
  return {};
}

TreeSnapshot snapshot_tree(const std::string &dir) {
  TreeSnapshot snap;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) == 0)
      snap[it->path().lexically_relative(dir).string()] = entry_of(it->path(), st);
  }
  return snap;
}

std::string tree_change(const TreeSnapshot &before, const TreeSnapshot &after) {
  for (const auto &[name, entry] : before) {
    const auto it = after.find(name);
    if (it == after.end())
      return name + " is gone";
    if (!(it->second == entry))
      return entry_change(name, entry, it->second);
  }
  for (const auto &[name, entry] : after)
    if (!before.contains(name))
      return name + " appeared";
  return "";
}

} // namespace isobox::eval::audit
