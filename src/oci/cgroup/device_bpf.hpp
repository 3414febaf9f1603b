// cgroup v2 device filter: linux.resources.devices as a BPF_PROG_TYPE_CGROUP_DEVICE program.
#pragma once

#include <linux/bpf.h>

#include <string>
#include <vector>

#include "common/error.hpp"
#include "oci/spec/spec.hpp"

namespace isobox::oci::cgroup {

/// Compiles device rules to eBPF. cgroup v2 has no devices.allow/deny; the kernel asks a
/// program attached to the cgroup (kernel Documentation/admin-guide/cgroup-v2.rst "Device
/// controller"). Semantics: the LAST rule matching (type, major, minor, and covering every
/// requested access) decides allow/deny; nothing matching means deny. That equals the v1
/// whitelist the v1 path writes (deny "a", then rules in order) for the usual rule lists.
std::vector<bpf_insn> compile_device_program(const std::vector<LinuxDeviceCgroup> &rules);

/// Loads the program for `rules` and attaches it to the cgroup2 directory `dir`
/// (BPF_CGROUP_DEVICE, BPF_F_ALLOW_MULTI: it is ANDed with programs on ancestors).
/// Programs attached before by isobox to that cgroup are replaced.
Result<> attach_device_program(const std::string &dir, const std::vector<LinuxDeviceCgroup> &rules);

} // namespace isobox::oci::cgroup
