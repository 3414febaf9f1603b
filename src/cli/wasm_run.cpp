// `isobox wasm run [--dir H[::G][:ro]] [--env K=V] [limits] module.wasm [args...]`: WASI _start.
#include "cli/wasm_run.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "cli/wasm_invoke.hpp"
#include "common/log.hpp"
#include "common/parse_number.hpp"
#include "wasm/embed/confine.hpp"

namespace isobox::cli {
namespace {

Result<wasm::wasi::WasiConfig> wasi_config(const WasmRunOptions &opts,
                                           const std::vector<std::string> &args) {
  wasm::wasi::WasiConfig cfg;
  cfg.args.push_back(opts.module);
  cfg.args.insert(cfg.args.end(), args.begin(), args.end());
  for (const auto &e : opts.env) {
    if (e.find('=') == std::string::npos)
      return make_error("--env {}: expected K=V", e);
    cfg.env.push_back(e);
  }
  for (const auto &d : opts.dirs)
    cfg.dirs.push_back(ISOBOX_TRY(wasm::wasi::parse_dir_grant(d)));
  return cfg;
}

/// A usage error (bad flag value): one line, exit 2.
void usage_error(Context &ctx, const Error &e) {
  log::error("wasm run: {}", e.message);
  ctx.exit_code = 2;
}

} // namespace

Result<UniqueFd> listen_tcp(std::string_view spec) {
  const size_t colon = spec.rfind(':');
  if (colon == std::string_view::npos)
    return make_error("--tcp-listen {}: expected ADDR:PORT", spec);
  const std::string addr(spec.substr(0, colon));
  auto port = parse_number<uint16_t>(spec.substr(colon + 1));
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port.value_or(0));
  if (!port || ::inet_pton(AF_INET, addr.c_str(), &sa.sin_addr) != 1)
    return make_error("--tcp-listen {}: expected IPv4ADDR:PORT", spec);
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd)
    return sys_error("--tcp-listen {}: socket", spec);
  const int one = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(fd.get(), reinterpret_cast<const sockaddr *>(&sa), sizeof sa) != 0)
    return sys_error("--tcp-listen {}: bind", spec);
  if (::listen(fd.get(), 128) != 0)
    return sys_error("--tcp-listen {}: listen", spec);
  return fd;
}

Result<wasm::embed::RunLimits> run_limits(const WasmRunOptions &opts) {
  wasm::embed::RunLimits limits;
  const std::pair<const char *, const std::optional<std::string> *> flags[] = {
      {"max-memory", &opts.max_memory}, {"max-stack", &opts.max_stack},
      {"max-table", &opts.max_table},   {"fuel", &opts.fuel},
      {"timeout", &opts.timeout},
  };
  for (const auto &[name, value] : flags)
    if (*value)
      if (auto r = wasm::embed::set_limit(limits, name, **value); !r)
        return std::unexpected(r.error().wrap(fmt::format("--{}", name)));
  return limits;
}

Result<int> wasm_run(const WasmRunOptions &opts) {
  // `module.wasm --invoke NAME ARGS...` calls one export; otherwise the words are guest argv.
  std::vector<std::string> words = opts.args;
  const auto invoke_name = ISOBOX_TRY(take_invoke(words));
  wasm::embed::RunRequest req{.name = opts.module, .limits = ISOBOX_TRY(run_limits(opts))};
  req.tier = ISOBOX_TRY(wasm::parse_tier(opts.tier));
  req.wasi = ISOBOX_TRY(wasi_config(opts, invoke_name ? std::vector<std::string>{} : words));
  req.bytes = ISOBOX_TRY(wasm::embed::read_module_file(opts.module));
  req.cache.dir = opts.cache_dir;
  req.allow_precompiled = opts.allow_precompiled;
  // Listening sockets are bound now, as the confined engine may not create sockets.
  std::vector<UniqueFd> listeners;
  for (const auto &spec : opts.tcp_listen) {
    listeners.push_back(ISOBOX_TRY(listen_tcp(spec)));
    req.wasi.sockets.push_back(listeners.back().get());
  }
  req.confine = !opts.no_confine;
  if (invoke_name)
    req.entry = [&](wasm::Engine &engine, wasm::InstanceId id) {
      return invoke_export(engine, id, *invoke_name, words);
    };
  return wasm::embed::run_module(std::move(req));
}

