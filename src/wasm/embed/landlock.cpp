// Landlock through raw syscalls (glibc has no wrappers): ABI probe, ruleset, path rules.
#include "wasm/embed/landlock.hpp"

#include <fcntl.h>
#include <linux/landlock.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include "common/unique_fd.hpp"

namespace isobox::wasm::embed {
namespace {

// Access bits by the ABI that introduced them (Debian 12's headers stop at ABI 2).
constexpr uint64_t kFsAbi1 = (1ULL << 13) - 1; // EXECUTE .. MAKE_SYM
constexpr uint64_t kFsRefer = 1ULL << 13;      // ABI 2: rename/link across directories
constexpr uint64_t kFsTruncate = 1ULL << 14;   // ABI 3
constexpr uint64_t kFsExecute = 1ULL << 0, kFsReadFile = 1ULL << 2, kFsReadDir = 1ULL << 3;
constexpr uint64_t kFsMakeChar = 1ULL << 6, kFsMakeBlock = 1ULL << 11;
constexpr uint64_t kNetBindConnectTcp = 3;  // ABI 4
constexpr uint64_t kScopeUnixAndSignal = 3; // ABI 6: abstract Unix sockets, signals

/// landlock_ruleset_attr as of ABI 6; older kernels are given the prefix they know.
struct RulesetAttr {
  uint64_t handled_access_fs = 0;
  uint64_t handled_access_net = 0;
  uint64_t scoped = 0;
};

uint64_t handled_fs(int abi) {
  return kFsAbi1 | (abi >= 2 ? kFsRefer : 0) | (abi >= 3 ? kFsTruncate : 0);
}

/// Rights granted beneath a preopen: never execute or device nodes; reads only when read-only.
uint64_t granted_fs(int abi, bool read_only) {
  if (read_only)
    return kFsReadFile | kFsReadDir;
  return handled_fs(abi) & ~(kFsExecute | kFsMakeChar | kFsMakeBlock);
}

Result<UniqueFd> make_ruleset(int abi) {
  RulesetAttr attr{.handled_access_fs = handled_fs(abi),
                   .handled_access_net = abi >= 4 ? kNetBindConnectTcp : 0,
                   .scoped = abi >= 6 ? kScopeUnixAndSignal : 0};
  const size_t size = abi >= 6 ? sizeof attr : abi >= 4 ? 2 * sizeof(uint64_t) : sizeof(uint64_t);
  UniqueFd fd(static_cast<int>(::syscall(SYS_landlock_create_ruleset, &attr, size, 0)));
  if (!fd)
    return sys_error("landlock_create_ruleset");
  return fd;
}

Result<void> add_dir(int ruleset, int abi, const LandlockDir &dir) {
  UniqueFd path(::open(dir.host.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!path)
    return sys_error("landlock: {}", dir.host);
  landlock_path_beneath_attr rule{.allowed_access = granted_fs(abi, dir.read_only),
                                  .parent_fd = path.get()};
  if (::syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0) != 0)
    return sys_error("landlock_add_rule {}", dir.host);
  return {};
}

} // namespace

int landlock_abi() {
  const long abi =
      ::syscall(SYS_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
  return abi < 0 ? 0 : static_cast<int>(abi);
}

Result<LandlockStatus> landlock_confine(const std::vector<LandlockDir> &dirs) {
  LandlockStatus status{.abi = landlock_abi()};
  if (status.abi == 0) {
    status.reason = errno == EOPNOTSUPP ? "Landlock is disabled on this kernel (lsm= boot option)"
                                        : "this kernel has no Landlock (needs Linux 5.13)";
    return status;
  }
  UniqueFd ruleset = ISOBOX_TRY(make_ruleset(status.abi));
  for (const LandlockDir &dir : dirs)
    ISOBOX_CHECK(add_dir(ruleset.get(), status.abi, dir));
  if (::syscall(SYS_landlock_restrict_self, ruleset.get(), 0) != 0)
    return sys_error("landlock_restrict_self");
  status.applied = true;
  if (status.abi < 6)
    status.reason = fmt::format("Landlock ABI {}: no signal scoping (ABI 6){}", status.abi,
                                status.abi < 3 ? ", no truncate control (ABI 3)" : "");
  return status;
}

} // namespace isobox::wasm::embed
