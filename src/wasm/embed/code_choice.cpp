// Choosing a run's code: the interpreter, the code cache's entry, a fresh compilation (stored for
// the next run), or a precompiled artifact; every unusable cache entry is one warning line.
#include "wasm/embed/code_choice.hpp"

#include <atomic>

#include "common/log.hpp"
#include "wasm/aot/aot.hpp"
#include "wasm/aot/aot_engine.hpp"
#include "wasm/aot/code_cache.hpp"
#include "wasm/embed/run_module.hpp"

namespace isobox::wasm::embed {
namespace {

/// The cache, if there is a usable one. `create`: make the directory (the aot tier will store);
/// otherwise a cache that does not exist yet is no cache, silently.
std::optional<aot::CodeCache> open_cache(const CacheOptions &options, bool create) {
  if (!options.enabled)
    return std::nullopt;
  auto dir = options.dir ? Result<std::string>(*options.dir) : aot::default_cache_dir();
  if (!dir) {
    if (create)
      log::warn("wasm: code cache not used: {}", dir.error().message);
    return std::nullopt;
  }
  auto cache = aot::CodeCache::open(*dir, create);
  if (cache)
    return std::move(*cache);
  if (create || cache.error().errno_value != ENOENT)
    log::warn("wasm: code cache not used: {}", cache.error().message);
  return std::nullopt;
}

/// Every compilation runs in a confined child (compiler_sandbox.hpp), never in this process: the
/// caller's bounds, or the runtime's ($ISOBOX_COMPILE_MAX_MEMORY, $ISOBOX_COMPILE_TIMEOUT).
Result<aot::CompiledObject> compile_confined(std::span<const uint8_t> module, std::string_view name,
                                             const aot::CompileOptions &options,
                                             const std::optional<CompileBounds> &bounds) {
  const CompileBounds b = bounds ? *bounds : ISOBOX_TRY(compile_bounds_from_env());
  return compile_bounded(module, name, options, b);
}

/// Compiles now; stores the object when there is a cache (a failure to store is a warning).
Result<CodeChoice> compile_now(std::span<const uint8_t> module, std::string_view name,
                               const aot::CompileOptions &options,
                               std::shared_ptr<const ValidatedModule> validated,
                               const aot::CodeCache *cache, const aot::CodeKey &key,
                               const std::optional<CompileBounds> &bounds) {
  auto compiled = ISOBOX_TRY(compile_confined(module, name, options, bounds));
  log::debug("wasm aot: compiled {} in {:.1f} ms, {} bytes of object", name, compiled.compile_ms,
             compiled.object.size());
  if (cache != nullptr)
    if (auto r = cache->store(aot::Artifact{key, {}, compiled.object, compiled.compile_ms}); !r)
      log::warn("wasm: code cache: {}", r.error().message);
  return CodeChoice{Tier::Aot, std::move(compiled.object), "compiled", std::move(validated)};
}

} // namespace

aot::CompileOptions run_compile_options(bool timeout, bool fuel) {
  static const std::atomic<bool> flag{false}; // only its presence counts
  StoreLimits limits;
  if (timeout)
    limits.interrupt = &flag;
  if (fuel)
    limits.fuel = 0;
  return aot::compile_options(limits);
}

Result<CodeChoice> choose_code(Tier tier, std::span<const uint8_t> module, std::string_view name,
                               const aot::CompileOptions &options,
                               const CacheOptions &cache_options,
                               std::shared_ptr<const ValidatedModule> validated) {
  if (tier == Tier::Interp || (tier == Tier::Auto && !aot::available()))
    return CodeChoice{};
  if (!aot::available())
    return make_error("the aot tier is not built in");
  const auto cache = open_cache(cache_options, tier == Tier::Aot);
  if (!cache && tier == Tier::Auto) // no cache yet: nothing to hash nor look up
    return CodeChoice{};
  const aot::CodeKey key = aot::code_key(module, options);
  if (cache) {
    auto hit = cache->lookup(key);
    if (hit && *hit)
      return CodeChoice{Tier::Aot, std::move((*hit)->object), "cache", nullptr};
    if (!hit) // present but unusable: replaced by a fresh compilation
      log::warn("wasm: code cache entry not used, recompiling: {}", hit.error().message);
    else if (tier == Tier::Auto)
      return CodeChoice{};
  }
  return compile_now(module, name, options, std::move(validated), cache ? &*cache : nullptr, key,
                     cache_options.bounds);
}

Result<std::string> compile_to_cache(std::span<const uint8_t> module, std::string_view name,
                                     const aot::CompileOptions &options,
                                     const CacheOptions &cache_options) {
  if (!aot::available())
    return make_error("the aot tier is not built in");
  const std::string dir =
      cache_options.dir ? *cache_options.dir : ISOBOX_TRY(aot::default_cache_dir());
  const aot::CodeCache cache = ISOBOX_TRY(aot::CodeCache::open(dir, true));
  const aot::CodeKey key = aot::code_key(module, options);
  const auto compiled = ISOBOX_TRY(compile_confined(module, name, options, cache_options.bounds));
  ISOBOX_CHECK(cache.store(aot::Artifact{key, {}, compiled.object, compiled.compile_ms}));
  return cache.path_of(key);
}

Result<std::string> compile_artifact(std::span<const uint8_t> module, std::string_view name,
                                     const aot::CompileOptions &options) {
  if (!aot::available())
    return make_error("the aot tier is not built in");
  auto compiled = ISOBOX_TRY(compile_confined(module, name, options, std::nullopt));
  const aot::Artifact artifact{aot::code_key(module, options),
                               {module.begin(), module.end()},
                               std::move(compiled.object),
                               compiled.compile_ms};
  return aot::serialize(artifact);
}

Result<CodeChoice> open_artifact(std::span<const uint8_t> file, std::string_view name,
                                 const aot::CompileOptions &options, std::vector<uint8_t> &module) {
  if (!aot::available())
    return make_error("{}: the aot tier is not built in", name);
  auto artifact = aot::parse_artifact(file);
  if (!artifact)
    return std::unexpected(artifact.error().wrap(name));
  const aot::CodeKey key = aot::code_key(artifact->module, options);
  if (artifact->key.options != key.options && artifact->key.cpu == key.cpu)
    return make_error("{}: compiled with other checks ({}) than this run needs ({}); compile it "
                      "again with `isobox wasm compile{}{}`",
                      name, artifact->key.options, key.options,
                      options.interruptible ? " --timeout-checks" : "",
                      options.metered ? " --fuel-checks" : "");
  if (auto r = aot::check_key(*artifact, key); !r)
    return make_error("{}: {}; compile it again with `isobox wasm compile`", name,
                      r.error().message);
  module = std::move(artifact->module);
  return CodeChoice{Tier::Aot, std::move(artifact->object), "artifact", nullptr};
}

} // namespace isobox::wasm::embed
