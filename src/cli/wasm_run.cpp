// `isobox wasm run [--dir H[::G][:ro]] [--env K=V] [limits] module.wasm [args...]`: WASI _start.
#include "cli/wasm_run.hpp"
#include "cli/wasm_inspect.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <iterator>
#include <mutex>
#include <thread>

#include "cli/wasm_confine.hpp"
#include "cli/wasm_invoke.hpp"
#include "common/log.hpp"
#include "wasm/binary/decoder.hpp"
#include "wasm/interp/invoke.hpp"
#include "wasm/runtime/instantiate.hpp"
#include "wasm/validator/validator.hpp"
#include "wasm/wasi/wasi_bindings.hpp"

namespace isobox::cli {
namespace {

/// Sets the interrupt flag after `ms`, unless cancelled first (the guest finished). The
/// interpreter checks the flag at loop heads and calls; a guest blocked inside a host call
/// (fd_read on a pipe, a long poll_oneoff) cannot see it, so after a grace period the watchdog
/// ends the process itself with the same trap report.
class Watchdog {
public:
  static constexpr auto kGrace = std::chrono::milliseconds(500);

  Watchdog(std::atomic<bool> &flag, uint64_t ms)
      : m_thread([this, &flag, ms] {
          std::unique_lock lock(m_mutex);
          m_started = true;
          m_cv.notify_all();
          if (m_cv.wait_for(lock, std::chrono::milliseconds(ms), [this] { return m_done; }))
            return;
          flag.store(true);
          if (m_cv.wait_for(lock, kGrace, [this] { return m_done; }))
            return;
          static constexpr char kMsg[] = "isobox: trap: interrupted\n";
          (void)!::write(STDERR_FILENO, kMsg, sizeof kMsg - 1);
          ::_exit(kTrapExitCode);
        }) {
    // Wait until the thread runs: its start-up syscalls (rseq, set_robust_list) must happen
    // before the seccomp filter, which TSYNC also applies to this thread.
    std::unique_lock lock(m_mutex);
    m_cv.wait(lock, [this] { return m_started; });
  }
  ~Watchdog() {
    {
      std::lock_guard lock(m_mutex);
      m_done = true;
    }
    m_cv.notify_all();
    m_thread.join();
  }

private:
  std::mutex m_mutex;
  std::condition_variable m_cv;
  bool m_done = false;
  bool m_started = false;
  std::thread m_thread;
};

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

} // namespace

Result<UniqueFd> listen_tcp(std::string_view spec) {
  const size_t colon = spec.rfind(':');
  if (colon == std::string_view::npos)
    return make_error("--tcp-listen {}: expected ADDR:PORT", spec);
  const std::string addr(spec.substr(0, colon));
  uint16_t port = 0;
  const auto port_text = spec.substr(colon + 1);
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() ||
      ::inet_pton(AF_INET, addr.c_str(), &sa.sin_addr) != 1)
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

Result<uint64_t> parse_duration_ms(std::string_view text) {
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  const std::string_view unit(end, text.data() + text.size());
  if (ec != std::errc() || end == text.data())
    return make_error("bad duration '{}' (use e.g. 500ms, 10s, 2m)", text);
  if (unit == "ms")
    return n;
  if (unit.empty() || unit == "s")
    return n * 1000;
  if (unit == "m")
    return n * 60'000;
  if (unit == "h")
    return n * 3'600'000;
  return make_error("bad duration '{}' (use e.g. 500ms, 10s, 2m)", text);
}

/// The process exit status for a finished invocation: 0, the guest's proc_exit code, or a
/// printed trap.
int exit_status(const std::expected<std::vector<wasm::Value>, wasm::Trap> &result) {
  if (result)
    return 0;
  if (result.error().exit_code)
    return *result.error().exit_code;
  const wasm::Trap &trap = result.error();
  if (trap.func_name)
    fmt::print(stderr, "isobox: trap: {} (in function {})\n", trap.message, *trap.func_name);
  else if (trap.func_index)
    fmt::print(stderr, "isobox: trap: {} (in function #{})\n", trap.message, *trap.func_index);
  else
    fmt::print(stderr, "isobox: trap: {}\n", trap.message);
  return kTrapExitCode;
}

Result<int> wasm_run(const WasmRunOptions &opts) {
  // `module.wasm --invoke NAME ARGS...` calls one export; otherwise the words are guest argv.
  std::vector<std::string> words = opts.args;
  const auto invoke_name = ISOBOX_TRY(take_invoke(words));
  auto wasi_cfg = ISOBOX_TRY(wasi_config(opts, invoke_name ? std::vector<std::string>{} : words));
  std::optional<uint64_t> timeout_ms;
  if (!opts.timeout.empty())
    timeout_ms = ISOBOX_TRY(parse_duration_ms(opts.timeout));
  // Errors read "<file>: <spec text>" (e.g. "m.wasm: unexpected end").
  auto validated = ISOBOX_TRY(load_validated(opts.module));

  // Listening sockets are bound now, as the confined engine may not create sockets.
  std::vector<UniqueFd> listeners;
  for (const auto &spec : opts.tcp_listen) {
    listeners.push_back(ISOBOX_TRY(listen_tcp(spec)));
    wasi_cfg.sockets.push_back(listeners.back().get());
  }
  std::atomic<bool> interrupt{false};
  wasm::StoreLimits limits;
  if (opts.max_memory)
    limits.max_memory_bytes = *opts.max_memory;
  if (opts.max_stack)
    limits.max_call_depth = *opts.max_stack;
  if (opts.max_table)
    limits.max_table_elems = *opts.max_table;
  limits.fuel = opts.fuel;
  if (timeout_ms) // without a watchdog, no flag: the interpreter's loops then run unmetered
    limits.interrupt = &interrupt;
  wasm::Store store(limits);
  auto wasi = ISOBOX_TRY(wasm::wasi::Wasi::create(std::move(wasi_cfg)));
  auto funcs = wasm::wasi::add_wasi_functions(store, *wasi);
  auto inst = wasm::instantiate(store, validated, wasm::wasi::wasi_import_resolver(funcs));
  if (!inst)
    return make_error("{}", inst.error().message);
  std::optional<wasm::ExternVal> start;
  if (!invoke_name) {
    start = (*inst)->find_export("_start");
    if (!start || start->kind != wasm::ExternKind::Func)
      return make_error("{}: no exported function _start (not a WASI command)", opts.module);
  }

  // The watchdog thread starts before the filter, so thread creation need not be allowed.
  std::optional<Watchdog> watchdog;
  if (timeout_ms)
    watchdog.emplace(interrupt, *timeout_ms);
  // Self-confinement: from here on every thread may only make the allowlisted syscalls.
  if (!opts.no_confine)
    ISOBOX_CHECK(confine_wasm_engine(
        ConfineOptions{.filesystem = !opts.dirs.empty(), .sockets = !opts.tcp_listen.empty()}));
  if (invoke_name) {
    auto result = ISOBOX_TRY(invoke_export(store, **inst, *invoke_name, words));
    watchdog.reset();
    return exit_status(result);
  }
  auto result = wasm::invoke(store, start->addr, {});
  watchdog.reset();
  return exit_status(result);
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
  run->add_option("--max-memory", opts->max_memory, "linear memory limit in bytes");
  run->add_option("--max-stack", opts->max_stack, "call depth limit");
  run->add_option("--max-table", opts->max_table,
                  "elements per table (default 10000000); table.grow past it returns -1");
  run->add_option("--fuel", opts->fuel, "instruction budget");
  run->add_option("--timeout", opts->timeout, "wall-clock limit, e.g. 10s or 500ms");
  run->add_flag("--print-syscalls", opts->print_syscalls,
                "print the seccomp allowlist the engine confines itself to, and exit");
  run->add_flag("--no-confine", opts->no_confine, "do not install the seccomp filter (debugging)");
  // Everything from the module path on belongs to the guest, even words that look like flags.
  run->prefix_command();
  run->footer("Arguments: module.wasm [GUEST ARGS...]; every word after the module goes to the "
              "guest. Exit status: the guest's, or 134 after a trap (docs/wasi.md).");
  run->fallthrough(false);
  run->callback([run, opts, &ctx] {
    if (opts->print_syscalls) {
      ctx.exit_code = finish("wasm run", print_allowlist());
      return;
    }
    auto rest = run->remaining();
    if (!rest.empty() && rest.front() == "--")
      rest.erase(rest.begin());
    if (rest.empty()) {
      ctx.exit_code = finish("wasm run", make_error("missing module.wasm"));
      return;
    }
    opts->module = rest.front();
    opts->args.assign(rest.begin() + 1, rest.end());
    ctx.exit_code = finish("wasm run", wasm_run(*opts));
  });
}

} // namespace isobox::cli
