// read_file: one read-until-EOF loop for every whole-file read; write_all, the mountinfo
// unescape and replace_file (see file.hpp).
#include "common/file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include <cerrno>

#include "common/unique_fd.hpp"

namespace isobox {

Result<std::string> read_file(const std::string &path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd)
    return sys_error("open {}", path);
  constexpr size_t kChunk = 16384;
  std::string out;
  for (;;) {
    const size_t used = out.size();
    out.resize(used + kChunk);
    const ssize_t n = ::read(fd.get(), out.data() + used, kChunk);
    if (n < 0 && errno == EINTR) {
      out.resize(used);
      continue;
    }
    if (n < 0)
      return sys_error("read {}", path);
    out.resize(used + static_cast<size_t>(n));
    if (n == 0)
      return out;
  }
}

Result<> write_all(int fd, std::string_view text, const std::string &path) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return sys_error("write {}", path);
    done += static_cast<size_t>(n);
  }
  return {};
}

std::string unescape_mountinfo(std::string_view field) {
  std::string out;
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size()) {
      const auto oct = field.substr(i + 1, 3);
      if (std::all_of(oct.begin(), oct.end(), [](char c) { return c >= '0' && c <= '7'; })) {
        out += static_cast<char>((oct[0] - '0') * 64 + (oct[1] - '0') * 8 + (oct[2] - '0'));
        i += 3;
        continue;
      }
    }
    out += field[i];
  }
  return out;
}

Result<> replace_file(const std::string &path, const std::string &text, unsigned mode) {
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  if (base.empty())
    return make_error("{}: not a file name", path);
  // mkostemp opens with O_CREAT|O_EXCL: an existing name (a planted symlink too) is skipped.
  std::string tmp = (slash == std::string::npos ? "" : dir) + "." + base + ".XXXXXX";
  UniqueFd fd(::mkostemp(tmp.data(), O_CLOEXEC));
  if (!fd)
    return sys_error("create a temporary file for {}", path);
  Result<> r = write_all(fd.get(), text, tmp);
  if (r && ::fchmod(fd.get(), mode) < 0)
    r = sys_error("chmod {}", tmp);
  // No fsync: rename is atomic for every reader whatever happens to the writer, and fsync only
  // adds durability across a power loss, after which the runtime's records (of processes that no
  // longer exist) are moot. It cost 3-16 ms per call on an ext4 /run (docs/crash-consistency.md).
  fd.reset();
  if (r && ::rename(tmp.c_str(), path.c_str()) < 0)
    r = sys_error("rename {} to {}", tmp, path);
  if (!r)
    ::unlink(tmp.c_str());
  return r;
}

} // namespace isobox
