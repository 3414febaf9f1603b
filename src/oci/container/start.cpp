// `start`: open exec.fifo for reading, which releases the init blocked in its open for writing.
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include "common/log.hpp"
#include "common/unique_fd.hpp"
#include "oci/container/hooks.hpp"
#include "oci/container/operations.hpp"
#include "oci/container/saved_spec.hpp"

namespace isobox::oci {
namespace {

// Waits for the init's "0" byte; if the init dies first, the fifo reports hangup/EOF.
Result<> await_fifo(const ContainerState &s, int fd) {
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    int n = ::poll(&p, 1, 100);
    if (n < 0 && errno != EINTR)
      return sys_error("poll exec fifo");
    if (n > 0) {
      char c;
      ssize_t r = ::read(fd, &c, 1);
      if (r == 1)
        return {};
      if (r == 0 || (p.revents & POLLHUP))
        return make_error("container init exited before start");
    }
    if (!process_alive(s.pid, s.pid_start))
      return make_error("container init exited before start");
  }
}

} // namespace

Result<> start_container(const std::string &root, const std::string &id) {
  ContainerState s = ISOBOX_TRY(load_state(root, id));
  ContainerStatus status = current_status(s);
  if (status == ContainerStatus::Stopped)
    return make_error("cannot start a container that has stopped");
  if (status == ContainerStatus::Partial || status == ContainerStatus::Creating)
    return make_error("cannot start container {}: it is {}", id, status_name(status));
  if (status != ContainerStatus::Created)
    return make_error("cannot start an already running container");
  std::string fifo = s.state_dir + "/exec.fifo";
  UniqueFd fd(::open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (!fd)
    return sys_error("open {}", fifo);
  ISOBOX_CHECK(await_fifo(s, fd.get()));
  ::unlink(fifo.c_str());
  // poststart failures are warnings and the other hooks still run (config.md "Poststart").
  if (auto spec = load_saved_spec(s); !spec)
    log::warn("poststart hooks not run: {}", spec.error().message);
  else
    run_hooks_warn(spec->hooks.poststart, hook_state_json(s, ContainerStatus::Running),
                   "poststart");
  return {};
}

} // namespace isobox::oci
