// `exec`: a new process inside a running container: setns into the init's namespaces, the same
// cgroup, then the same user/caps/no_new_privileges/seccomp path and process handlers as the init.
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "oci/cgroup/cgroup_manager.hpp"
#include "oci/container/operations.hpp"
#include "oci/container/saved_spec.hpp"
#include "oci/handlers/exec_target.hpp"
#include "oci/handlers/wasm_code.hpp"
#include "oci/linux/apparmor.hpp"
#include "oci/linux/namespaces.hpp"
#include "oci/linux/process_setup.hpp"
#include "oci/linux/sealed_exe.hpp"
#include "oci/linux/sync.hpp"

namespace isobox::oci {
namespace {

struct ExecChild {
  const ExecOptions *opt;
  const Spec *spec;
  const std::vector<NamespaceJoin> *joins;
  SyncChannel *channel;
  int console = -1;
  int root = -1;      // the init's root to chroot into (no mount namespace), or -1
  int parent_fd = -1; // the parent's end of the channel: closed here, so EOF = parent gone
};

// Without a mount namespace the init chrooted into its rootfs in the caller's namespace: an
// exec'd process enters the same root (runc 1.1.5 leaves it in the caller's root).
Result<UniqueFd> open_init_root(pid_t pid, const Spec &spec) {
  if (spec.has_namespace(NamespaceType::Mount))
    return UniqueFd();
  std::string path = fmt::format("/proc/{}/root", pid);
  UniqueFd fd(::open(path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!fd)
    return sys_error("open {}", path);
  return fd;
}

Result<ExecTarget> prepare_child(ExecChild &c) {
  ISOBOX_TRY(c.channel->expect(SyncType::Go));
  ISOBOX_CHECK(join_namespaces(*c.joins, false));
  if (c.root >= 0 && (::fchdir(c.root) < 0 || ::chroot(".") < 0 || ::chdir("/") < 0))
    return sys_error("enter the container's root");
  if (::setsid() < 0)
    return sys_error("setsid");
  const Process &p = c.opt->process;
  if (p.terminal) {
    if (c.console < 0)
      return make_error("process.terminal is true but no --console-socket was given");
    ISOBOX_CHECK(setup_console(c.console, p, /*bind_console=*/false));
    ::close(c.console);
  }
  ISOBOX_CHECK(apply_limits(p));
  {
    // A module's code comes from the runtime, as the init's does (still with the privileges to
    // open the module where the init would).
    Spec exec_spec = *c.spec;
    exec_spec.process = p;
    ISOBOX_CHECK(request_wasm_code(exec_spec, "/", *c.channel));
  }
  ISOBOX_CHECK(close_fds_on_exec(c.opt->preserve_fds));
  ISOBOX_CHECK(
      finalize_process(p, c.spec->linux->seccomp, c.spec->has_namespace(NamespaceType::User)));
  ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0); // cleared by the change of credentials
  return resolve_exec_target(*c.spec, p);
}

// Where the child would execve: the handler runs the process here. `exec` stops waiting for the
// execve (its EOF) now, so `exec -d` returns and writes the pid file while the process runs.
[[noreturn]] void run_handler(ExecChild &c, ExecTarget &target) {
  c.channel->close();
  close_exec_fds();
  auto status = target.handler->run(target.spec);
  if (!status) {
    fmt::print(stderr, "isobox: exec: {}\n", status.error().wrap(target.handler->name()).message);
    ::_exit(1);
  }
  std::fflush(nullptr);
  ::_exit(*status);
}

[[noreturn]] void run_child(ExecChild &c) {
  ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  // Until the execve the child dies with `exec` (a killed exec leaves no half-joined process);
  // the process itself then outlives it, as with runc.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  ::close(c.parent_fd);
  auto target = prepare_child(c);
  if (!target) {
    (void)c.channel->send(SyncType::Error, target.error().message);
    ::_exit(1);
  }
  if (!c.channel->send(SyncType::Ready))
    ::_exit(1);
  ::prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
  if (auto r = late_seccomp(c.opt->process, c.spec->linux->seccomp); !r) {
    (void)c.channel->send(SyncType::Error, r.error().message);
    ::_exit(1);
  }
  if (target->handler)
    run_handler(c, *target);
  Error e = exec_process(c.opt->process, target->path);
  (void)c.channel->send(SyncType::Error, e.message);
  ::_exit(127);
}

Result<UniqueFd> connect_unix(const std::string &path) {
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (!fd || path.size() >= sizeof addr.sun_path)
    return make_error("console socket {}: invalid", path);
  std::memcpy(addr.sun_path, path.c_str(), path.size());
  if (::connect(fd.get(), reinterpret_cast<sockaddr *>(&addr), sizeof addr) < 0)
    return sys_error("connect to console socket {}", path);
  return fd;
}

// Parent side: cgroup, go, the code of an exec'd module, then wait for Ready and for the exec
// (EOF) or an Error.
Result<> supervise(SyncChannel &ch, pid_t pid, CgroupManager &cgroup, const Spec &exec_spec) {
  ISOBOX_CHECK(cgroup.add_process(pid));
  ISOBOX_CHECK(ch.send(SyncType::Go));
  ISOBOX_CHECK(expect_ready_serving_code(ch, exec_spec));
  auto m = ch.receive();
  if (m && m->type == SyncType::Error)
    return make_error("{}", m->payload);
  return {};
}

} // namespace

int wait_exit_code(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR)
      return 255;
  }
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  if (WIFSIGNALED(status))
    return 128 + WTERMSIG(status);
  return 255;
}

Result<int> exec_in_container(const ExecOptions &opt) {
  ISOBOX_CHECK(ensure_sealed_exe());
  ContainerState s = ISOBOX_TRY(load_state(opt.root, opt.id));
  ContainerStatus status = current_status(s);
  if (status != ContainerStatus::Running && status != ContainerStatus::Created)
    return make_error("cannot exec in a {} container", status_name(status));
  if (opt.process.args.empty())
    return make_error("exec: process args cannot be empty");
  ISOBOX_CHECK(check_apparmor(opt.process));
  Spec spec = ISOBOX_TRY(load_saved_spec(s)); // never the bundle: others can rewrite it
  auto joins = ISOBOX_TRY(open_container_namespaces(s.pid, spec));
  UniqueFd init_root = ISOBOX_TRY(open_init_root(s.pid, spec));
  auto cgroup = ISOBOX_TRY(make_cgroup_manager({}, s.cgroup_path, opt.id));
  UniqueFd console;
  if (!opt.console_socket.empty())
    console = ISOBOX_TRY(connect_unix(opt.console_socket));
  auto [parent_end, child_end] = ISOBOX_TRY(SyncChannel::make_pair());
  ISOBOX_CHECK(join_namespaces(joins, /*pid_only=*/true));
  ExecChild child{&opt, &spec, &joins, &child_end, console.get(), init_root.get(), parent_end.fd()};
  pid_t pid = ISOBOX_TRY(clone_process(0));
  if (pid == 0)
    run_child(child);
  child_end.close();
  console.reset();
  Spec exec_spec = spec;
  exec_spec.process = opt.process;
  if (auto r = supervise(parent_end, pid, *cgroup, exec_spec); !r) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    return std::unexpected(r.error());
  }
  ISOBOX_CHECK(write_pid_file(opt.pid_file, pid));
  if (opt.detach)
    return 0;
  return wait_exit_code(pid);
}

} // namespace isobox::oci
