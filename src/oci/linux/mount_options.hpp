// Turns a spec mount's option strings into mount(2) flags, propagation flags and fs data.
#pragma once

#include <string>
#include <vector>

namespace isobox::oci {

struct MountOptions {
  unsigned long flags = 0;       // MS_RDONLY, MS_NOSUID, MS_BIND, MS_REC, ...
  unsigned long clear_flags = 0; // flags explicitly turned off ("rw", "suid", ...)
  unsigned long propagation = 0; // MS_PRIVATE / MS_SHARED / MS_SLAVE / MS_UNBINDABLE (| MS_REC)
  std::string data;              // everything else, comma-joined ("mode=755,size=65536k")
  [[nodiscard]] bool is_bind() const;
};

/// Parses options as runc does (libcontainer/specconv): known flags become bits, propagation
/// keywords set `propagation`, unknown strings go to `data` verbatim.
MountOptions parse_mount_options(const std::vector<std::string> &options);

/// Propagation flag for linux.rootfsPropagation ("" -> MS_SLAVE|MS_REC as runc; unknown -> 0).
unsigned long rootfs_propagation_flags(const std::string &name);

} // namespace isobox::oci
