// run_module: the embedding policy of the engine (limits, WASI wiring, confinement, watchdog,
// loading) in one place, so the CLI and a container init run modules exactly the same way.
#include "wasm/embed/run_module.hpp"

#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <iterator>
#include <optional>

#include "common/log.hpp"
#include "common/parse_number.hpp"
#include "wasm/aot/aot_engine.hpp"
#include "wasm/aot/artifact.hpp"
#include "wasm/binary/decoder.hpp"
#include "wasm/embed/confine.hpp"
#include "wasm/embed/host_stdio.hpp"
#include "wasm/embed/landlock.hpp"
#include "wasm/embed/watchdog.hpp"
#include "wasm/validator/validator.hpp"
#include "wasm/wasi/wasi_bindings.hpp"

namespace isobox::wasm::embed {
namespace {

/// Loads the module (or the one the caller validated) into `engine` without running its start
/// function; `interrupt` (the watchdog's flag, or null) stops a long validation or compilation.
Result<InstanceId> load(Engine &engine, const RunRequest &req, const std::atomic<bool> *interrupt,
                        std::span<const uint8_t> object) {
  const LoadOptions options{.run_start = false, .interrupt = interrupt, .aot_object = object};
  auto id = req.validated ? engine.load(req.validated, options) : engine.load(req.bytes, options);
  if (id)
    return *id;
  const LoadError &e = id.error();
  if (e.kind == LoadError::Kind::Malformed || e.kind == LoadError::Kind::Invalid)
    return make_error("{}: {}", req.name, e.message);
  return make_error("{}", e.message);
}

/// A `wasm compile -o` artifact in place of a module: its module and code, when allowed.
Result<CodeChoice> take_artifact(RunRequest &req, const aot::CompileOptions &options) {
  if (!req.allow_precompiled)
    return make_error("{}: a precompiled artifact (native code): run it with --allow-precompiled "
                      "if you trust it",
                      req.name);
  std::vector<uint8_t> module;
  auto code = ISOBOX_TRY(open_artifact(req.bytes, req.name, options, module));
  req.bytes = std::move(module);
  return req.tier == Tier::Interp ? CodeChoice{} : std::move(code);
}

/// The request's code, or the one choose_code picks (before any confinement: it reads the cache).
Result<CodeChoice> request_code(RunRequest &req) {
  if (req.code)
    return std::move(*req.code);
  const aot::CompileOptions options = aot::compile_options(req.limits.store);
  if (aot::is_artifact(req.bytes))
    return take_artifact(req, options);
  if (req.bytes.empty()) // validated by the caller, bytes not kept: no key, the engine compiles
    return CodeChoice{.tier = req.tier == Tier::Auto ? Tier::Interp : req.tier};
  auto code =
      ISOBOX_TRY(choose_code(req.tier, req.bytes, req.name, options, req.cache, req.validated));
  if (code.validated && !req.validated)
    req.validated = code.validated;
  return code;
}

/// Whether request_code may run the compiler (explicit aot on a module, not a ready object).
bool may_compile(const RunRequest &req) {
  return !req.code && req.tier == Tier::Aot && !req.bytes.empty() && !aot::is_artifact(req.bytes);
}

/// What is left of a `timeout_ms` budget that began at `started` (at least 1 ms: the watchdog
/// then fires at once).
uint64_t remaining_ms(uint64_t timeout_ms, std::chrono::steady_clock::time_point started) {
  const auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::steady_clock::now() - started)
                         .count();
  return spent >= 0 && static_cast<uint64_t>(spent) < timeout_ms
             ? timeout_ms - static_cast<uint64_t>(spent)
             : 1;
}

/// A socket among the host's stdio (inetd-style activation): the guest may sock_recv/sock_send.
bool stdio_has_socket() {
  for (int fd = 0; fd < 3; ++fd) {
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode))
      return true;
  }
  return false;
}

/// no_new_privs and Landlock: before the watchdog thread exists, so that it inherits the domain
/// (Landlock restricts the calling thread and its future children only).
Result<void> confine_filesystem(const std::vector<wasi::DirGrant> &grants) {
  prepare_sanitizers_for_confinement();
  ISOBOX_CHECK(set_no_new_privs());
  std::vector<LandlockDir> dirs;
  for (const auto &g : grants)
    dirs.push_back(LandlockDir{g.host, g.read_only});
  const LandlockStatus status = ISOBOX_TRY(landlock_confine(dirs));
  if (!status.applied && !dirs.empty())
    log::warn("wasm: file system not confined by Landlock: {}", status.reason);
  else if (!status.reason.empty())
    log::debug("wasm: Landlock: {}", status.reason);
  return {};
}

/// The start function (if any), then `_start` or the embedder's entry; all confined already.
Result<InvokeResult> run_guest(Engine &engine, InstanceId id, const Entry &entry,
                               std::optional<uint32_t> start) {
  if (auto addr = engine.start_function(id)) {
    auto r = engine.call(*addr, {});
    if (!r)
      return r;
  }
  if (entry)
    return entry(engine, id);
  return engine.call(*start, {});
}

} // namespace

