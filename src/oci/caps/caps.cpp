// process.capabilities: the name table and the bounding/capset/ambient steps of the init.
#include "oci/caps/caps.hpp"

#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <fstream>
#include <string>

#include "common/log.hpp"

namespace isobox::oci {
namespace {

/// capabilities(7) numbering; index = capability number.
constexpr std::array<std::string_view, 41> kCapabilityNames = {"CAP_CHOWN",
                                                               "CAP_DAC_OVERRIDE",
                                                               "CAP_DAC_READ_SEARCH",
                                                               "CAP_FOWNER",
                                                               "CAP_FSETID",
                                                               "CAP_KILL",
                                                               "CAP_SETGID",
                                                               "CAP_SETUID",
                                                               "CAP_SETPCAP",
                                                               "CAP_LINUX_IMMUTABLE",
                                                               "CAP_NET_BIND_SERVICE",
                                                               "CAP_NET_BROADCAST",
                                                               "CAP_NET_ADMIN",
                                                               "CAP_NET_RAW",
                                                               "CAP_IPC_LOCK",
                                                               "CAP_IPC_OWNER",
                                                               "CAP_SYS_MODULE",
                                                               "CAP_SYS_RAWIO",
                                                               "CAP_SYS_CHROOT",
                                                               "CAP_SYS_PTRACE",
                                                               "CAP_SYS_PACCT",
                                                               "CAP_SYS_ADMIN",
                                                               "CAP_SYS_BOOT",
                                                               "CAP_SYS_NICE",
                                                               "CAP_SYS_RESOURCE",
                                                               "CAP_SYS_TIME",
                                                               "CAP_SYS_TTY_CONFIG",
                                                               "CAP_MKNOD",
                                                               "CAP_LEASE",
                                                               "CAP_AUDIT_WRITE",
                                                               "CAP_AUDIT_CONTROL",
                                                               "CAP_SETFCAP",
                                                               "CAP_MAC_OVERRIDE",
                                                               "CAP_MAC_ADMIN",
                                                               "CAP_SYSLOG",
                                                               "CAP_WAKE_ALARM",
                                                               "CAP_BLOCK_SUSPEND",
                                                               "CAP_AUDIT_READ",
                                                               "CAP_PERFMON",
                                                               "CAP_BPF",
                                                               "CAP_CHECKPOINT_RESTORE"};

/// A set of capability numbers as the kernel's 64-bit mask.
using CapMask = uint64_t;

/// Converts names to a mask. Names this table knows but this kernel does not (number above
/// cap_last_cap) are skipped with a warning, as runc does; unknown names are errors (checked by
/// validate_capabilities before the init runs).
Result<CapMask> to_mask(const std::vector<std::string> &names, std::string_view set) {
  const int last = last_capability();
  CapMask mask = 0;
  for (const auto &name : names) {
    const auto cap = capability_from_name(name);
    if (!cap)
      return make_error("process.capabilities.{}: unknown capability {:?}", set, name);
    if (*cap > last) {
      log::warn("ignoring capability {} (not supported by this kernel)", name);
      continue;
    }
    mask |= CapMask{1} << *cap;
  }
  return mask;
}

Result<> capset_masks(CapMask effective, CapMask permitted, CapMask inheritable) {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  for (int i = 0; i < 2; ++i) {
    data[i].effective = static_cast<uint32_t>(effective >> (32 * i));
    data[i].permitted = static_cast<uint32_t>(permitted >> (32 * i));
    data[i].inheritable = static_cast<uint32_t>(inheritable >> (32 * i));
  }
  if (::syscall(SYS_capset, &header, data) != 0)
    return sys_error("capset (effective {:#x}, permitted {:#x}, inheritable {:#x})", effective,
                     permitted, inheritable);
  return {};
}

} // namespace

int last_capability() {
  static const int last = [] {
    std::ifstream in("/proc/sys/kernel/cap_last_cap");
    int value = -1;
    if (in >> value && value > 0)
      return value;
    return static_cast<int>(CAP_LAST_CAP);
  }();
  return last;
}

std::optional<int> capability_from_name(std::string_view name) {
  for (size_t i = 0; i < kCapabilityNames.size(); ++i)
    if (kCapabilityNames[i] == name)
      return static_cast<int>(i);
  return std::nullopt;
}

std::string_view capability_name(int cap) {
  if (cap < 0 || static_cast<size_t>(cap) >= kCapabilityNames.size())
    return {};
  return kCapabilityNames[static_cast<size_t>(cap)];
}

std::vector<std::string> known_capabilities() {
  return {kCapabilityNames.begin(), kCapabilityNames.end()};
}

Result<> validate_capabilities(const LinuxCapabilities &caps) {
  const std::pair<const std::vector<std::string> *, std::string_view> sets[] = {
      {&caps.bounding, "bounding"},
      {&caps.effective, "effective"},
      {&caps.inheritable, "inheritable"},
      {&caps.permitted, "permitted"},
      {&caps.ambient, "ambient"}};
  for (const auto &[names, set] : sets)
    for (const auto &name : *names)
      if (!capability_from_name(name))
        return make_error("process.capabilities.{}: unknown capability {:?}", set, name);
  return {};
}

Result<> drop_bounding_set(const LinuxCapabilities &caps) {
  const CapMask keep = ISOBOX_TRY(to_mask(caps.bounding, "bounding"));
  for (int cap = 0; cap <= last_capability(); ++cap) {
    if (keep & (CapMask{1} << cap))
      continue;
    const int present = ::prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
    if (present < 0 && errno == EINVAL)
      continue; // not known to this kernel
    if (present == 1 && ::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0)
      return sys_error("drop {} from the bounding set", capability_name(cap));
  }
  return {};
}

Result<> keep_capabilities_on_setuid(bool keep) {
  if (::prctl(PR_SET_KEEPCAPS, keep ? 1 : 0, 0, 0, 0) != 0)
    return sys_error("prctl(PR_SET_KEEPCAPS, {})", keep ? 1 : 0);
  return {};
}

Result<> apply_capabilities(const LinuxCapabilities &caps) {
  const CapMask effective = ISOBOX_TRY(to_mask(caps.effective, "effective"));
  const CapMask permitted = ISOBOX_TRY(to_mask(caps.permitted, "permitted"));
  const CapMask inheritable = ISOBOX_TRY(to_mask(caps.inheritable, "inheritable"));
  const CapMask ambient = ISOBOX_TRY(to_mask(caps.ambient, "ambient"));
  // The uid change is over: later setuid calls must not keep capabilities any more.
  ISOBOX_CHECK(keep_capabilities_on_setuid(false));
  ISOBOX_CHECK(capset_masks(effective, permitted, inheritable));
  if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
    return sys_error("clear the ambient capability set");
  for (int cap = 0; cap <= last_capability(); ++cap) {
    if (!(ambient & (CapMask{1} << cap)))
      continue;
    // The kernel requires the capability in both permitted and inheritable (capabilities(7)).
    // `runc spec`'s default config lists ambient capabilities without inheritable ones; runc
    // runs it silently, so a failed raise is only a debug message here too.
    if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) != 0)
      log::debug("cannot raise ambient {}: {} (it must be permitted and inheritable)",
                 capability_name(cap), errno_name(errno));
  }
  return {};
}

} // namespace isobox::oci
