// Backend "runc": Debian's runc on the shared bundle, the reference OCI runtime.
#include "eval/backends/oci_backend.hpp"

namespace isobox::eval {
namespace {

class RuncBackend final : public OciBackend {
public:
  RuncBackend() : OciBackend(BackendInfo{.name = "runc", .kind = "container"}) {}

protected:
  Result<std::vector<std::string>> runtime_prefix(const BackendEnv &) override {
    const std::string runc = find_in_path("runc");
    if (runc.empty())
      return make_error("runc not found in PATH (Debian package runc)");
    m_info.version = first_output_line({runc, "--version"});
    return std::vector<std::string>{runc};
  }
};

} // namespace

std::unique_ptr<Backend> make_runc_backend() { return std::make_unique<RuncBackend>(); }

} // namespace isobox::eval
