// `isobox start ID` (runc-start.8): releases a created container.
#include <memory>

#include "cli/oci_verbs.hpp"
#include "oci/container/operations.hpp"

namespace isobox::cli {

void register_oci_start(CLI::App &app, Context &ctx) {
  auto id = std::make_shared<std::string>();
  CLI::App *cmd = app.add_subcommand("start", "start a created container");
  cmd->add_option("id", *id, "container id")->required();
  cmd->callback([&ctx, id] {
    auto r = oci::start_container(ctx.global.root, *id);
    ctx.exit_code = finish("start", r);
  });
}

} // namespace isobox::cli
