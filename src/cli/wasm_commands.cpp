// `isobox wasm ...`: run, validate and dump WebAssembly modules.
#include "cli/context.hpp"

namespace isobox::cli {

void register_wasm_commands(CLI::App &app, Context &ctx) {
  CLI::App *wasm = app.add_subcommand("wasm", "run, validate and inspect WebAssembly modules");
  wasm->require_subcommand(1);
  (void)ctx;
}

} // namespace isobox::cli
