// A sandbox under test as a small adapter: detection, the command for one run, its memory.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "eval/process.hpp"
#include "eval/results.hpp"

namespace isobox::eval {

/// Where things are: the isobox binary, the built workloads, a scratch directory for this run.
struct BackendEnv {
  std::string isobox;
  std::string workload_dir;
  std::string work_dir;
};

/// One run of a workload: program name and arguments; the token kDirToken in `args` stands for
/// a writable directory as the sandbox names it, kRoDirToken for the read-only grant (a second
/// directory, granted only to runs that name it: docs/eval.md, "The read-only grant").
struct RunSpec {
  std::string workload;
  std::vector<std::string> args;
  int user = -1; // >= 0: the OCI backends run the process as this uid and gid (process.user)
};
inline constexpr const char *kDirToken = "{dir}";
inline constexpr const char *kRoDirToken = "{rodir}";

/// Every backend is one file under backends/ implementing this.
class Backend {
public:
  explicit Backend(BackendInfo info) : m_info(std::move(info)) {}
  virtual ~Backend() = default;
  Backend(const Backend &) = delete;
  Backend &operator=(const Backend &) = delete;

  [[nodiscard]] const BackendInfo &info() const { return m_info; }
  [[nodiscard]] const std::string &name() const { return m_info.name; }

  /// Detects the sandbox and sets it up; an error means "skipped" with that reason.
  virtual Result<void> prepare(const BackendEnv &env) = 0;
  /// The command for one run (called before each run, outside the timed span).
  virtual Result<Command> command(const RunSpec &run) = 0;
  /// Called right before a timed run (e.g. to reset a cgroup's peak counter).
  virtual void before_run() {}
  /// Peak memory of the run just finished, in KiB.
  virtual long peak_rss_kib(const RunResult &r) { return r.max_rss_kib; }
  /// Engines only: seconds from reading `workload`.wasm to an instance ready to run (decode,
  /// validate, compile, instantiate with WASI), measured inside the engine's process.
  virtual Result<double> instantiate_seconds(const std::string &workload) {
    return make_error("{} is not a Wasm engine", workload);
  }
  /// Whether the bench asks this backend for instantiate_seconds (Wasm engines by default).
  [[nodiscard]] virtual bool measures_instantiate() const { return m_info.kind == "wasm"; }
  /// Removes whatever prepare() created.
  virtual void cleanup() {}

protected:
  BackendInfo m_info;
};

/// Every backend in report order (native first); each one is skipped or prepared by the caller.
std::vector<std::unique_ptr<Backend>> make_backends();
std::vector<std::string> backend_names();

/// Factories, one per backends/*.cpp file.
std::unique_ptr<Backend> make_native_backend();
std::unique_ptr<Backend> make_isobox_container_backend();
std::unique_ptr<Backend> make_isobox_container_seccomp_backend();
std::unique_ptr<Backend> make_runc_backend();
std::unique_ptr<Backend> make_crun_backend();
std::unique_ptr<Backend> make_isobox_wasm_backend();
std::unique_ptr<Backend> make_isobox_wasm_aot_backend();
std::unique_ptr<Backend> make_isobox_wasm_container_backend();
std::unique_ptr<Backend> make_node_wasi_backend();

/// Helpers shared by the adapters.
std::string find_in_path(const std::string &program);
/// First line of `argv`'s stdout (e.g. a --version), or "" when it fails.
std::string first_output_line(const std::vector<std::string> &argv);
/// args with kDirToken replaced by `dir` and kRoDirToken by `ro_dir`.
std::vector<std::string> substitute_dir(const std::vector<std::string> &args,
                                        const std::string &dir, const std::string &ro_dir = "");
/// The host directory behind the read-only grant: <work_dir>/ro-grant (the audit fills it).
std::string ro_grant_dir(const std::string &work_dir);
/// Whether the run names the read-only grant (then the backend grants it).
bool wants_ro_grant(const RunSpec &run);
/// Runs the hello workload once through `backend` to prove it works.
Result<void> trial_run(Backend &backend);

} // namespace isobox::eval
