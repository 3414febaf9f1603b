// `isobox run [--bundle DIR] [--detach] [--pid-file F] [--console-socket S] ID` (runc-run.8):
// create + start in the foreground; the exit code is the container's.
#include <memory>

#include "cli/oci_verbs.hpp"
#include "oci/container/run.hpp"

namespace isobox::cli {

void add_create_flags(CLI::App *cmd, oci::CreateOptions &o);

void register_oci_run(CLI::App &app, Context &ctx) {
  auto o = std::make_shared<oci::CreateOptions>();
  auto detach = std::make_shared<bool>(false);
  CLI::App *cmd = app.add_subcommand("run", "create and start a container, wait for its exit");
  add_create_flags(cmd, *o);
  cmd->add_flag("-d,--detach", *detach, "return once the container started");
  cmd->callback([&ctx, o, detach] {
    o->root = ctx.global.root;
    o->systemd_cgroup = ctx.global.systemd_cgroup;
    ctx.exit_code = finish("run", oci::run_container(*o, *detach));
  });
}

} // namespace isobox::cli
