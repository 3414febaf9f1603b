// Registration of each runc-compatible verb (one file per verb: oci_<verb>.cpp).
#pragma once

#include <CLI/CLI.hpp>

#include "cli/context.hpp"

namespace isobox::cli {

void register_oci_create(CLI::App &app, Context &ctx);
void register_oci_start(CLI::App &app, Context &ctx);
void register_oci_state(CLI::App &app, Context &ctx);
void register_oci_kill(CLI::App &app, Context &ctx);
void register_oci_delete(CLI::App &app, Context &ctx);
void register_oci_run(CLI::App &app, Context &ctx);
void register_oci_exec(CLI::App &app, Context &ctx);
void register_oci_list(CLI::App &app, Context &ctx);
void register_oci_ps(CLI::App &app, Context &ctx);
void register_oci_pause(CLI::App &app, Context &ctx);
void register_oci_spec(CLI::App &app, Context &ctx);
void register_oci_features(CLI::App &app, Context &ctx);
void register_oci_update(CLI::App &app, Context &ctx);

} // namespace isobox::cli
