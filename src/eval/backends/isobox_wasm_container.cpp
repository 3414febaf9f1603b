// Backend "isobox-wasm-container": the workload's .wasm run as an OCI container by isobox
// (process.args[0] is the module in the shared rootfs; isobox's Wasm handler runs it in-process).
#include "eval/backends/oci_backend.hpp"

namespace isobox::eval {
namespace {

class IsoboxWasmContainerBackend final : public OciBackend {
public:
  IsoboxWasmContainerBackend()
      : OciBackend(BackendInfo{.name = "isobox-wasm-container", .kind = "wasm"}) {}

  // The engine is the one isobox-wasm measures in-process; the container adds no step to it.
  [[nodiscard]] bool measures_instantiate() const override { return false; }

protected:
  Result<std::vector<std::string>> runtime_prefix(const BackendEnv &env) override {
    if (::access(env.isobox.c_str(), X_OK) != 0)
      return make_error("isobox binary {} not found", env.isobox);
    if (::access((env.workload_dir + "/hello.wasm").c_str(), R_OK) != 0)
      return make_error("workloads were not compiled to wasm32-wasi (clang-14 or wasi-libc "
                        "missing at build time)");
    m_info.version = first_output_line({env.isobox, "--version"}) + " (interpreter)";
    m_info.notes.push_back(
        "the isobox-container bundle (same rootfs, namespaces, cgroup, masked paths) with "
        "process.args[0] = /w/<workload>.wasm and annotation run.oci.handler=wasm: isobox's "
        "engine runs the module as the container's init, the container's / preopened as /");
    return std::vector<std::string>{env.isobox};
  }

  std::string program_path(const std::string &workload) const override {
    return "/w/" + workload + ".wasm";
  }

  // crun's convention, which isobox follows: the annotation says "Wasm" without relying on the
  // file's mode or magic.
  void adjust_spec(nlohmann::ordered_json &spec) const override {
    spec["annotations"]["run.oci.handler"] = "wasm";
  }
};

} // namespace

std::unique_ptr<Backend> make_isobox_wasm_container_backend() {
  return std::make_unique<IsoboxWasmContainerBackend>();
}

} // namespace isobox::eval
