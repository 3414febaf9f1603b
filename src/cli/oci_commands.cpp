// The runc-compatible verbs (create, start, state, kill, delete, run, exec, list, ps, spec,
// features).
#include "cli/context.hpp"

namespace isobox::cli {

void register_oci_commands(CLI::App &app, Context &ctx) {
  (void)app;
  (void)ctx;
}

} // namespace isobox::cli
