// The OCI seccomp profile -> libseccomp filter translation, and its name tables.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "oci/spec/spec.hpp"

namespace isobox::oci::seccomp {

/// Owns a libseccomp filter context (scmp_filter_ctx).
struct FilterDeleter {
  void operator()(void *ctx) const;
};
using Filter = std::unique_ptr<void, FilterDeleter>;

/// Builds the filter (config-linux.md "Seccomp"): default action and errno, architectures,
/// flags as filter attributes, one rule per syscall name (args on distinct indexes ANDed in
/// one rule; args repeating an index become one rule each, i.e. ORed, as runc does). Syscall
/// names libseccomp does not know are skipped (logged at debug), as runc does; rules whose
/// action equals the default are skipped (libseccomp refuses them). SCMP_ACT_NOTIFY is refused.
Result<Filter> build_filter(const LinuxSeccomp &profile);

/// The filter as libseccomp's human-readable PFC text (seccomp_export_pfc).
Result<std::string> export_pfc(const LinuxSeccomp &profile);

/// libseccomp action for an OCI action name; `errno_ret` for ERRNO/TRACE (default EPERM).
Result<uint32_t> parse_action(std::string_view name, std::optional<uint32_t> errno_ret);

/// Names `features` reports (and this translation accepts).
const std::vector<std::string> &known_actions();
const std::vector<std::string> &known_operators();
const std::vector<std::string> &known_archs();
/// Flags of the runtime-spec; `supported_flags` are those this libseccomp can set.
const std::vector<std::string> &known_flags();
std::vector<std::string> supported_flags();

} // namespace isobox::oci::seccomp
