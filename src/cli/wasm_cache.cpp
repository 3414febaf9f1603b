// `isobox wasm compile [-o FILE] M.wasm` and `isobox wasm cache ls|clear`: the CLI side of the
// compiled-code cache (wasm/aot/code_cache, wasm/embed/code_choice).
#include "cli/wasm_cache.hpp"

#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "common/file.hpp"
#include "wasm/aot/code_cache.hpp"
#include "wasm/embed/code_choice.hpp"
#include "wasm/embed/run_module.hpp"

namespace isobox::cli {
namespace {

struct CompileOptions {
  std::string module;
  std::optional<std::string> output;    ///< -o: an artifact instead of a cache entry
  std::optional<std::string> cache_dir; ///< --cache-dir
  bool timeout_checks = false;          ///< the checks runs with --timeout need
  bool fuel_checks = false;             ///< the metering runs with --fuel need
};

Result<int> wasm_compile(const CompileOptions &opts) {
  const auto bytes = ISOBOX_TRY(wasm::embed::read_module_file(opts.module));
  const auto options = wasm::embed::run_compile_options(opts.timeout_checks, opts.fuel_checks);
  if (opts.output) {
    const std::string text = ISOBOX_TRY(wasm::embed::compile_artifact(bytes, opts.module, options));
    ISOBOX_CHECK(replace_file(*opts.output, text, 0644));
    return 0;
  }
  const wasm::embed::CacheOptions cache{.dir = opts.cache_dir};
  const std::string path =
      ISOBOX_TRY(wasm::embed::compile_to_cache(bytes, opts.module, options, cache));
  fmt::print("{}\n", path);
  return 0;
}

/// The cache at --cache-dir (or the default); nullopt when it does not exist yet.
Result<std::optional<wasm::aot::CodeCache>> existing_cache(const std::optional<std::string> &dir) {
  const std::string path = dir ? *dir : ISOBOX_TRY(wasm::aot::default_cache_dir());
  auto cache = wasm::aot::CodeCache::open(path, false);
  if (!cache && cache.error().errno_value == ENOENT)
    return std::nullopt;
  if (!cache)
    return std::unexpected(cache.error());
  return std::move(*cache);
}

std::string age_text(int64_t s) {
  if (s < 120)
    return fmt::format("{}s", s);
  if (s < 7200)
    return fmt::format("{}m", s / 60);
  if (s < 2 * 86400)
    return fmt::format("{}h", s / 3600);
  return fmt::format("{}d", s / 86400);
}

Result<int> cache_ls(const std::optional<std::string> &dir) {
  const auto cache = ISOBOX_TRY(existing_cache(dir));
  fmt::print("{:<64}  {:>10}  {:<64}  {}\n", "KEY", "SIZE", "MODULE SHA-256", "AGE");
  if (!cache)
    return 0;
  for (const auto &e : ISOBOX_TRY(cache->list())) {
    fmt::print("{:<64}  {:>10}  {:<64}  {}", e.key, e.size,
               e.module_sha256.empty() ? "-" : e.module_sha256, age_text(e.age_s));
    fmt::print("{}\n", e.problem.empty() ? "" : "  unusable: " + e.problem);
  }
  return 0;
}

Result<int> cache_clear(const std::optional<std::string> &dir) {
  const auto cache = ISOBOX_TRY(existing_cache(dir));
  fmt::print("removed {} entries\n", cache ? ISOBOX_TRY(cache->clear()) : 0);
  return 0;
}

void register_compile(CLI::App &wasm, Context &ctx) {
  auto opts = std::make_shared<CompileOptions>();
  CLI::App *cmd = wasm.add_subcommand(
      "compile", "compile a module to native code: into the code cache, or with -o to a file that "
                 "`wasm run --allow-precompiled` runs");
  cmd->add_option("module", opts->module, "the .wasm file")->required();
  cmd->add_option("-o,--output", opts->output, "write an artifact (.cwasm) here instead");
  cmd->add_option("--cache-dir", opts->cache_dir,
                  "compiled-code cache (default $ISOBOX_CACHE_DIR, $XDG_CACHE_HOME/isobox or "
                  "~/.cache/isobox)");
  cmd->add_flag("--timeout-checks", opts->timeout_checks,
                "compile in the checks `wasm run --timeout` needs (runs with --timeout use only "
                "such code, runs without it only code without them)");
  cmd->add_flag("--fuel-checks", opts->fuel_checks,
                "compile in the metering `wasm run --fuel` needs (likewise)");
  cmd->callback([opts, &ctx] { ctx.exit_code = finish("wasm compile", wasm_compile(*opts)); });
}

void register_cache(CLI::App &wasm, Context &ctx) {
  auto dir = std::make_shared<std::optional<std::string>>();
  CLI::App *cache = wasm.add_subcommand("cache", "list or clear the compiled-code cache");
  cache->require_subcommand(1);
  CLI::App *ls = cache->add_subcommand("ls", "list entries: key, size, module SHA-256, age");
  CLI::App *clear = cache->add_subcommand("clear", "remove every entry");
  for (CLI::App *sub : {ls, clear})
    sub->add_option("--cache-dir", *dir, "the cache (default as for `wasm run`)");
  ls->callback([dir, &ctx] { ctx.exit_code = finish("wasm cache ls", cache_ls(*dir)); });
  clear->callback([dir, &ctx] { ctx.exit_code = finish("wasm cache clear", cache_clear(*dir)); });
}

} // namespace

void register_wasm_cache(CLI::App &wasm, Context &ctx) {
  register_compile(wasm, ctx);
  register_cache(wasm, ctx);
}

} // namespace isobox::cli
