// Mount option table (mount(8) names), as used by config.json "mounts[].options".
#include "oci/linux/mount_options.hpp"

#include <sys/mount.h>

#include <string_view>

namespace isobox::oci {
namespace {

struct FlagEntry {
  std::string_view name;
  bool clear; // true: the option turns the flag off
  unsigned long flag;
};

constexpr FlagEntry kFlags[] = {
    {"async", true, MS_SYNCHRONOUS},
    {"atime", true, MS_NOATIME},
    {"bind", false, MS_BIND},
    {"defaults", false, 0},
    {"dev", true, MS_NODEV},
    {"diratime", true, MS_NODIRATIME},
    {"dirsync", false, MS_DIRSYNC},
    {"exec", true, MS_NOEXEC},
    {"mand", false, MS_MANDLOCK},
    {"noatime", false, MS_NOATIME},
    {"nodev", false, MS_NODEV},
    {"nodiratime", false, MS_NODIRATIME},
    {"noexec", false, MS_NOEXEC},
    {"nomand", true, MS_MANDLOCK},
    {"norelatime", true, MS_RELATIME},
    {"nostrictatime", true, MS_STRICTATIME},
    {"nosuid", false, MS_NOSUID},
    {"rbind", false, MS_BIND | MS_REC},
    {"relatime", false, MS_RELATIME},
    {"remount", false, MS_REMOUNT},
    {"ro", false, MS_RDONLY},
    {"rw", true, MS_RDONLY},
    {"strictatime", false, MS_STRICTATIME},
    {"suid", true, MS_NOSUID},
    {"sync", false, MS_SYNCHRONOUS},
};

struct PropagationEntry {
  std::string_view name;
  unsigned long flag;
};

constexpr PropagationEntry kPropagation[] = {
    {"private", MS_PRIVATE},       {"rprivate", MS_PRIVATE | MS_REC},
    {"shared", MS_SHARED},         {"rshared", MS_SHARED | MS_REC},
    {"slave", MS_SLAVE},           {"rslave", MS_SLAVE | MS_REC},
    {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
};

} // namespace

bool MountOptions::is_bind() const { return (flags & MS_BIND) != 0; }

MountOptions parse_mount_options(const std::vector<std::string> &options) {
  MountOptions out;
  for (const auto &o : options) {
    bool known = false;
    for (const auto &f : kFlags) {
      if (o != f.name)
        continue;
      known = true;
      if (f.clear) {
        out.flags &= ~f.flag;
        out.clear_flags |= f.flag;
      } else {
        out.flags |= f.flag;
        out.clear_flags &= ~f.flag;
      }
    }
    for (const auto &p : kPropagation) {
      if (o == p.name) {
        known = true;
        out.propagation = p.flag;
      }
    }
    if (known || o == "tmpcopyup")
      continue;
    if (!out.data.empty())
      out.data += ',';
    out.data += o;
  }
  return out;
}

unsigned long rootfs_propagation_flags(const std::string &name) {
  if (name.empty())
    return MS_SLAVE | MS_REC;
  for (const auto &p : kPropagation)
    if (name == p.name)
      return p.flag;
  return 0;
}

} // namespace isobox::oci