void register_wasm_run(CLI::App &wasm, Context &ctx) {
  auto opts = std::make_shared<WasmRunOptions>();
  CLI::App *run = wasm.add_subcommand(
      "run", "run a WASI command module (_start), or one export: module.wasm --invoke NAME ARGS");
  // One value per occurrence (repeat the flag), so the module path is never swallowed.
  run->add_option("--dir", opts->dirs, "grant a host directory: HOST[::GUEST][:ro]")
      ->allow_extra_args(false);
  run->add_option("--env", opts->env, "set a guest environment variable K=V")
      ->allow_extra_args(false);
  run->add_option("--tcp-listen", opts->tcp_listen,
                  "listen on IPv4 ADDR:PORT; the guest gets it as a pre-opened socket")
      ->allow_extra_args(false);
  run->add_option("--max-memory", opts->max_memory,
                  "linear memory limit in bytes, 0 to 4294967296 (default 4294967296)");
  run->add_option("--max-stack", opts->max_stack, "call depth limit, 1 to 1000000 (default 20000)");
  run->add_option("--max-table", opts->max_table,
                  "elements per table, 0 to 100000000 (default 10000000); table.grow past it "
                  "returns -1");
  run->add_option("--fuel", opts->fuel, "instruction budget, 0 to 18446744073709551615");
  run->add_option("--timeout", opts->timeout, "wall-clock limit, 1ms to 720h, e.g. 10s or 500ms");
  run->add_option("--tier", opts->tier,
                  "which code runs the guest: interp, aot (compile now unless cached) or auto "
                  "(default: cached compiled code, else the interpreter)");
  run->add_option("--cache-dir", opts->cache_dir,
                  "compiled-code cache (default $ISOBOX_CACHE_DIR, $XDG_CACHE_HOME/isobox or "
                  "~/.cache/isobox)");
  run->add_flag("--allow-precompiled", opts->allow_precompiled,
                "the module may be an artifact of `isobox wasm compile -o` (native code: only "
                "artifacts you trust)");
  run->add_flag("--print-syscalls", opts->print_syscalls,
                "print the seccomp allowlist the engine confines itself to, and exit");
  run->add_flag("--no-confine", opts->no_confine,
                "do not install Landlock and the seccomp filter (debugging)");
  // Everything from the module path on belongs to the guest, even words that look like flags.
  run->prefix_command();
  run->footer("Arguments: module.wasm [GUEST ARGS...]; every word after the module goes to the "
              "guest. Exit status: the guest's (255 for a proc_exit code above 255), 134 after a "
              "trap, 2 for a bad flag value (docs/wasi.md).");
  run->fallthrough(false);
  run->callback([run, opts, &ctx] {
    if (opts->print_syscalls) {
      ctx.exit_code = finish("wasm run", wasm::embed::print_allowlist());
      return;
    }
    if (auto limits = run_limits(*opts); !limits)
      return usage_error(ctx, limits.error());
    if (auto tier = wasm::parse_tier(opts->tier); !tier)
      return usage_error(ctx, tier.error().wrap("--tier"));
    auto rest = run->remaining();
    if (!rest.empty() && rest.front() == "--")
      rest.erase(rest.begin());
    if (rest.empty())
      return usage_error(ctx, Error{"missing module.wasm"});
    opts->module = rest.front();
    opts->args.assign(rest.begin() + 1, rest.end());
    ctx.exit_code = finish("wasm run", wasm_run(*opts));
  });
}

} // namespace isobox::cli
