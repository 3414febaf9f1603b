// STUB until the oci-lib helper lands the libseccomp translation: delete this file then.
#include "oci/seccomp/seccomp.hpp"

namespace isobox::oci {

Result<> validate_seccomp(const LinuxSeccomp &) { return {}; }

Result<> install_seccomp(const LinuxSeccomp &) { return make_error("seccomp: not implemented"); }

} // namespace isobox::oci
