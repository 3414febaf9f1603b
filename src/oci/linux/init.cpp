// Container init, in order (architecture.md "Order inside the container"): namespaces, mounts,
// createContainer hooks, pivot_root, hostname, sysctl/masks, console, limits, user + caps +
// seccomp, report ready, wait on exec.fifo, startContainer hooks, execve (or a process handler).
#include "oci/linux/init.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>

#include <nlohmann/json.hpp>

#include "common/log.hpp"
#include "oci/container/hooks.hpp"
#include "oci/handlers/handler.hpp"
#include "oci/handlers/wasm_code.hpp"
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

// The init dies with the process that creates it until the hand-over (SyncType::Committed), so
// a killed create leaves no orphan holding a cgroup. getppid() cannot tell a dead parent inside a
// new pid namespace (it reads 0 there either way); the channel can: with our copy of the
// parent's end closed, a parent that died before the prctl is an EOF on the next message.
void die_with_parent(InitArgs &a) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  if (a.parent_fd >= 0)
    ::close(a.parent_fd);
  a.parent_fd = -1;
}

// A change of credentials (setresuid, joining a user namespace) clears the parent-death signal.
void rearm_parent_death() { ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0); }

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
  rearm_parent_death();
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
  // The module as mounted, handed to the runtime, which chooses its code outside our user
  // namespace and cgroup (its cache, a bounded compilation).
  ISOBOX_CHECK(request_wasm_code(spec, a.rootfs.rootfs, a.channel));
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

// The path to execve, or a handler that runs the process instead (then the path is empty).
Result<std::string> prepare_exec(InitArgs &a, std::unique_ptr<ProcessHandler> &handler) {
  const Process &p = *a.spec->process;
  ISOBOX_CHECK(
      finalize_process(p, a.spec->linux->seccomp, a.spec->has_namespace(NamespaceType::User)));
  rearm_parent_death(); // best effort: a seccomp profile may refuse prctl
  handler = ISOBOX_TRY(select_handler(*a.spec));
  if (handler)
    return std::string();
  return find_executable(p);
}

// Blocks until `start` opens the fifo for reading (runc's create/start handshake). The fifo is
// unlinked here, before the release: from then on `state` says "running", even if `start` is
// killed before it could remove it.
Result<> wait_for_start(int fifo_fd, int state_dir_fd) {
  std::string path = "/proc/self/fd/" + std::to_string(fifo_fd);
  int fd;
  while ((fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC)) < 0) {
    if (errno != EINTR)
      return sys_error("open exec fifo");
  }
  if (state_dir_fd >= 0) {
    ::unlinkat(state_dir_fd, "exec.fifo", 0);
    ::close(state_dir_fd);
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

// Where the init would execve: the handler runs the process here and its status is ours.
[[noreturn]] void run_handler(InitArgs &a, ProcessHandler &handler) {
  close_exec_fds();
  auto status = handler.run(*a.spec);
  if (!status)
    fail(a, status.error().wrap(handler.name()));
  std::fflush(nullptr);
  ::_exit(*status);
}

} // namespace

void run_init(InitArgs &a) {
  // Not dumpable until execve: a process in the container cannot ptrace us or open our
  // /proc/<pid>/exe or fds (CVE-2016-9962 class). execve resets it.
  ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  die_with_parent(a);
  if (auto r = enter_namespaces(a); !r)
    fail(a, r.error());
  log::phase("init: namespaces entered");
  if (auto r = build_container(a); !r)
    fail(a, r.error());
  log::phase("init: rootfs, mounts, pivot_root, console, rlimits");
  std::unique_ptr<ProcessHandler> handler;
  auto path = prepare_exec(a, handler);
  if (!path)
    fail(a, path.error());
  log::phase("init: user, capabilities, seccomp, process resolved");
  if (auto r = a.channel.send(SyncType::Ready); !r)
    ::_exit(1);
  // The parent saved the finished record: from now on the container outlives `create`.
  if (auto r = a.channel.expect(SyncType::Committed); !r)
    ::_exit(1);
  ::prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
  // Acknowledged, so the parent never exits while our death signal is still armed.
  if (auto r = a.channel.send(SyncType::Committed); !r)
    ::_exit(1);
  a.channel.close();
  if (auto r = wait_for_start(a.fifo_fd, a.state_dir_fd); !r)
    fail(a, r.error());
  if (auto r = late_seccomp(*a.spec->process, a.spec->linux->seccomp); !r)
    fail(a, r.error());
  if (!a.spec->hooks.start_container.empty()) {
    if (auto r = run_hooks(a.spec->hooks.start_container, a.start_hook_state, "startContainer"); !r)
      fail(a, r.error());
  }
  log::phase("init: started (exec fifo, startContainer hooks)");
  if (handler)
    run_handler(a, *handler);
  fail(a, exec_process(*a.spec->process, *path));
}

} // namespace isobox::oci
