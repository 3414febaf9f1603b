// process.apparmorProfile: refused where AppArmor is off, applied on exec where it is on.
#pragma once

#include "common/error.hpp"
#include "oci/spec/spec.hpp"

namespace isobox::oci {

/// Checked by create and exec on the host before anything is built: a profile on a host whose
/// kernel has no AppArmor enabled is an error (runc and crun refuse it too), never ignored.
Result<> check_apparmor(const Process &process);

/// In the process being set up, before its privileges are dropped: the profile to enter at the
/// next execve ("exec <profile>" to /proc/self/attr/apparmor/exec, or the older attr/exec).
Result<> apply_apparmor(const Process &process);

} // namespace isobox::oci
