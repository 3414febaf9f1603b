// linux.seccomp -> libseccomp filter (see seccomp_filter.hpp and docs/seccomp.md).
#include "oci/seccomp/seccomp.hpp"

#include <seccomp.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <utility>

#include "common/log.hpp"
#include "common/unique_fd.hpp"
#include "oci/seccomp/seccomp_filter.hpp"

namespace isobox::oci::seccomp {

void FilterDeleter::operator()(void *ctx) const { seccomp_release(ctx); }

namespace {

struct Named {
  std::string_view name;
  uint32_t value;
};

constexpr Named kArchs[] = {
    {"SCMP_ARCH_X86", SCMP_ARCH_X86},
    {"SCMP_ARCH_X86_64", SCMP_ARCH_X86_64},
    {"SCMP_ARCH_X32", SCMP_ARCH_X32},
    {"SCMP_ARCH_ARM", SCMP_ARCH_ARM},
    {"SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64},
    {"SCMP_ARCH_MIPS", SCMP_ARCH_MIPS},
    {"SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64},
    {"SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32},
    {"SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL},
    {"SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64},
    {"SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32},
    {"SCMP_ARCH_PPC", SCMP_ARCH_PPC},
    {"SCMP_ARCH_PPC64", SCMP_ARCH_PPC64},
    {"SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE},
    {"SCMP_ARCH_S390", SCMP_ARCH_S390},
    {"SCMP_ARCH_S390X", SCMP_ARCH_S390X},
    {"SCMP_ARCH_PARISC", SCMP_ARCH_PARISC},
    {"SCMP_ARCH_PARISC64", SCMP_ARCH_PARISC64},
    {"SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64},
};

constexpr Named kOperators[] = {
    {"SCMP_CMP_NE", SCMP_CMP_NE},
    {"SCMP_CMP_LT", SCMP_CMP_LT},
    {"SCMP_CMP_LE", SCMP_CMP_LE},
    {"SCMP_CMP_EQ", SCMP_CMP_EQ},
    {"SCMP_CMP_GE", SCMP_CMP_GE},
    {"SCMP_CMP_GT", SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
};

/// runtime-spec flag -> libseccomp attribute (0: this libseccomp cannot set it).
constexpr std::pair<std::string_view, int> kFlags[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", SCMP_FLTATR_CTL_TSYNC},
    {"SECCOMP_FILTER_FLAG_LOG", SCMP_FLTATR_CTL_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SCMP_FLTATR_CTL_SSB},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 0}, // SCMP_FLTATR_CTL_WAITKILL needs 2.6
};

template <size_t N>
Result<uint32_t> lookup(const Named (&table)[N], std::string_view name, std::string_view what) {
  for (const auto &entry : table)
    if (entry.name == name)
      return entry.value;
  return make_error("linux.seccomp: unknown {} {:?}", what, name);
}

template <size_t N> std::vector<std::string> names_of(const Named (&table)[N]) {
  std::vector<std::string> out;
  for (const auto &entry : table)
    out.emplace_back(entry.name);
  return out;
}

Result<> set_flags(scmp_filter_ctx ctx, const std::vector<std::string> &flags) {
  for (const auto &flag : flags) {
    const auto it = std::find_if(std::begin(kFlags), std::end(kFlags),
                                 [&](const auto &f) { return f.first == flag; });
    if (it == std::end(kFlags))
      return make_error("linux.seccomp: unknown flag {:?}", flag);
    if (it->second == 0)
      return make_error("linux.seccomp: flag {} is not supported by libseccomp {}.{}", flag,
                        seccomp_version()->major, seccomp_version()->minor);
    if (const int rc = seccomp_attr_set(ctx, static_cast<scmp_filter_attr>(it->second), 1); rc < 0)
      return make_error("linux.seccomp: flag {}: {}", flag, errno_name(-rc));
  }
  return {};
}

Result<std::vector<scmp_arg_cmp>> conditions(const LinuxSyscall &call) {
  std::vector<scmp_arg_cmp> out;
  for (const auto &arg : call.args) {
    if (arg.index > 5)
      return make_error("linux.seccomp: argument index {} out of range 0..5", arg.index);
    const uint32_t op = ISOBOX_TRY(lookup(kOperators, arg.op, "operator"));
    // For MASKED_EQ, value is the mask and valueTwo the expected result: (arg & value) == valueTwo.
    out.push_back(scmp_arg_cmp{arg.index, static_cast<scmp_compare>(op), arg.value, arg.value_two});
  }
  return out;
}

/// Adds the rules of one syscalls[] entry for one resolved syscall number.
Result<> add_rules(scmp_filter_ctx ctx, const LinuxSyscall &call, const std::string &name, int nr,
                   uint32_t action) {
  const auto conds = ISOBOX_TRY(conditions(call));
  std::set<uint32_t> indexes;
  for (const auto &c : conds)
    indexes.insert(c.arg);
  auto add = [&](const scmp_arg_cmp *first, unsigned count) -> Result<> {
    if (const int rc = seccomp_rule_add_array(ctx, action, nr, count, first); rc < 0)
      return make_error("linux.seccomp: rule for {}: {}", name, errno_name(-rc));
    return {};
  };
  if (indexes.size() == conds.size()) // distinct argument indexes: one rule, conditions ANDed
    return add(conds.data(), static_cast<unsigned>(conds.size()));
  for (const auto &c : conds) // the same index twice cannot be ANDed: one rule each
    ISOBOX_CHECK(add(&c, 1));
  return {};
}

Result<> add_syscalls(scmp_filter_ctx ctx, const LinuxSeccomp &profile, uint32_t default_action) {
  for (const auto &call : profile.syscalls) {
    const uint32_t action = ISOBOX_TRY(parse_action(call.action, call.errno_ret));
    if (action == default_action)
      continue; // redundant, and libseccomp rejects it
    for (const auto &name : call.names) {
      const int nr = seccomp_syscall_resolve_name(name.c_str());
      if (nr == __NR_SCMP_ERROR) {
        log::debug("seccomp: skipping unknown syscall {:?}", name);
        continue;
      }
      ISOBOX_CHECK(add_rules(ctx, call, name, nr, action));
    }
  }
  return {};
}

} // namespace

Result<uint32_t> parse_action(std::string_view name, std::optional<uint32_t> errno_ret) {
  const uint32_t err = errno_ret.value_or(EPERM);
  if (name == "SCMP_ACT_KILL" || name == "SCMP_ACT_KILL_THREAD")
    return SCMP_ACT_KILL_THREAD;
  if (name == "SCMP_ACT_KILL_PROCESS")
    return SCMP_ACT_KILL_PROCESS;
  if (name == "SCMP_ACT_TRAP")
    return SCMP_ACT_TRAP;
  if (name == "SCMP_ACT_ERRNO")
    return SCMP_ACT_ERRNO(err);
  if (name == "SCMP_ACT_TRACE")
    return SCMP_ACT_TRACE(err);
  if (name == "SCMP_ACT_ALLOW")
    return SCMP_ACT_ALLOW;
  if (name == "SCMP_ACT_LOG")
    return SCMP_ACT_LOG;
  if (name == "SCMP_ACT_NOTIFY")
    return make_error("linux.seccomp: SCMP_ACT_NOTIFY (seccomp agent via listenerPath) is not "
                      "supported by isobox yet");
  return make_error("linux.seccomp: unknown action {:?}", name);
}

Result<Filter> build_filter(const LinuxSeccomp &profile) {
  const uint32_t default_action =
      ISOBOX_TRY(parse_action(profile.default_action, profile.default_errno_ret));
  Filter filter(seccomp_init(default_action));
  if (!filter)
    return make_error("linux.seccomp: seccomp_init failed for {}", profile.default_action);
  scmp_filter_ctx ctx = filter.get();
  // no_new_privileges is the runtime's decision (process.noNewPrivileges), not libseccomp's.
  if (seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0) < 0)
    return make_error("linux.seccomp: cannot clear SCMP_FLTATR_CTL_NNP");
  for (const auto &arch : profile.architectures) {
    const uint32_t token = ISOBOX_TRY(lookup(kArchs, arch, "architecture"));
    const int rc = seccomp_arch_add(ctx, token);
    // One filter holds one byte order: a big-endian arch on x86 (EDOM) could never match a
    // syscall here anyway, so it is skipped instead of failing the container.
    if (rc == -EDOM)
      log::debug("seccomp: skipping architecture {} (other byte order than this host)", arch);
    else if (rc < 0 && rc != -EEXIST)
      return make_error("linux.seccomp: architecture {}: {}", arch, errno_name(-rc));
  }
  ISOBOX_CHECK(set_flags(ctx, profile.flags));
  ISOBOX_CHECK(add_syscalls(ctx, profile, default_action));
  return filter;
}

Result<std::string> export_pfc(const LinuxSeccomp &profile) {
  const Filter filter = ISOBOX_TRY(build_filter(profile));
  UniqueFd fd(::memfd_create("isobox-seccomp-pfc", MFD_CLOEXEC));
  if (!fd)
    return sys_error("memfd_create");
  if (const int rc = seccomp_export_pfc(filter.get(), fd.get()); rc < 0)
    return make_error("seccomp_export_pfc: {}", errno_name(-rc));
  std::string text;
  char buf[4096];
  for (off_t off = 0;;) {
    const ssize_t n = ::pread(fd.get(), buf, sizeof buf, off);
    if (n < 0)
      return sys_error("read pfc");
    if (n == 0)
      break;
    text.append(buf, static_cast<size_t>(n));
    off += n;
  }
  return text;
}

const std::vector<std::string> &known_actions() {
  static const std::vector<std::string> names = {
      "SCMP_ACT_ALLOW",       "SCMP_ACT_ERRNO", "SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS",
      "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG",   "SCMP_ACT_TRACE", "SCMP_ACT_TRAP"};
  return names;
}

const std::vector<std::string> &known_operators() {
  static const std::vector<std::string> names = names_of(kOperators);
  return names;
}

const std::vector<std::string> &known_archs() {
  static const std::vector<std::string> names = names_of(kArchs);
  return names;
}

const std::vector<std::string> &known_flags() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto &[name, attr] : kFlags)
      out.emplace_back(name);
    return out;
  }();
  return names;
}

std::vector<std::string> supported_flags() {
  std::vector<std::string> out;
  for (const auto &[name, attr] : kFlags)
    if (attr != 0)
      out.emplace_back(name);
  return out;
}

} // namespace isobox::oci::seccomp

namespace isobox::oci {

Result<> validate_seccomp(const LinuxSeccomp &profile) {
  ISOBOX_TRY(seccomp::build_filter(profile));
  return {};
}

Result<> install_seccomp(const LinuxSeccomp &profile) {
  const seccomp::Filter filter = ISOBOX_TRY(seccomp::build_filter(profile));
  if (const int rc = seccomp_load(filter.get()); rc < 0)
    return make_error("load seccomp filter: {}", errno_name(-rc));
  return {};
}

} // namespace isobox::oci
