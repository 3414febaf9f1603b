// `isobox delete [--force] ID` (runc-delete.8).
#include <memory>

#include "cli/oci_verbs.hpp"
#include "oci/container/operations.hpp"

namespace isobox::cli {

void register_oci_delete(CLI::App &app, Context &ctx) {
  auto id = std::make_shared<std::string>();
  auto force = std::make_shared<bool>(false);
  CLI::App *cmd = app.add_subcommand("delete", "delete a stopped container");
  cmd->add_option("id", *id, "container id")->required();
  cmd->add_flag("-f,--force", *force, "kill a running container first");
  cmd->callback([&ctx, id, force] {
    auto r = oci::delete_container(ctx.global.root, *id, *force);
    // runc --force on a missing container is success (containerd relies on it).
    if (!r && *force && r.error().message.find("does not exist") != std::string::npos)
      r = {};
    ctx.exit_code = finish("delete", r);
  });
}

} // namespace isobox::cli
