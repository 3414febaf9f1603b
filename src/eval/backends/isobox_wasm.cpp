// Backends "isobox-wasm" and "isobox-wasm-aot": the workload's .wasm in isobox's own engine
// (`isobox wasm run`), interpreter tier or LLVM tier (`--tier aot`); a run naming the read-only
// grant also gets `--dir <ro-grant>::/ro:ro` (a preopen without the mutating rights, and Landlock).
#include <chrono>
#include <filesystem>

#include "eval/backend.hpp"
#include "eval/process.hpp"
#include "wasm/embed/run_module.hpp"

namespace isobox::eval {
namespace {

class IsoboxWasmBackend final : public Backend {
public:
  IsoboxWasmBackend(const std::string &name, wasm::Tier tier)
      : Backend(BackendInfo{.name = name, .kind = "wasm"}), m_tier(tier) {}

  Result<void> prepare(const BackendEnv &env) override {
    m_env = env;
    if (::access(env.isobox.c_str(), X_OK) != 0)
      return make_error("isobox binary {} not found", env.isobox);
    if (!std::filesystem::exists(env.workload_dir + "/hello.wasm"))
      return make_error("workloads were not compiled to wasm32-wasi (clang-14 or wasi-libc "
                        "missing at build time)");
    m_dir = env.work_dir + "/io-" + name();
    std::error_code ec;
    std::filesystem::create_directories(m_dir, ec);
    m_info.version = first_output_line({env.isobox, "--version"}) +
                     (aot() ? " (aot tier, LLVM)" : " (interpreter)");
    m_info.command = env.isobox + " wasm run" + (aot() ? " --tier aot" : "") + " --dir " + m_dir +
                     "::/data " + env.workload_dir + "/{workload}.wasm {args}";
    m_info.memory_method =
        "wait4 ru_maxrss of the engine process (one run under the rusage_exec probe)";
    if (aot()) {
      m_cache = env.work_dir + "/code-cache-" + name();
      std::filesystem::remove_all(m_cache, ec);
      m_info.command = env.isobox + " wasm run --tier aot --cache-dir " + m_cache + " --dir " +
                       m_dir + "::/data " + env.workload_dir + "/{workload}.wasm {args}";
      ISOBOX_CHECK(compile_workloads());
    }
    return trial_run(*this); // a tier not built in fails here: the backend is skipped with why
  }

  Result<Command> command(const RunSpec &run) override {
    Command cmd{{m_env.isobox, "wasm", "run"}, ""};
    if (aot())
      cmd.argv.insert(cmd.argv.end(), {"--tier", "aot", "--cache-dir", m_cache});
    cmd.argv.insert(cmd.argv.end(), {"--dir", m_dir + "::/data"});
    if (wants_ro_grant(run))
      cmd.argv.insert(cmd.argv.end(), {"--dir", ro_grant_dir(m_env.work_dir) + "::/ro:ro"});
    cmd.argv.push_back(m_env.workload_dir + "/" + run.workload + ".wasm");
    for (auto &a : substitute_dir(run.args, "/data", "/ro"))
      cmd.argv.push_back(a);
    return cmd;
  }

  // In this process, through the same library call `isobox wasm run` makes (unconfined: the
  // entry returns before any guest code, so there is nothing to confine).
  Result<double> instantiate_seconds(const std::string &workload) override {
    using Clock = std::chrono::steady_clock;
    const auto t0 = Clock::now();
    wasm::embed::RunRequest request;
    request.name = workload;
    request.bytes =
        ISOBOX_TRY(wasm::embed::read_module_file(m_env.workload_dir + "/" + workload + ".wasm"));
    request.confine = false;
    request.tier = m_tier;
    if (aot())
      request.cache.dir = m_cache;
    auto ready = t0;
    request.entry = [&ready](wasm::Engine &,
                             wasm::InstanceId) -> Result<wasm::embed::InvokeResult> {
      ready = Clock::now();
      return wasm::embed::InvokeResult{};
    };
    if (const int status = ISOBOX_TRY(wasm::embed::run_module(std::move(request))); status != 0)
      return make_error("instantiating {}: exit status {}", workload, status);
    return std::chrono::duration<double>(ready - t0).count();
  }

private:
  bool aot() const { return m_tier == wasm::Tier::Aot; }

  /// Compiles every workload into the backend's code cache (`isobox wasm compile`), before any
  /// timing; the note lists each compile's wall time (loading LLVM included). A module that does
  /// not compile (the audit's malformed ones) is listed and left to fail when it runs, as it
  /// would in the interpreter.
  Result<void> compile_workloads() {
    std::string note = "compiled into the code cache before timing (isobox wasm compile, wall ms):";
    std::string refused;
    for (const auto &f : std::filesystem::directory_iterator(m_env.workload_dir)) {
      if (f.path().extension() != ".wasm")
        continue;
      const Command cmd{{m_env.isobox, "wasm", "compile", "--cache-dir", m_cache, f.path()}, ""};
      const RunResult r = ISOBOX_TRY(run_command(cmd, 600));
      if (r.exit_code != 0)
        refused += " " + f.path().stem().string();
      else
        note += fmt::format(" {} {:.0f}", f.path().stem().string(), r.seconds * 1000);
    }
    m_info.notes.push_back(note);
    if (!refused.empty())
      m_info.notes.push_back("not compiled (refused by the decoder or validator):" + refused);
    return {};
  }

  wasm::Tier m_tier;
  BackendEnv m_env;
  std::string m_dir;
  std::string m_cache; ///< aot: the backend's own code cache
};

} // namespace

std::unique_ptr<Backend> make_isobox_wasm_backend() {
  return std::make_unique<IsoboxWasmBackend>("isobox-wasm", wasm::Tier::Interp);
}

std::unique_ptr<Backend> make_isobox_wasm_aot_backend() {
  return std::make_unique<IsoboxWasmBackend>("isobox-wasm-aot", wasm::Tier::Aot);
}

} // namespace isobox::eval
