// Shared by the OCI backends (isobox-container, runc, crun): one busybox rootfs holding the
// static workloads, a bundle per backend, `<runtime> run` per sample, memory from a cgroup.
#pragma once

#include <nlohmann/json.hpp>

#include "eval/backend.hpp"

namespace isobox::eval {

/// An OCI runtime driven as `PREFIX... --root STATE run --bundle BUNDLE ID`.
class OciBackend : public Backend {
public:
  explicit OciBackend(BackendInfo info) : Backend(std::move(info)) {}

  Result<void> prepare(const BackendEnv &env) override;
  Result<Command> command(const RunSpec &run) override;
  void before_run() override;
  long peak_rss_kib(const RunResult &r) override;
  void cleanup() override;

protected:
  /// The runtime's argv prefix (binary, wrapper) or an error saying why it is missing.
  virtual Result<std::vector<std::string>> runtime_prefix(const BackendEnv &env) = 0;
  /// process.args[0] for `workload`, a path in the shared rootfs (the static binary by default).
  virtual std::string program_path(const std::string &workload) const {
    return "/w/" + workload + ".native";
  }
  /// Last changes to a run's config.json (e.g. annotations); nothing by default.
  virtual void adjust_spec(nlohmann::ordered_json &) const {}

private:
  Result<void> write_config(const RunSpec &run);
  void setup_memory_cgroup();

  BackendEnv m_env;
  std::vector<std::string> m_prefix;
  std::string m_bundle;
  std::string m_rootfs;
  std::string m_state;
  std::string m_cgroup_parent; // "isobox-eval-<pid>-<backend>"
  std::string m_memory_dir;    // v1 memory controller dir of the parent, "" when unusable
  int m_next_id = 0;
};

/// Builds (once per work dir) the rootfs every OCI backend shares: busybox-static and the
/// workloads' static binaries and .wasm modules under /w, a writable /scratch.
Result<std::string> shared_rootfs(const BackendEnv &env);

} // namespace isobox::eval
