// `isobox pause ID` / `isobox resume ID` (runc-pause.8, runc-resume.8): the cgroup freezer.
#include <memory>

#include "cli/oci_verbs.hpp"
#include "oci/container/operations.hpp"

namespace isobox::cli {

void register_oci_pause(CLI::App &app, Context &ctx) {
  auto id = std::make_shared<std::string>();
  CLI::App *pause = app.add_subcommand("pause", "freeze every process of a container");
  pause->add_option("id", *id, "container id")->required();
  pause->callback([&ctx, id] {
    auto r = oci::pause_container(ctx.global.root, *id);
    ctx.exit_code = finish("pause", r);
  });
  auto rid = std::make_shared<std::string>();
  CLI::App *resume = app.add_subcommand("resume", "thaw a paused container");
  resume->add_option("id", *rid, "container id")->required();
  resume->callback([&ctx, rid] {
    auto r = oci::resume_container(ctx.global.root, *rid);
    ctx.exit_code = finish("resume", r);
  });
}

} // namespace isobox::cli
