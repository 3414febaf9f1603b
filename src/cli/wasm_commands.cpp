// `isobox wasm ...`: run, validate, dump and compile WebAssembly modules; the code cache.
#include "cli/context.hpp"
#include "cli/wasm_cache.hpp"
#include "cli/wasm_inspect.hpp"
#include "cli/wasm_run.hpp"

namespace isobox::cli {

void register_wasm_commands(CLI::App &app, Context &ctx) {
  CLI::App *wasm = app.add_subcommand("wasm", "run, validate and inspect WebAssembly modules");
  wasm->require_subcommand(1);
  register_wasm_run(*wasm, ctx);
  register_wasm_inspect(*wasm, ctx);
  register_wasm_cache(*wasm, ctx);
}

} // namespace isobox::cli
