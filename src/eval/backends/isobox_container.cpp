// Backend "isobox-container": isobox's own OCI runtime (`isobox run`) on the shared bundle.
#include "eval/backends/oci_backend.hpp"

namespace isobox::eval {
namespace {

class IsoboxContainerBackend final : public OciBackend {
public:
  IsoboxContainerBackend()
      : OciBackend(BackendInfo{.name = "isobox-container", .kind = "container"}) {}

protected:
  Result<std::vector<std::string>> runtime_prefix(const BackendEnv &env) override {
    if (::access(env.isobox.c_str(), X_OK) != 0)
      return make_error("isobox binary {} not found", env.isobox);
    m_info.version = first_output_line({env.isobox, "--version"});
    m_info.notes.push_back("default profile: runc's `spec` config (namespaces, default "
                           "capabilities, masked paths, seccomp none), busybox-static rootfs");
    return std::vector<std::string>{env.isobox};
  }
};

} // namespace

std::unique_ptr<Backend> make_isobox_container_backend() {
  return std::make_unique<IsoboxContainerBackend>();
}

} // namespace isobox::eval
