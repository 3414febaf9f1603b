// STUB until the oci-lib helper lands the capability table: delete this file then.
#include "oci/caps/caps.hpp"

namespace isobox::oci {

std::optional<int> capability_from_name(std::string_view) { return std::nullopt; }

Result<> validate_capabilities(const LinuxCapabilities &) { return {}; }

Result<> drop_bounding_set(const LinuxCapabilities &) {
  return make_error("capabilities: not implemented");
}

Result<> apply_capabilities(const LinuxCapabilities &) {
  return make_error("capabilities: not implemented");
}

} // namespace isobox::oci
