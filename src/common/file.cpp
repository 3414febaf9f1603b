// read_file: one read-until-EOF loop for every whole-file read (see file.hpp).
#include "common/file.hpp"

#include <fcntl.h>
#include <unistd.h>

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

} // namespace isobox
