// A RuntimeDefault-like seccomp profile for the eval's containers: the allowlist a typical
// container needs, without the kernel interfaces container escapes go through (docs/eval.md).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace isobox::eval {

/// The syscalls the profile allows unconditionally (names; some may be unknown to a kernel).
const std::vector<std::string> &container_seccomp_allowlist();
/// The profile as an OCI `linux.seccomp` object: default EPERM, the allowlist, clone without
/// namespace flags, clone3 answered ENOSYS (so libc falls back to clone, whose flags a filter
/// can see).
nlohmann::ordered_json container_seccomp_profile();
/// How many x86-64 syscalls the profile lets reach the kernel (clone included, under its
/// condition), as libseccomp resolves the names.
int container_seccomp_allowed_x86_64();

} // namespace isobox::eval
