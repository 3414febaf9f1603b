// `isobox exec [--process F | ARGS...] [--tty] [--detach] [--pid-file F] [--console-socket S]
// [--cwd D] [--env K=V] [--user U[:G]] [--cap C] [--no-new-privs] ID [ARGS...]` (runc-exec.8).
#include <memory>

#include "cli/oci_verbs.hpp"
#include "cli/strict_flags.hpp"
#include "common/file.hpp"
#include "oci/container/operations.hpp"
#include "oci/container/saved_spec.hpp"
#include "oci/spec/parse.hpp"

namespace isobox::cli {
namespace {

struct ExecArgs {
  oci::ExecOptions opt;
  std::string process_file, cwd, user;
  std::vector<std::string> env, caps;
  std::vector<uint32_t> additional_gids;
  bool tty = false;
  bool no_new_privs = false;
};

Result<> apply_user(oci::Process &p, const std::string &user) {
  auto spec = parse_user_spec(user);
  if (!spec)
    return make_error("--user: {}", spec.error().message);
  p.user.uid = spec->uid;
  if (spec->gid)
    p.user.gid = *spec->gid;
  return {};
}

// The process to run: --process as is, or the container's process with ARGS and overrides.
Result<oci::Process> build_process(ExecArgs &a, const std::vector<std::string> &args) {
  if (!a.process_file.empty()) {
    std::string text = ISOBOX_TRY(read_file(a.process_file));
    return oci::parse_process(text);
  }
  auto state = ISOBOX_TRY(oci::load_state(a.opt.root, a.opt.id));
  oci::Spec spec = ISOBOX_TRY(oci::load_saved_spec(state));
  oci::Process p = *spec.process;
  p.args = args;
  p.terminal = a.tty;
  if (!a.cwd.empty())
    p.cwd = a.cwd;
  for (const auto &e : a.env)
    p.env.push_back(e);
  if (!a.user.empty())
    ISOBOX_CHECK(apply_user(p, a.user));
  for (uint32_t g : a.additional_gids)
    p.user.additional_gids.push_back(g);
  if (!a.caps.empty()) {
    if (!p.capabilities)
      p.capabilities.emplace();
    for (const auto &c : a.caps)
      for (auto *set : {&p.capabilities->bounding, &p.capabilities->effective,
                        &p.capabilities->permitted, &p.capabilities->ambient})
        set->push_back(c);
  }
  p.no_new_privileges = p.no_new_privileges || a.no_new_privs;
  return p;
}

Result<int> run_exec(ExecArgs &a, const std::vector<std::string> &rest, const Context &ctx) {
  if (rest.empty())
    return make_error("container id is required");
  a.opt.root = ctx.global.root;
  a.opt.id = rest[0];
  std::vector<std::string> args(rest.begin() + 1, rest.end());
  if (a.process_file.empty() && args.empty())
    return make_error("no command given (ARGS or --process)");
  a.opt.process = ISOBOX_TRY(build_process(a, args));
  return oci::exec_in_container(a.opt);
}

} // namespace

void register_oci_exec(CLI::App &app, Context &ctx) {
  auto a = std::make_shared<ExecArgs>();
  CLI::App *cmd = app.add_subcommand("exec", "run a new process inside a container");
  cmd->fallthrough(false); // keep positionals here, not in the root app
  cmd->prefix_command();   // ID and everything after it are positional: `exec ID ls -l`
  cmd->add_option("-p,--process", a->process_file, "process.json to run");
  cmd->add_flag("-t,--tty", a->tty, "allocate a pty (needs --console-socket)");
  cmd->add_flag("-d,--detach", a->opt.detach, "do not wait for the process");
  cmd->add_option("--pid-file", a->opt.pid_file, "file to write the process pid to");
  cmd->add_option("--console-socket", a->opt.console_socket, "receives the pty master");
  cmd->add_option("--cwd", a->cwd, "working directory in the container");
  // Repeatable options take one value each: `exec -e A=B ID ARGS` leaves ID to the positionals.
  cmd->add_option("-e,--env", a->env, "extra environment variable K=V (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("-u,--user", a->user, "UID[:GID]")->check(user_spec_check());
  cmd->add_option("-g,--additional-gids", a->additional_gids, "extra group id (repeatable)")
      ->allow_extra_args(false)
      ->check(strict_number<uint32_t>(0, kMaxId));
  cmd->add_option("-c,--cap", a->caps, "extra capability (repeatable)")->allow_extra_args(false);
  cmd->add_flag("--no-new-privs", a->no_new_privs, "set no_new_privileges");
  cmd->add_option("--preserve-fds", a->opt.preserve_fds, "pass N extra fds")
      ->check(strict_number<int>(0, kMaxPreserveFds));
  cmd->callback(
      [&ctx, a, cmd] { ctx.exit_code = finish("exec", run_exec(*a, cmd->remaining(), ctx)); });
}

} // namespace isobox::cli
