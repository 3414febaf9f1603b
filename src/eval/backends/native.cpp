// Backend "native": the static workload binary with no sandbox, the baseline every ratio uses.
// Its read-only grant is the plain host directory: nothing enforces it (there is no sandbox),
// which is what lets the audit's read-only scenarios prove their host check can fail.
#include <filesystem>

#include "eval/backend.hpp"

// The compiler the build used for the .native workloads (src/eval/workloads/CMakeLists.txt).
#ifndef ISOBOX_EVAL_NATIVE_CC
#define ISOBOX_EVAL_NATIVE_CC "gcc"
#endif

namespace isobox::eval {
namespace {

class NativeBackend final : public Backend {
public:
  NativeBackend() : Backend(BackendInfo{.name = "native", .kind = "baseline"}) {}

  Result<void> prepare(const BackendEnv &env) override {
    m_env = env;
    m_dir = env.work_dir + "/io-native";
    std::error_code ec;
    std::filesystem::create_directories(m_dir, ec);
    if (ec)
      return make_error("mkdir {}: {}", m_dir, ec.message());
    m_info.version = std::string(ISOBOX_EVAL_NATIVE_CC) + " -O2 -static (" +
                     first_output_line({ISOBOX_EVAL_NATIVE_CC, "--version"}) + ")";
    m_info.command = env.workload_dir + "/{workload}.native {args}";
    m_info.memory_method = "wait4 ru_maxrss of the process (one run under the rusage_exec probe)";
    return trial_run(*this);
  }

  Result<Command> command(const RunSpec &run) override {
    Command cmd{{m_env.workload_dir + "/" + run.workload + ".native"}, ""};
    for (auto &a : substitute_dir(run.args, m_dir, ro_grant_dir(m_env.work_dir)))
      cmd.argv.push_back(a);
    return cmd;
  }

private:
  BackendEnv m_env;
  std::string m_dir;
};

} // namespace

std::unique_ptr<Backend> make_native_backend() { return std::make_unique<NativeBackend>(); }

} // namespace isobox::eval
