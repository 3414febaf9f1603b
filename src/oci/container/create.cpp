// `create`: state dir + exec.fifo, cgroup, clone of the init, parent side of the handshake.
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>

#include "common/file.hpp"
#include "common/log.hpp"
#include "oci/cgroup/cgroup_manager.hpp"
#include "oci/cgroup/device_rules.hpp"
#include "oci/container/hooks.hpp"
#include "oci/container/operations.hpp"
#include "oci/container/saved_spec.hpp"
#include "oci/linux/apparmor.hpp"
#include "oci/linux/init.hpp"
#include "oci/linux/sealed_exe.hpp"
#include "oci/spec/parse.hpp"

namespace isobox::oci {
namespace {

Result<UniqueFd> connect_console(const std::string &path) {
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd)
    return sys_error("socket");
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path)
    return make_error("console socket path too long: {}", path);
  std::memcpy(addr.sun_path, path.c_str(), path.size());
  if (::connect(fd.get(), reinterpret_cast<sockaddr *>(&addr), sizeof addr) < 0)
    return sys_error("connect to console socket {}", path);
  return fd;
}

Result<std::string> absolute(const std::string &path) {
  char buf[PATH_MAX];
  if (!::realpath(path.c_str(), buf))
    return sys_error("{}", path);
  return std::string(buf);
}

// Owns what create made so far; undoes it unless released (nothing left behind on error).
struct Cleanup {
  std::string dir;
  std::unique_ptr<CgroupManager> cgroup;
  pid_t pid = 0;
  bool armed = true;
  ~Cleanup() {
    if (!armed)
      return;
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
    if (cgroup)
      (void)cgroup->destroy();
    if (!dir.empty())
      remove_state_dir(dir);
  }
};

// mkdir -p of --root (containerd passes a root whose parents may not exist yet).
Result<> make_state_root(const std::string &root) {
  for (size_t pos = 1; pos <= root.size(); ++pos) {
    if (pos != root.size() && root[pos] != '/')
      continue;
    std::string prefix = root.substr(0, pos);
    if (::mkdir(prefix.c_str(), 0711) < 0 && errno != EEXIST)
      return sys_error("create state root {}", prefix);
  }
  return {};
}

Result<> check_spec_for_create(const Spec &spec) {
  // Without a mount namespace the masks would be made in the caller's namespace (runc refuses
  // them too: "unable to restrict sys entries without a private MNT namespace").
  if (!spec.has_namespace(NamespaceType::Mount) &&
      (!spec.linux->masked_paths.empty() || !spec.linux->readonly_paths.empty()))
    return make_error("config.json: maskedPaths and readonlyPaths need a mount namespace");
  return check_apparmor(*spec.process);
}

// The parent's half of the handshake with the init (see SyncType).
Result<> handshake(SyncChannel &ch, const Spec &spec, ContainerState &state,
                   CgroupManager &cgroup) {
  if (spec.has_namespace(NamespaceType::User))
    ISOBOX_CHECK(write_id_maps(state.pid, *spec.linux));
  // Into the cgroup before the init unshares its cgroup namespace (so that is its root).
  ISOBOX_CHECK(cgroup.add_process(state.pid));
  ISOBOX_CHECK(ch.send(SyncType::Go));
  ISOBOX_TRY(ch.expect(SyncType::RunHooks));
  std::string hook_state = hook_state_json(state, ContainerStatus::Creating);
  ISOBOX_CHECK(run_hooks(spec.hooks.prestart, hook_state, "prestart"));
  ISOBOX_CHECK(run_hooks(spec.hooks.create_runtime, hook_state, "createRuntime"));
  ISOBOX_CHECK(ch.send(SyncType::HooksDone, hook_state));
  ISOBOX_TRY(ch.expect(SyncType::Ready));
  return {};
}

} // namespace

void remove_state_dir(const std::string &dir) {
  for (const char *f : {"/state.json", "/state.json.tmp", "/exec.fifo", "/config.json"})
    ::unlink((dir + f).c_str());
  ::rmdir(dir.c_str());
}

Result<> write_pid_file(const std::string &path, pid_t pid) {
  if (path.empty())
    return {};
  auto r = replace_file(path, std::to_string(pid), 0644);
  if (!r)
    return std::unexpected(r.error().wrap("pid file"));
  return {};
}

