// with_configured_devices (see device_rules.hpp).
#include "oci/cgroup/device_rules.hpp"

namespace isobox::oci::cgroup {

std::vector<LinuxDeviceCgroup> with_configured_devices(std::vector<LinuxDeviceCgroup> rules,
                                                       const std::vector<LinuxDevice> &devices) {
  for (const auto &d : devices) {
    if (d.type == 'p')
      continue;
    // 'u' (unbuffered) is a character device to the kernel.
    const char *type = d.type == 'b' ? "b" : "c";
    rules.push_back(LinuxDeviceCgroup{true, type, d.major, d.minor, "rwm"});
  }
  return rules;
}

} // namespace isobox::oci::cgroup
