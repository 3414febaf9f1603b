// AppArmor for process.apparmorProfile: host check, then change-on-exec in the process.
#include "oci/linux/apparmor.hpp"

#include <fcntl.h>
#include <unistd.h>

#include "common/file.hpp"
#include "common/unique_fd.hpp"

namespace isobox::oci {
namespace {

bool apparmor_enabled() {
  auto text = read_file("/sys/module/apparmor/parameters/enabled");
  return text && text->starts_with("Y");
}

} // namespace

Result<> check_apparmor(const Process &process) {
  if (!process.apparmor_profile.empty() && !apparmor_enabled())
    return make_error("process.apparmorProfile \"{}\" is set but AppArmor is not enabled on this "
                      "host",
                      process.apparmor_profile);
  return {};
}

Result<> apply_apparmor(const Process &process) {
  if (process.apparmor_profile.empty())
    return {};
  UniqueFd fd(::open("/proc/self/attr/apparmor/exec", O_WRONLY | O_CLOEXEC));
  if (!fd && errno == ENOENT)
    fd.reset(::open("/proc/self/attr/exec", O_WRONLY | O_CLOEXEC));
  if (!fd)
    return sys_error("apparmor profile {}: open /proc/self/attr/exec", process.apparmor_profile);
  std::string cmd = "exec " + process.apparmor_profile;
  if (::write(fd.get(), cmd.data(), cmd.size()) != static_cast<ssize_t>(cmd.size()))
    return sys_error("apply apparmor profile {}", process.apparmor_profile);
  return {};
}

} // namespace isobox::oci
