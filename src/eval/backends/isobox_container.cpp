// Backends "isobox-container" (isobox's own OCI runtime, `isobox run`, on the shared bundle with
// runc's `spec` defaults) and "isobox-container-seccomp" (the same with the RuntimeDefault-like
// seccomp profile of container_seccomp.cpp, as Docker and Kubernetes' RuntimeDefault add one).
#include "eval/backends/container_seccomp.hpp"
#include "eval/backends/oci_backend.hpp"

namespace isobox::eval {
namespace {

class IsoboxContainerBackend final : public OciBackend {
public:
  IsoboxContainerBackend(std::string name, bool seccomp)
      : OciBackend(BackendInfo{.name = std::move(name), .kind = "container"}), m_seccomp(seccomp) {}

protected:
  Result<std::vector<std::string>> runtime_prefix(const BackendEnv &env) override {
    if (::access(env.isobox.c_str(), X_OK) != 0)
      return make_error("isobox binary {} not found", env.isobox);
    m_info.version = first_output_line({env.isobox, "--version"});
    m_info.notes.push_back(
        m_seccomp ? "profile: runc's `spec` config plus a RuntimeDefault-like seccomp allowlist "
                    "(src/eval/backends/container_seccomp.cpp), busybox-static rootfs"
                  : "default profile: runc's `spec` config (namespaces, default capabilities, "
                    "masked paths, seccomp none), busybox-static rootfs");
    return std::vector<std::string>{env.isobox};
  }

  void adjust_spec(nlohmann::ordered_json &spec) const override {
    if (m_seccomp)
      spec["linux"]["seccomp"] = container_seccomp_profile();
  }

private:
  bool m_seccomp;
};

} // namespace

std::unique_ptr<Backend> make_isobox_container_backend() {
  return std::make_unique<IsoboxContainerBackend>("isobox-container", false);
}

std::unique_ptr<Backend> make_isobox_container_seccomp_backend() {
  return std::make_unique<IsoboxContainerBackend>("isobox-container-seccomp", true);
}

} // namespace isobox::eval
