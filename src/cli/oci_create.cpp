// `isobox create [--bundle DIR] [--pid-file F] [--console-socket S] [--no-pivot]
// [--no-new-keyring] [--preserve-fds N] ID` (runc-create.8).
#include <memory>

#include "cli/oci_verbs.hpp"
#include "cli/strict_flags.hpp"
#include "oci/container/operations.hpp"

namespace isobox::cli {

/// Flags shared by create and run.
void add_create_flags(CLI::App *cmd, oci::CreateOptions &o) {
  cmd->add_option("id", o.id, "container id")->required();
  cmd->add_option("-b,--bundle", o.bundle, "path to the bundle directory")->capture_default_str();
  cmd->add_option("--pid-file", o.pid_file, "file to write the init's pid to");
  cmd->add_option("--console-socket", o.console_socket,
                  "unix socket that receives the pty master (process.terminal)");
  cmd->add_flag("--no-pivot", o.no_pivot, "use MS_MOVE + chroot instead of pivot_root");
  cmd->add_flag("--no-new-keyring", o.no_new_keyring, "keep the caller's session keyring");
  cmd->add_option("--preserve-fds", o.preserve_fds, "pass N extra fds (from 3) to the container")
      ->check(strict_number<int>(0, kMaxPreserveFds));
}

void register_oci_create(CLI::App &app, Context &ctx) {
  auto o = std::make_shared<oci::CreateOptions>();
  CLI::App *cmd = app.add_subcommand("create", "create a container (waits for start)");
  add_create_flags(cmd, *o);
  cmd->callback([&ctx, o] {
    o->root = ctx.global.root;
    o->systemd_cgroup = ctx.global.systemd_cgroup;
    auto r = oci::create_container(*o);
    ctx.exit_code = finish("create", r);
  });
}

} // namespace isobox::cli
