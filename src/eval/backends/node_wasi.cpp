// Backend "node-wasi": the workload's .wasm in Node.js's WASI (node:wasi) on V8, a second,
// JIT-compiling engine; a small runner script is written into the work directory. node:wasi has
// no read-only preopen, so a run naming the read-only grant runs node in its own mount namespace
// where that directory is a read-only bind mount, preopened as /ro.
#include <filesystem>
#include <fstream>

#include "eval/backend.hpp"

namespace isobox::eval {
namespace {

// argv: runner.js [--instantiate-only] [--ro RO_DIR] MODULE HOST_DIR ARGS... ; HOST_DIR is
// preopened as /data, RO_DIR as /ro. --instantiate-only prints the seconds from reading the
// module to an instance, and exits.
constexpr const char *kRunner = R"(// isobox eval: runs a WASI preview1 module with node:wasi.
'use strict';
const t0 = performance.now();
const { WASI } = require('node:wasi');
const fs = require('node:fs');
let argv = process.argv.slice(2);
const only = argv[0] === '--instantiate-only';
if (only) argv = argv.slice(1);
const preopens = {};
if (argv[0] === '--ro') { preopens['/ro'] = argv[1]; argv = argv.slice(2); }
const [wasmPath, hostDir, ...args] = argv;
preopens['/data'] = hostDir;
const wasi = new WASI({ version: 'preview1', args: [wasmPath, ...args], env: {},
                        preopens, returnOnExit: true });
const bytes = fs.readFileSync(wasmPath);
WebAssembly.instantiate(bytes, wasi.getImportObject()).then(({ instance }) => {
  if (only)
    console.log(((performance.now() - t0) / 1000).toFixed(6));
  else
    process.exitCode = wasi.start(instance);
});
)";

// V8 flags for every node run. --no-turbo-fast-api-calls: node 20's node:wasi functions are V8
// "fast API calls", and its allocator reports memory to V8 from inside them, which can start a GC
// where V8 allows none (nodejs/node#46777). Once a guest's linear memory passes V8's
// external-memory GC trigger (~64 MiB) that happens, and node dies with SIGSEGV: 20 of 20 runs
// of the memory workload at 64 MiB here, 0 of 20 with this flag (docs/eval.md, "node-wasi").
constexpr const char *kNodeFlags[] = {"--no-warnings", "--no-turbo-fast-api-calls"};

class NodeWasiBackend final : public Backend {
public:
  NodeWasiBackend() : Backend(BackendInfo{.name = "node-wasi", .kind = "wasm"}) {}

  Result<void> prepare(const BackendEnv &env) override {
    m_env = env;
    m_node = find_in_path("node");
    if (m_node.empty())
      return make_error("node not found in PATH (Debian package nodejs)");
    if (!std::filesystem::exists(env.workload_dir + "/hello.wasm"))
      return make_error("workloads were not compiled to wasm32-wasi");
    m_dir = env.work_dir + "/io-node-wasi";
    m_runner = env.work_dir + "/node-wasi-runner.js";
    std::error_code ec;
    std::filesystem::create_directories(m_dir, ec);
    std::ofstream(m_runner) << kRunner;
    m_info.version = "node " + first_output_line({m_node, "--version"}) + " (V8, node:wasi)";
    m_info.command = shell_join(node_argv()) + " " + m_runner + " " + env.workload_dir +
                     "/{workload}.wasm " + m_dir + " {args}";
    m_info.notes.push_back("node runs with --no-turbo-fast-api-calls: without it node 20 "
                           "segfaults once linear memory passes ~64 MiB (nodejs/node#46777)");
    m_info.memory_method =
        "wait4 ru_maxrss of the node process (one run under the rusage_exec probe)";
    return trial_run(*this);
  }

  Result<Command> command(const RunSpec &run) override {
    const bool ro = wants_ro_grant(run);
    const std::string ro_dir = ro_grant_dir(m_env.work_dir);
    Command cmd{ro ? ro_mount_prefix(ro_dir) : std::vector<std::string>{}, ""};
    const auto node = node_argv();
    cmd.argv.insert(cmd.argv.end(), node.begin(), node.end());
    cmd.argv.push_back(m_runner);
    if (ro)
      cmd.argv.insert(cmd.argv.end(), {"--ro", ro_dir});
    for (const std::string &a : {m_env.workload_dir + "/" + run.workload + ".wasm", m_dir})
      cmd.argv.push_back(a);
    for (auto &a : substitute_dir(run.args, "/data", "/ro"))
      cmd.argv.push_back(a);
    return cmd;
  }

  // Inside node: from the runner's first line (node itself already started) to the instance.
  Result<double> instantiate_seconds(const std::string &workload) override {
    Command cmd{node_argv(), ""};
    for (const std::string &a : {m_runner, std::string("--instantiate-only"),
                                 m_env.workload_dir + "/" + workload + ".wasm", m_dir})
      cmd.argv.push_back(a);
    auto r = ISOBOX_TRY(run_command(cmd, 60));
    if (r.exit_code != 0 || r.out.empty())
      return make_error("node --instantiate-only {}: exit {}", workload, r.exit_code);
    return std::stod(r.out);
  }

private:
  // A private mount namespace in which `dir` is bind-mounted read-only onto itself (root only).
  static std::vector<std::string> ro_mount_prefix(const std::string &dir) {
    return {"unshare",
            "-m",
            "--propagation",
            "private",
            "sh",
            "-c",
            "mount --bind -o ro \"$0\" \"$0\" && exec \"$@\"",
            dir};
  }

  [[nodiscard]] std::vector<std::string> node_argv() const {
    std::vector<std::string> argv{m_node};
    argv.insert(argv.end(), std::begin(kNodeFlags), std::end(kNodeFlags));
    return argv;
  }

  BackendEnv m_env;
  std::string m_node;
  std::string m_dir;
  std::string m_runner;
};

} // namespace

std::unique_ptr<Backend> make_node_wasi_backend() { return std::make_unique<NodeWasiBackend>(); }

} // namespace isobox::eval
