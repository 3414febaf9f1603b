// Save and restore of the caller's stdio status flags around a guest run (see host_stdio.hpp).
#include "wasm/embed/host_stdio.hpp"

#include <fcntl.h>

namespace isobox::wasm::embed {

HostStdioFlags::HostStdioFlags() {
  for (int fd = 0; fd < 3; ++fd)
    m_flags[fd] = ::fcntl(fd, F_GETFL);
}

void HostStdioFlags::restore() const noexcept {
  // F_SETFL changes only O_APPEND, O_ASYNC, O_DIRECT, O_NOATIME and O_NONBLOCK; the access
  // mode bits in the saved value are ignored. Skip the call when nothing changed.
  for (int fd = 0; fd < 3; ++fd)
    if (m_flags[fd] >= 0 && ::fcntl(fd, F_GETFL) != m_flags[fd])
      ::fcntl(fd, F_SETFL, m_flags[fd]);
}

} // namespace isobox::wasm::embed
