// Seccomp: an OCI linux.seccomp profile turned into a libseccomp filter (filled by
// src/oci/seccomp/).
#pragma once

#include "common/error.hpp"
#include "oci/spec/spec.hpp"

namespace isobox::oci {

/// Checks a profile without loading it (unknown action/op/arch/flag/syscall name -> Error), so
/// `create` can refuse a bad profile before any process or mount exists.
Result<> validate_seccomp(const LinuxSeccomp &profile);

/// Builds the filter and loads it into the calling thread (and sets its flags). Called in the
/// container init as the last step before execve (after no_new_privileges, user and caps), or
/// before the capability drop when no_new_privileges is false (loading then needs CAP_SYS_ADMIN).
Result<> install_seccomp(const LinuxSeccomp &profile);

} // namespace isobox::oci
