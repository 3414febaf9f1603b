// File helpers for cgroupfs (see cgroup_fs.hpp).
#include "oci/cgroup/cgroup_fs.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <thread>

#include "common/file.hpp"
#include "common/unique_fd.hpp"

namespace isobox::oci::cgroup {

std::string join_path(std::string_view base, std::string_view sub) {
  std::string out(base);
  while (out.size() > 1 && out.back() == '/')
    out.pop_back();
  while (!sub.empty() && sub.front() == '/')
    sub.remove_prefix(1);
  while (!sub.empty() && sub.back() == '/')
    sub.remove_suffix(1);
  if (sub.empty())
    return out;
  if (out.empty() || out.back() != '/')
    out += '/';
  out += sub;
  return out;
}

Result<> write_file(const std::string &dir, std::string_view file, std::string_view value) {
  const std::string path = join_path(dir, file);
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
  if (!fd)
    return sys_error("open {}", path);
  // cgroupfs takes one write per value; a short write is an error there.
  const ssize_t n = ::write(fd.get(), value.data(), value.size());
  if (n < 0)
    return sys_error("write {:?} to {}", value, path);
  if (static_cast<size_t>(n) != value.size())
    return make_error("short write of {:?} to {}", value, path);
  return {};
}

Result<std::string> read_file(const std::string &dir, std::string_view file) {
  std::string out = ISOBOX_TRY(isobox::read_file(join_path(dir, file)));
  while (!out.empty() && (out.back() == '\n' || out.back() == ' '))
    out.pop_back();
  return out;
}

bool file_exists(const std::string &dir, std::string_view file) {
  const std::string path = join_path(dir, file);
  return ::access(path.c_str(), F_OK) == 0;
}

Result<std::vector<std::string>> make_dirs(const std::string &path) {
  std::vector<std::string> created;
  size_t pos = 1;
  for (;;) {
    pos = path.find('/', pos);
    const std::string prefix = path.substr(0, pos);
    if (!prefix.empty() && ::mkdir(prefix.c_str(), 0755) == 0)
      created.push_back(prefix);
    else if (!prefix.empty() && errno != EEXIST)
      return sys_error("mkdir {}", prefix);
    if (pos == std::string::npos)
      break;
    ++pos;
  }
  return created;
}

Result<std::vector<pid_t>> read_pids(const std::string &dir) {
  const std::string text = ISOBOX_TRY(read_file(dir, "cgroup.procs"));
  std::vector<pid_t> pids;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos)
      end = text.size();
    pid_t pid = 0;
    const auto [p, ec] = std::from_chars(text.data() + start, text.data() + end, pid);
    if (ec == std::errc() && p == text.data() + end)
      pids.push_back(pid);
    else if (end > start)
      return make_error("{}/cgroup.procs: bad line {:?}", dir, text.substr(start, end - start));
    start = end + 1;
  }
  return pids;
}

namespace {

/// Lists the entries of `path`, split into subdirectories and other files.
Result<> list_dir(const std::string &path, std::vector<std::string> &dirs,
                  std::vector<std::string> &files) {
  DIR *d = ::opendir(path.c_str());
  if (d == nullptr)
    return sys_error("opendir {}", path);
  while (const dirent *e = ::readdir(d)) {
    const std::string_view name = e->d_name;
    if (name == "." || name == "..")
      continue;
    (e->d_type == DT_DIR ? dirs : files).emplace_back(name);
  }
  ::closedir(d);
  return {};
}

} // namespace

Result<> remove_dir(const std::string &path) {
  std::vector<std::string> dirs, files;
  if (::access(path.c_str(), F_OK) != 0)
    return {};
  ISOBOX_CHECK(list_dir(path, dirs, files));
  for (const auto &sub : dirs)
    ISOBOX_CHECK(remove_dir(join_path(path, sub)));
  // Tasks that were just killed may still be leaving: EBUSY for a short while.
  for (int attempt = 0;; ++attempt) {
    if (::rmdir(path.c_str()) == 0 || errno == ENOENT)
      return {};
    if (errno == ENOTEMPTY) {
      // Only a fake hierarchy of plain files gets here; cgroupfs ignores control files.
      for (const auto &file : files)
        ::unlink(join_path(path, file).c_str());
      files.clear();
      if (::rmdir(path.c_str()) == 0)
        return {};
    }
    if (errno != EBUSY || attempt >= 100)
      return sys_error("rmdir {}", path);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

} // namespace isobox::oci::cgroup
