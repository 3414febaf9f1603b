// Container init, in order (architecture.md "Order inside the container"): namespaces, mounts,
// createContainer hooks, pivot_root, hostname, sysctl/masks, console, limits, user + caps +
// seccomp, report ready, wait on exec.fifo, startContainer hooks, execve.
#include "oci/linux/init.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "oci/container/hooks.hpp"
#include "oci/linux/process_setup.hpp"

namespace isobox::oci {
namespace {

// The state startContainer hooks get: the one the parent sent for the earlier hooks, with the
// status the container has once `start` released it ("created", as in runc).
std::string created_state(const std::string &creating) {
  auto j = nlohmann::ordered_json::parse(creating, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object())
    return creating;
  j["status"] = "created";
  return j.dump();
}

Result<> enter_namespaces(InitArgs &a) {
  ISOBOX_TRY(a.channel.expect(SyncType::Go));
  ISOBOX_CHECK(join_namespaces(*a.joins, false));
  if (a.unshare_flags != 0 && ::unshare(a.unshare_flags) < 0)
    return sys_error("unshare namespaces");
  if (a.spec->has_namespace(NamespaceType::User)) {
    // Become the namespace's root (mapped by the parent) with full capabilities in it.
    if (::syscall(SYS_setresgid, 0, 0, 0) < 0 || ::syscall(SYS_setresuid, 0, 0, 0) < 0)
      return sys_error("become root in the user namespace");
  }
  if (::setsid() < 0)
    return sys_error("setsid");
  // A fresh session keyring (KEYCTL_JOIN_SESSION_KEYRING): no host key is reachable. As runc,
  // only a kernel without keyrings (ENOSYS) lets the container go on without one.
  if (!a.no_new_keyring && ::syscall(SYS_keyctl, 1, nullptr) < 0 && errno != ENOSYS)
    return sys_error("join a new session keyring");
  return {};
}

Result<> build_container(InitArgs &a) {
  const Spec &spec = *a.spec;
  ISOBOX_CHECK(prepare_rootfs(spec, a.rootfs));
  ISOBOX_CHECK(a.channel.send(SyncType::RunHooks));
  SyncMessage done = ISOBOX_TRY(a.channel.expect(SyncType::HooksDone));
  ISOBOX_CHECK(run_hooks(spec.hooks.create_container, done.payload, "createContainer"));
  if (!spec.hooks.start_container.empty())
    a.start_hook_state = created_state(done.payload);
  ISOBOX_CHECK(enter_rootfs(spec, a.rootfs));
  if (!spec.hostname.empty() && ::sethostname(spec.hostname.data(), spec.hostname.size()) < 0)
    return sys_error("sethostname");
  if (!spec.domainname.empty() &&
      ::setdomainname(spec.domainname.data(), spec.domainname.size()) < 0)
    return sys_error("setdomainname");
  ISOBOX_CHECK(finish_rootfs(spec));
  if (spec.process->terminal) {
    if (a.console_socket < 0)
      return make_error("process.terminal is true but no --console-socket was given");
    ISOBOX_CHECK(setup_console(a.console_socket, *spec.process));
    ::close(a.console_socket);
  }
  ISOBOX_CHECK(apply_limits(*spec.process));
  ISOBOX_CHECK(close_fds_on_exec(a.preserve_fds));
  return {};
}

Result<std::string> prepare_exec(InitArgs &a) {
  const Process &p = *a.spec->process;
  ISOBOX_CHECK(
      finalize_process(p, a.spec->linux->seccomp, a.spec->has_namespace(NamespaceType::User)));
  return find_executable(p);
}

// Blocks until `start` opens the fifo for reading (runc's create/start handshake).
Result<> wait_for_start(int fifo_fd) {
  std::string path = "/proc/self/fd/" + std::to_string(fifo_fd);
  int fd;
  while ((fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC)) < 0) {
    if (errno != EINTR)
      return sys_error("open exec fifo");
  }
  [[maybe_unused]] auto n = ::write(fd, "0", 1);
  ::close(fd);
  ::close(fifo_fd);
  return {};
}

[[noreturn]] void fail(InitArgs &a, const Error &e) {
  if (a.channel.fd() >= 0)
    (void)a.channel.send(SyncType::Error, e.message);
  else [[maybe_unused]]
    auto n = ::write(2, ("isobox: init: " + e.message + "\n").c_str(), e.message.size() + 15);
  ::_exit(1);
}

} // namespace

void run_init(InitArgs &a) {
  // Not dumpable until execve: a process in the container cannot ptrace us or open our
  // /proc/<pid>/exe or fds (CVE-2016-9962 class). execve resets it.
  ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  if (auto r = enter_namespaces(a); !r)
    fail(a, r.error());
  if (auto r = build_container(a); !r)
    fail(a, r.error());
  auto path = prepare_exec(a);
  if (!path)
    fail(a, path.error());
  if (auto r = a.channel.send(SyncType::Ready); !r)
    ::_exit(1);
  a.channel.close();
  if (auto r = wait_for_start(a.fifo_fd); !r)
    fail(a, r.error());
  if (auto r = late_seccomp(*a.spec->process, a.spec->linux->seccomp); !r)
    fail(a, r.error());
  if (!a.spec->hooks.start_container.empty()) {
    if (auto r = run_hooks(a.spec->hooks.start_container, a.start_hook_state, "startContainer"); !r)
      fail(a, r.error());
  }
  fail(a, exec_process(*a.spec->process, *path));
}

} // namespace isobox::oci
