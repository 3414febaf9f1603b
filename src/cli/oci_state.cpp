// `isobox state ID` (runc-state.8): the state JSON on stdout.
#include <memory>

#include "cli/oci_verbs.hpp"
#include "oci/container/operations.hpp"

namespace isobox::cli {

void register_oci_state(CLI::App &app, Context &ctx) {
  auto id = std::make_shared<std::string>();
  CLI::App *cmd = app.add_subcommand("state", "print the state of a container as JSON");
  cmd->add_option("id", *id, "container id")->required();
  cmd->callback([&ctx, id] {
    auto r = oci::container_state_json(ctx.global.root, *id);
    if (r)
      fmt::print("{}", *r);
    ctx.exit_code = finish("state", r);
  });
}

} // namespace isobox::cli
