// STUB until the oci-lib helper lands the real managers: delete this file then.
// A no-op manager so containers run without resource limits; pids/freeze are not available.
#include "oci/cgroup/cgroup_manager.hpp"

namespace isobox::oci {
namespace {

class NullCgroupManager final : public CgroupManager {
public:
  explicit NullCgroupManager(std::string path) : m_path(std::move(path)) {}
  Result<> create(const LinuxResources &) override { return {}; }
  Result<> add_process(pid_t) override { return {}; }
  Result<> apply(const LinuxResources &) override { return {}; }
  Result<std::vector<pid_t>> pids() override { return make_error("cgroup pids: not implemented"); }
  Result<> freeze() override { return make_error("cgroup freeze: not implemented"); }
  Result<> thaw() override { return make_error("cgroup thaw: not implemented"); }
  Result<bool> frozen() override { return false; }
  Result<> destroy() override { return {}; }
  [[nodiscard]] std::string path() const override { return m_path; }

private:
  std::string m_path;
};

} // namespace

Result<std::unique_ptr<CgroupManager>>
make_cgroup_manager(const LinuxResources &, std::string cgroups_path, std::string container_id) {
  if (cgroups_path.empty())
    cgroups_path = "/isobox/" + container_id;
  return std::make_unique<NullCgroupManager>(std::move(cgroups_path));
}

} // namespace isobox::oci
