// The privileged helpers of the setuid and file-capability scenarios: a copy of the project's
// setuid_gain program the harness places, owned by root, in the backend's writable directory.
#pragma once

#include <string>
#include <vector>

#include "common/error.hpp"

namespace isobox::eval::audit {

/// The helper's file name for a scenario's `privileged_helper` ("suid" or "fcap").
std::string privileged_helper_name(const std::string &kind);

/// Copies <program_dir>/setuid_gain.native into each of `dirs` as privileged_helper_name(kind),
/// owned by root: mode 04755 for "suid", 0755 plus the file capability cap_setuid+ep (setcap,
/// Debian package libcap2-bin) for "fcap". The harness's cleanup removes it (an audit-* name).
Result<void> place_privileged_helper(const std::string &program_dir, const std::string &kind,
                                     const std::vector<std::string> &dirs);

} // namespace isobox::eval::audit
