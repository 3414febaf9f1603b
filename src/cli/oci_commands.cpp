// The runc-compatible verbs (create, start, state, kill, delete, run, exec, list, ps, pause,
// resume, spec, features, update); each lives in its own oci_<verb>.cpp.
#include "cli/oci_verbs.hpp"

namespace isobox::cli {

void register_oci_commands(CLI::App &app, Context &ctx) {
  register_oci_create(app, ctx);
  register_oci_start(app, ctx);
  register_oci_state(app, ctx);
  register_oci_kill(app, ctx);
  register_oci_delete(app, ctx);
  register_oci_run(app, ctx);
  register_oci_exec(app, ctx);
  register_oci_list(app, ctx);
  register_oci_ps(app, ctx);
  register_oci_pause(app, ctx);
  register_oci_spec(app, ctx);
  register_oci_features(app, ctx);
  register_oci_update(app, ctx);
}

} // namespace isobox::cli
