// `isobox kill [--all] ID [SIGNAL]` (runc-kill.8): SIGNAL as KILL, SIGKILL or 9; default TERM.
#include <csignal>
#include <memory>

#include "cli/oci_verbs.hpp"
#include "oci/container/operations.hpp"

namespace isobox::cli {

void register_oci_kill(CLI::App &app, Context &ctx) {
  struct Args {
    std::string id;
    std::string signal = "SIGTERM";
    bool all = false;
  };
  auto a = std::make_shared<Args>();
  CLI::App *cmd = app.add_subcommand("kill", "send a signal to a container's init");
  cmd->add_option("id", a->id, "container id")->required();
  cmd->add_option("signal", a->signal, "signal name or number")->capture_default_str();
  cmd->add_flag("-a,--all", a->all, "signal every process of the container");
  cmd->callback([&ctx, a] {
    auto sig = oci::parse_signal(a->signal);
    Result<> r = sig ? oci::kill_container(ctx.global.root, a->id, *sig, a->all)
                     : Result<>(make_error("unknown signal \"{}\"", a->signal));
    ctx.exit_code = finish("kill", r);
  });
}

} // namespace isobox::cli
