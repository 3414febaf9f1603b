// Backend "crun": Debian's crun on the shared bundle. On a hybrid cgroup layout (v1 controllers
// plus a cgroup2 mount with controllers) crun 1.8 refuses every container, so it runs in a
// private mount namespace where the unified mount's cgroup.controllers reads empty (the same
// workaround as tests/oci/crun_wrapper.sh); the report says so.
#include <fstream>

#include "eval/backends/oci_backend.hpp"

namespace isobox::eval {
namespace {

constexpr const char *kControllers = "/sys/fs/cgroup/unified/cgroup.controllers";

bool hybrid_with_controllers() {
  std::ifstream in(kControllers);
  std::string text;
  return in && std::getline(in, text) && !text.empty();
}

class CrunBackend final : public OciBackend {
public:
  CrunBackend() : OciBackend(BackendInfo{.name = "crun", .kind = "container"}) {}

protected:
  Result<std::vector<std::string>> runtime_prefix(const BackendEnv &) override {
    const std::string crun = find_in_path("crun");
    if (crun.empty())
      return make_error("crun not found in PATH (Debian package crun)");
    m_info.version = first_output_line({crun, "--version"});
    if (!hybrid_with_controllers())
      return std::vector<std::string>{crun};
    m_info.notes.push_back(
        "hybrid cgroup workaround: crun runs under `unshare -m` with /dev/null bind-mounted over " +
        std::string(kControllers) +
        " (crun 1.8 refuses hybrid mode otherwise); its times include that unshare + sh + mount");
    return std::vector<std::string>{"unshare",
                                    "-m",
                                    "--propagation",
                                    "private",
                                    "sh",
                                    "-c",
                                    "mount --bind /dev/null \"$0\" && exec \"$@\"",
                                    kControllers,
                                    crun};
  }
};

} // namespace

std::unique_ptr<Backend> make_crun_backend() { return std::make_unique<CrunBackend>(); }

} // namespace isobox::eval
