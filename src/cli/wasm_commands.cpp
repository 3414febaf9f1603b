// `isobox wasm ...`: run, validate and dump WebAssembly modules.
#include "cli/context.hpp"
#include "cli/wasm_inspect.hpp"
#include "cli/wasm_run.hpp"

namespace isobox::cli {

void register_wasm_commands(CLI::App &app, Context &ctx) {
  CLI::App *wasm = app.add_subcommand("wasm", "run, validate and inspect WebAssembly modules");
  wasm->require_subcommand(1);
  register_wasm_run(*wasm, ctx);
  register_wasm_inspect(*wasm, ctx);
}

} // namespace isobox::cli
