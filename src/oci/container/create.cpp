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
#include "oci/container/teardown.hpp"
#include "oci/handlers/wasm_code.hpp"
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

// Owns what create made so far; undoes it unless released (nothing left behind on error). A
// create that is killed instead leaves its record, which `delete --force` undoes the same way.
struct Cleanup {
  ContainerState *state = nullptr;
  pid_t pid = 0;
  bool armed = true;
  ~Cleanup() {
    if (!armed)
      return;
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
    if (auto r = stop_container_processes(*state); !r)
      log::debug("cleanup of {}: {}", state->id, r.error().message);
    if (auto r = remove_state_dir_checked(*state); !r)
      log::debug("cleanup of {}: {}", state->id, r.error().message);
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
  ISOBOX_CHECK(expect_ready_serving_code(ch, spec)); // a Wasm process's code, chosen here
  return {};
}

// The record saved before anything is made: what create is about to make, and who makes it.
ContainerState new_record(const CreateOptions &opt, const std::string &bundle,
                          const std::string &rootfs, const Spec &spec,
                          const CgroupManager &cgroup) {
  ContainerState state;
  state.id = opt.id;
  state.bundle = bundle;
  state.rootfs = rootfs;
  state.created = rfc3339_now();
  state.owner = ::geteuid();
  state.annotations = spec.annotations;
  state.cgroup_path = spec.linux->cgroups_path;
  state.resources = spec.linux->resources.value_or(LinuxResources{});
  state.resources.devices.clear(); // not updatable; the bundle keeps them
  state.systemd_cgroup = opt.systemd_cgroup;
  state.creating = true;
  state.creator_pid = ::getpid();
  state.creator_start = process_start_time(state.creator_pid);
  // Only a cgroup dir that does not exist yet becomes ours (issue 10 item 3, as runc).
  state.cgroup_created = cgroup.missing_dirs();
  return state;
}

Result<UniqueFd> make_exec_fifo(const std::string &dir) {
  std::string fifo = dir + "/exec.fifo";
  // 0622 exactly (not reduced by the umask): the init may open it after dropping to another uid.
  if (::mkfifo(fifo.c_str(), 0622) < 0 || ::chmod(fifo.c_str(), 0622) < 0)
    return sys_error("mkfifo {}", fifo);
  UniqueFd fifo_fd(::open(fifo.c_str(), O_PATH | O_CLOEXEC));
  if (!fifo_fd)
    return sys_error("open {}", fifo);
  return fifo_fd;
}

// An O_PATH fd of the state dir: the init unlinks exec.fifo through it when `start` releases it.
Result<UniqueFd> open_dir_path(const std::string &dir) {
  UniqueFd fd(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!fd)
    return sys_error("open {}", dir);
  return fd;
}

// Clones the init; `args` lives in our memory, which the clone copies.
Result<pid_t> spawn_init(const CreateOptions &opt, InitArgs &args) {
  ISOBOX_CHECK(join_namespaces(*args.joins, /*pid_only=*/true));
  int new_flags = new_namespace_flags(args.spec->linux->namespaces);
  int clone_flags = new_flags & (CLONE_NEWPID | CLONE_NEWUSER);
  args.preserve_fds = opt.preserve_fds;
  args.unshare_flags = new_flags & ~clone_flags;
  args.no_new_keyring = opt.no_new_keyring;
  pid_t pid = ISOBOX_TRY(clone_process(clone_flags));
  if (pid == 0)
    run_init(args);
  args.channel.close();
  return pid;
}

// Saves the finished record, then tells the init it may outlive us and waits for its answer (it
// dies with create until then, so a killed create leaves no orphan).
Result<> hand_over(ContainerState &state, SyncChannel &ch) {
  state.creating = false;
  ISOBOX_CHECK(save_state(state));
  ISOBOX_CHECK(ch.send(SyncType::Committed));
  ISOBOX_TRY(ch.expect(SyncType::Committed)); // the init has disarmed its death signal
  return {};
}

// What create checks and opens before it makes anything.
struct CreateInputs {
  std::string bundle;
  std::string rootfs;
  BundleSpec read; // config.json's text (saved under --root) and its Spec
  std::vector<NamespaceJoin> joins;
  UniqueFd console;
};

Result<CreateInputs> prepare_inputs(const CreateOptions &opt) {
  ISOBOX_CHECK(validate_id(opt.id));
  ISOBOX_CHECK(ensure_sealed_exe());
  CreateInputs in;
  in.bundle = ISOBOX_TRY(absolute(opt.bundle));
  in.read = ISOBOX_TRY(read_bundle_spec(in.bundle));
  ISOBOX_CHECK(check_spec_for_create(in.read.spec));
  const std::string &root = in.read.spec.root.path;
  auto rootfs = absolute(root[0] == '/' ? root : in.bundle + "/" + root);
  if (!rootfs)
    return make_error("rootfs {}", rootfs.error().message);
  in.rootfs = *rootfs;
  in.joins = ISOBOX_TRY(open_namespace_paths(in.read.spec.linux->namespaces));
  if (!opt.console_socket.empty())
    in.console = ISOBOX_TRY(connect_console(opt.console_socket));
  return in;
}

} // namespace

