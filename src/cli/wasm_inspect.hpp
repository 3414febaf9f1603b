// `isobox wasm validate` and `isobox wasm dump`, and module loading shared with `wasm run`.
#pragma once

#include <memory>
#include <string>

#include "cli/context.hpp"
#include "wasm/binary/module.hpp"
#include "wasm/interp/interp_module.hpp"
#include "wasm/validator/validator.hpp"

namespace isobox::cli {

/// Reads and decodes a .wasm file. Errors read "<path>: <spec text>" (e.g. "m.wasm: unexpected
/// end") or "<path>: <errno text>".
Result<wasm::Module> read_module(const std::string &path);

/// read_module + validate; errors read "<path>: <spec text>" (e.g. "m.wasm: type mismatch").
Result<std::shared_ptr<const wasm::ValidatedModule>> load_validated(const std::string &path);

/// Text listing of a decoded module: types, imports, exports, then each function's code.
Result<std::string> dump_module(const wasm::Module &module);

/// The interpreter's compiled code of every defined function (`dump --code`): a header line per
/// function ("func[N] code: F cells"), then one line per internal instruction.
Result<std::string> dump_compiled_code(const wasm::InterpModule &module);

/// Adds `validate` and `dump` under `wasm`.
void register_wasm_inspect(CLI::App &wasm, Context &ctx);

} // namespace isobox::cli