Result<CreatedContainer> create_container(const CreateOptions &opt) {
  ISOBOX_CHECK(validate_id(opt.id));
  ISOBOX_CHECK(ensure_sealed_exe());
  std::string bundle = ISOBOX_TRY(absolute(opt.bundle));
  BundleSpec read = ISOBOX_TRY(read_bundle_spec(bundle));
  Spec &spec = read.spec;
  ISOBOX_CHECK(check_spec_for_create(spec));
  std::string rootfs = spec.root.path[0] == '/' ? spec.root.path : bundle + "/" + spec.root.path;
  auto rootfs_abs = absolute(rootfs);
  if (!rootfs_abs)
    return make_error("rootfs {}", rootfs_abs.error().message);
  auto joins = ISOBOX_TRY(open_namespace_paths(spec.linux->namespaces));
  UniqueFd console;
  if (!opt.console_socket.empty())
    console = ISOBOX_TRY(connect_console(opt.console_socket));

  ISOBOX_CHECK(make_state_root(opt.root));
  ContainerState state;
  state.id = opt.id;
  state.state_dir = state_dir(opt.root, opt.id);
  if (::mkdir(state.state_dir.c_str(), 0711) < 0) {
    if (errno == EEXIST)
      return make_error("container \"{}\" already exists", opt.id);
    return sys_error("create {}", state.state_dir);
  }
  Cleanup cleanup{state.state_dir};
  ISOBOX_CHECK(save_spec_copy(state.state_dir, read.text));
  state.bundle = bundle;
  state.rootfs = *rootfs_abs;
  state.created = rfc3339_now();
  state.owner = ::geteuid();
  state.annotations = spec.annotations;
  std::string fifo = state.state_dir + "/exec.fifo";
  // 0622 exactly (not reduced by the umask): the init may open it after dropping to another uid.
  if (::mkfifo(fifo.c_str(), 0622) < 0 || ::chmod(fifo.c_str(), 0622) < 0)
    return sys_error("mkfifo {}", fifo);
  UniqueFd fifo_fd(::open(fifo.c_str(), O_PATH | O_CLOEXEC));
  if (!fifo_fd)
    return sys_error("open {}", fifo);

  LinuxResources res = spec.linux->resources.value_or(LinuxResources{});
  res.devices = cgroup::with_configured_devices(std::move(res.devices), spec.linux->devices);
  cleanup.cgroup =
      ISOBOX_TRY(make_cgroup_manager(res, spec.linux->cgroups_path, opt.id, opt.systemd_cgroup));
  CgroupManager &cgroup = *cleanup.cgroup;
  state.cgroup_path = spec.linux->cgroups_path;
  state.resources = res;
  state.systemd_cgroup = opt.systemd_cgroup;
  state.resources.devices.clear(); // not updatable; the bundle keeps them
  ISOBOX_CHECK(cgroup.create(res));

  auto [parent_end, child_end] = ISOBOX_TRY(SyncChannel::make_pair());
  ISOBOX_CHECK(join_namespaces(joins, /*pid_only=*/true));
  int new_flags = new_namespace_flags(spec.linux->namespaces);
  int clone_flags = new_flags & (CLONE_NEWPID | CLONE_NEWUSER);
  InitArgs args;
  args.spec = &spec;
  args.rootfs = RootfsOptions{*rootfs_abs, opt.no_pivot, spec.has_namespace(NamespaceType::User),
                              cgroup.path()};
  args.channel = std::move(child_end);
  args.fifo_fd = fifo_fd.get();
  args.console_socket = opt.console_fd >= 0 ? opt.console_fd : console.get();
  args.preserve_fds = opt.preserve_fds;
  args.unshare_flags = new_flags & ~clone_flags;
  args.no_new_keyring = opt.no_new_keyring;
  args.joins = &joins;
  pid_t pid = ISOBOX_TRY(clone_process(clone_flags));
  if (pid == 0)
    run_init(args);
  args.channel.close();
  cleanup.pid = pid;
  state.pid = pid;
  state.pid_start = process_start_time(pid);
  ISOBOX_CHECK(handshake(parent_end, spec, state, cgroup));
  ISOBOX_CHECK(save_state(state));
  ISOBOX_CHECK(write_pid_file(opt.pid_file, pid));
  cleanup.armed = false;
  log::debug("created container {} with init pid {}", opt.id, pid);
  return CreatedContainer{std::move(state), std::move(spec)};
}

} // namespace isobox::oci