Result<void> set_limit(RunLimits &limits, std::string_view name, std::string_view text) {
  StoreLimits &s = limits.store;
  if (name == "max-memory")
    s.max_memory_bytes = ISOBOX_TRY(parse_number<uint64_t>(text, 0, kMaxMemoryBytes));
  else if (name == "max-stack")
    s.max_call_depth = ISOBOX_TRY(parse_number<uint32_t>(text, 1, kMaxCallDepth));
  else if (name == "max-table")
    s.max_table_elems = ISOBOX_TRY(parse_number<uint32_t>(text, 0, kMaxTableElems));
  else if (name == "fuel")
    s.fuel = ISOBOX_TRY(parse_number<uint64_t>(text));
  else if (name == "timeout")
    limits.timeout_ms = ISOBOX_TRY(parse_duration_ms(text, 1, kMaxTimeoutMs));
  else
    return make_error("unknown limit '{}'", name);
  return {};
}

Result<std::shared_ptr<const ValidatedModule>> load_module(std::span<const uint8_t> bytes,
                                                           std::string_view name,
                                                           const std::atomic<bool> *interrupt) {
  auto module = decode(bytes);
  if (!module)
    return std::unexpected(module.error().wrap(name));
  auto validated = validate(std::move(*module), ValidateOptions{.interrupt = interrupt});
  if (!validated)
    return std::unexpected(validated.error().wrap(name));
  return validated;
}

Result<int> run_module(RunRequest req) {
  const HostStdioFlags stdio; // put back on every way out, the watchdog's _exit included
  const ConfineOptions confine{.filesystem = !req.wasi.dirs.empty(),
                               .sockets = !req.wasi.sockets.empty(),
                               .socket_io = stdio_has_socket()};
  std::atomic<bool> interrupt{false}; // without a watchdog, no flag: the guest runs unmetered
  if (req.limits.timeout_ms)
    req.limits.store.interrupt = &interrupt;
  // --timeout counts from here. A compilation (`--tier aot` on a cache miss) cannot see the
  // interrupt flag, so a watchdog of its own ends a slow one after the grace period (this
  // process exits, the compiler child dies with it: its parent-death signal); it is joined
  // before Landlock, which confines only the calling thread and threads started after it.
  const auto started = std::chrono::steady_clock::now();
  std::optional<CodeChoice> chosen;
  {
    std::optional<Watchdog> compile_watchdog;
    if (req.limits.timeout_ms && may_compile(req))
      compile_watchdog.emplace(interrupt, *req.limits.timeout_ms, [&stdio] { stdio.restore(); });
    chosen = ISOBOX_TRY(request_code(req));
  }
  const CodeChoice &code = *chosen;
  log::debug("wasm: tier {}{}", to_string(code.tier),
             code.origin.empty() ? "" : " (" + code.origin + ")");
  auto engine = ISOBOX_TRY(make_engine(EngineOptions{
      .tier = code.tier, .limits = req.limits.store, .precompiled = !code.object.empty()}));
  const std::vector<wasi::DirGrant> dirs = req.wasi.dirs;
  auto wasi = ISOBOX_TRY(wasi::Wasi::create(std::move(req.wasi)));
  if (req.confine)
    ISOBOX_CHECK(confine_filesystem(dirs));
  log::phase("wasm: WASI set up, Landlock");
  std::optional<Watchdog> watchdog;
  if (req.limits.timeout_ms)
    watchdog.emplace(interrupt, remaining_ms(*req.limits.timeout_ms, started),
                     [&stdio] { stdio.restore(); });
  for (const auto &[name, addr] : wasi::add_wasi_functions(engine->store(), *wasi))
    engine->define(wasi::kModuleName, name, ExternVal{ExternKind::Func, addr});
  auto id = load(*engine, req, req.limits.store.interrupt, code.object);
  if (!id && interrupt.load()) { // the timeout fired while loading: the same end as in code
    fmt::print(stderr, "isobox: trap: interrupted\n");
    return kTrapExitCode;
  }
  if (!id)
    return std::unexpected(id.error());
  std::optional<uint32_t> start;
  if (!req.entry) {
    const auto e = engine->instance(*id).find_export("_start");
    if (!e || e->kind != ExternKind::Func)
      return make_error("{}: no exported function _start (not a WASI command)", req.name);
    start = e->addr;
  }
  log::phase("wasm: instantiated");
  if (req.confine) // from here on every thread may only make the allowlisted syscalls
    ISOBOX_CHECK(confine_wasm_engine(confine));
  log::phase("wasm: seccomp");
  auto result = ISOBOX_TRY(run_guest(*engine, *id, req.entry, start));
  log::phase("wasm: guest returned");
  watchdog.reset();
  return exit_status(result);
}

Result<std::vector<uint8_t>> read_module_file(const std::string &path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return sys_error("{}", path);
  if (!S_ISREG(st.st_mode))
    return make_error("{}: not a regular file", path);
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return sys_error("{}", path);
  return std::vector<uint8_t>{std::istreambuf_iterator<char>(in), {}};
}

int exit_status(const InvokeResult &result) {
  if (result)
    return 0;
  const Trap &trap = result.error();
  if (trap.exit_code)
    return *trap.exit_code >= 0 && *trap.exit_code <= 255 ? *trap.exit_code : kOutOfRangeExitCode;
  if (trap.func_name)
    fmt::print(stderr, "isobox: trap: {} (in function {})\n", trap.message, *trap.func_name);
  else if (trap.func_index)
    fmt::print(stderr, "isobox: trap: {} (in function #{})\n", trap.message, *trap.func_index);
  else
    fmt::print(stderr, "isobox: trap: {}\n", trap.message);
  return kTrapExitCode;
}

} // namespace isobox::wasm::embed