Result<> write_pid_file(const std::string &path, pid_t pid) {
  if (path.empty())
    return {};
  auto r = replace_file(path, std::to_string(pid), 0644);
  if (!r)
    return std::unexpected(r.error().wrap("pid file"));
  return {};
}

Result<CreatedContainer> create_container(const CreateOptions &opt) {
  CreateInputs in = ISOBOX_TRY(prepare_inputs(opt));
  log::phase("create: bundle read");
  Spec &spec = in.read.spec;
  ISOBOX_CHECK(make_state_root(opt.root));
  LinuxResources res = spec.linux->resources.value_or(LinuxResources{});
  res.devices = cgroup::with_configured_devices(std::move(res.devices), spec.linux->devices);
  auto cgroup_owner =
      ISOBOX_TRY(make_cgroup_manager(res, spec.linux->cgroups_path, opt.id, opt.systemd_cgroup));
  CgroupManager &cgroup = *cgroup_owner;
  ContainerState state = new_record(opt, in.bundle, in.rootfs, spec, cgroup);
  ISOBOX_CHECK(claim_state_dir(opt.root, state));
  Cleanup cleanup{&state};
  ISOBOX_CHECK(save_spec_copy(state.state_dir, in.read.text));
  UniqueFd fifo_fd = ISOBOX_TRY(make_exec_fifo(state.state_dir));
  UniqueFd state_dir_fd = ISOBOX_TRY(open_dir_path(state.state_dir));
  ISOBOX_CHECK(cgroup.create(res));
  log::phase("create: state dir, exec fifo and cgroup made");
  auto [parent_end, child_end] = ISOBOX_TRY(SyncChannel::make_pair());
  InitArgs args;
  args.spec = &spec;
  args.rootfs = RootfsOptions{in.rootfs, opt.no_pivot, spec.has_namespace(NamespaceType::User),
                              cgroup.path()};
  args.channel = std::move(child_end);
  args.parent_fd = parent_end.fd();
  args.fifo_fd = fifo_fd.get();
  args.state_dir_fd = state_dir_fd.get();
  args.console_socket = opt.console_fd >= 0 ? opt.console_fd : in.console.get();
  args.joins = &in.joins;
  pid_t pid = ISOBOX_TRY(spawn_init(opt, args));
  log::phase("create: init cloned");
  cleanup.pid = pid;
  state.pid = pid;
  state.pid_start = process_start_time(pid);
  ISOBOX_CHECK(save_state(state)); // delete --force knows the init before it joins the cgroup
  ISOBOX_CHECK(handshake(parent_end, spec, state, cgroup));
  log::phase("create: init ready");
  ISOBOX_CHECK(hand_over(state, parent_end));
  ISOBOX_CHECK(write_pid_file(opt.pid_file, pid));
  cleanup.armed = false;
  log::debug("created container {} with init pid {}", opt.id, pid);
  return CreatedContainer{std::move(state), std::move(spec)};
}

} // namespace isobox::oci
