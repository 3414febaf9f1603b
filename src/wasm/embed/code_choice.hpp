// Which code runs a module: the interpreter, or native code from the code cache, compiled now,
// or from a precompiled artifact (`--tier interp|aot|auto`, the isobox.wasm/tier annotation).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "wasm/aot/abi.hpp"
#include "wasm/embed/bounded_compile.hpp"
#include "wasm/engine/engine.hpp"

namespace isobox::wasm::embed {

/// Where a run looks for compiled code.
struct CacheOptions {
  std::optional<std::string> dir; ///< --cache-dir; nullopt: aot::default_cache_dir()
  bool enabled = true;            ///< false: never read nor write the cache
  /// A compilation always runs in a confined child (compile_bounded): with these bounds, or
  /// unset, the runtime's (compile_bounds_from_env).
  std::optional<CompileBounds> bounds;
};

/// The code a run uses. For Tier::Aot, `object` is native code compiled from the module.
struct CodeChoice {
  Tier tier = Tier::Interp;
  std::vector<uint8_t> object;
  std::string origin; ///< "cache", "compiled" or "artifact" (for the debug log)
  /// Set when choosing had to validate the module (to compile it): the run reuses it.
  std::shared_ptr<const ValidatedModule> validated;
};

/// The options of the code a run with (or without) --timeout and --fuel uses: what `isobox wasm
/// compile` compiles with (aot::compile_options of such a run's limits).
aot::CompileOptions run_compile_options(bool timeout, bool fuel);

/// Chooses the code for `module` (named `name` in messages). Interp: the interpreter. Auto:
/// cached code if the cache has a usable entry, else the interpreter. Aot: cached code, else
/// compiled now and stored. An entry that is unreadable, corrupt, foreign-owned or writable by
/// others is recompiled, with one warning line; a cache directory that is not safe to use is
/// ignored, with one warning line. Errors: Aot in a build without the tier, an invalid module
/// (Aot), a compile error. Reads the cache before the caller confines itself.
Result<CodeChoice> choose_code(Tier tier, std::span<const uint8_t> module, std::string_view name,
                               const aot::CompileOptions &options, const CacheOptions &cache,
                               std::shared_ptr<const ValidatedModule> validated = nullptr);

/// Compiles `module` and stores it in the cache (`isobox wasm compile`); returns the entry's
/// path. Errors: no aot tier, an invalid module, the cache directory unusable.
Result<std::string> compile_to_cache(std::span<const uint8_t> module, std::string_view name,
                                     const aot::CompileOptions &options, const CacheOptions &cache);

/// The artifact file of `isobox wasm compile -o`: the module and its native code.
Result<std::string> compile_artifact(std::span<const uint8_t> module, std::string_view name,
                                     const aot::CompileOptions &options);

/// Opens an artifact (`isobox wasm run --allow-precompiled FILE`): checks it and that it was
/// compiled by this build for this CPU with `options`; returns the module and its code.
Result<CodeChoice> open_artifact(std::span<const uint8_t> file, std::string_view name,
                                 const aot::CompileOptions &options, std::vector<uint8_t> &module);

} // namespace isobox::wasm::embed
