// The list of process handlers the init asks, in order (the Wasm handler is the only one yet), and
// the execve semantics a handler keeps: the descriptors closed on exec are closed.
#include "oci/handlers/handler.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <charconv>
#include <cstring>

#include "common/log.hpp"
#include "oci/handlers/wasm_handler.hpp"

namespace isobox::oci {

Result<std::unique_ptr<ProcessHandler>> select_handler(const Spec &spec) {
  std::unique_ptr<ProcessHandler> candidates[] = {std::make_unique<WasmHandler>()};
  for (auto &h : candidates) {
    if (!ISOBOX_TRY(h->can_handle(spec)))
      continue;
    if (auto r = h->prepare(spec); !r)
      return std::unexpected(r.error());
    return std::move(h);
  }
  return nullptr;
}

void close_exec_fds() {
  DIR *dir = ::opendir("/proc/self/fd");
  if (!dir)
    return;
  const int keep[] = {::dirfd(dir), log::file_fd()};
  while (const dirent *e = ::readdir(dir)) {
    int fd = -1;
    const char *end = e->d_name + std::strlen(e->d_name);
    if (std::from_chars(e->d_name, end, fd).ptr != end || fd < 3 || fd == keep[0] || fd == keep[1])
      continue;
    const int flags = ::fcntl(fd, F_GETFD);
    if (flags >= 0 && (flags & FD_CLOEXEC) != 0)
      ::close(fd);
  }
  ::closedir(dir);
}

} // namespace isobox::oci
