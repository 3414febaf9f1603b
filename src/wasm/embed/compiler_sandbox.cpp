// The compiler child's confinement. The list below is what validation, the translator and LLVM
// code generation were seen to call after libLLVM is loaded (strace -f of `isobox wasm compile`
// over bench kernels and the spec modules): memory, locks, the answer, and abort().
#include "wasm/embed/compiler_sandbox.hpp"

#include <grp.h>
#include <linux/capability.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <span>
#include <string>

#include <seccomp.h>

#include "wasm/embed/confine.hpp"
#include "wasm/embed/landlock.hpp"

namespace isobox::wasm::embed {
namespace {

// The allocator (glibc malloc, LLVM's bump allocators): no mapping may become executable, the
// object is only bytes here.
constexpr std::string_view kMemory[] = {"brk",    "mmap(no exec)",     "munmap",
                                        "mremap", "mprotect(no exec)", "madvise"};
// glibc's locks and call_once (single-threaded, but they still futex on contention paths).
constexpr std::string_view kLocks[] = {"futex"};
// The answer: the only descriptor left is the pipe, so write reaches nothing else.
constexpr std::string_view kAnswer[] = {"write", "exit", "exit_group"};
// glibc's qsort sizes its buffer from the physical memory (sysconf(_SC_PHYS_PAGES) = sysinfo);
// clock_gettime is the vDSO's fallback (the compile time measured for the cache entry).
constexpr std::string_view kLibc[] = {"sysinfo", "clock_gettime"};
// abort() (an LLVM assertion or fatal error): unblock SIGABRT and raise it at this thread.
constexpr std::string_view kAbort[] = {"rt_sigprocmask", "rt_sigreturn", "getpid", "gettid",
                                       "tgkill(self)"};
// Sanitizer builds only: as for the engine (confine.cpp), memory probes through a pipe and
// sigaltstack before noreturn calls; a report is written to stderr, which they keep.
constexpr std::string_view kSanitizerOnly[] = {"pipe", "pipe2", "sigaltstack", "close"};

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitizerBuild = true;
#else
constexpr bool kSanitizerBuild = false;
#endif

using SeccompCtx = std::unique_ptr<void, decltype(&seccomp_release)>;

Result<void> allow(scmp_filter_ctx ctx, std::string_view name) {
  int rc = 0;
  if (name.ends_with("(no exec)")) {
    const int nr = name.starts_with("mmap") ? SCMP_SYS(mmap) : SCMP_SYS(mprotect);
    rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
  } else if (name == "tgkill(self)") {
    const auto self = static_cast<scmp_datum_t>(static_cast<uint32_t>(::getpid()));
    rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1,
                          SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffff, self));
  } else {
    const int nr = seccomp_syscall_resolve_name(std::string(name).c_str());
    if (nr == __NR_SCMP_ERROR)
      return {}; // not a syscall on this architecture
    rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
  }
  if (rc < 0)
    return make_error("seccomp: allow {}: {}", name, errno_name(-rc));
  return {};
}

Result<void> close_all_but(int keep_fd) {
  // A sanitizer's report goes to stderr: those builds keep it.
  const unsigned keep = static_cast<unsigned>(keep_fd);
  const unsigned kept[2] = {kSanitizerBuild ? std::min(keep, 2u) : keep,
                            kSanitizerBuild ? std::max(keep, 2u) : keep};
  unsigned next = 0;
  for (unsigned fd : kept) {
    if (fd > next && ::syscall(SYS_close_range, next, fd - 1, 0) != 0)
      return sys_error("close_range");
    next = std::max(next, fd + 1);
  }
  if (::syscall(SYS_close_range, next, ~0U, 0) != 0)
    return sys_error("close_range");
  return {};
}

/// Root becomes nobody: no supplementary groups, then gid, then uid (the last step takes every
/// capability away). The bounding set goes first, while CAP_SETPCAP is still held. A user
/// namespace that does not map kCompilerId keeps uid 0 of that namespace, without capabilities.
Result<void> drop_identity() {
  for (int cap = 0; ::prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; ++cap)
    if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EPERM)
      return sys_error("prctl(PR_CAPBSET_DROP, {})", cap);
  if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
    return sys_error("prctl(PR_CAP_AMBIENT_CLEAR_ALL)");
  if (::geteuid() == 0) {
    // EPERM: a user namespace with setgroups denied, where the groups are already unmapped.
    if (::setgroups(0, nullptr) != 0 && errno != EPERM)
      return sys_error("setgroups");
    if (::setresgid(kCompilerId, kCompilerId, kCompilerId) != 0 && errno != EINVAL)
      return sys_error("setresgid({})", kCompilerId);
    if (::setresuid(kCompilerId, kCompilerId, kCompilerId) != 0 && errno != EINVAL)
      return sys_error("setresuid({})", kCompilerId);
  }
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct none[2] = {};
  if (::syscall(SYS_capset, &header, none) != 0)
    return sys_error("capset (no capabilities)");
  return {};
}

} // namespace

std::vector<std::string_view> compiler_allowlist() {
  std::vector<std::string_view> out;
  for (const auto &group :
       {std::span<const std::string_view>(kMemory), std::span<const std::string_view>(kLocks),
        std::span<const std::string_view>(kAnswer), std::span<const std::string_view>(kLibc),
        std::span<const std::string_view>(kAbort)})
    out.insert(out.end(), group.begin(), group.end());
  if (kSanitizerBuild)
    out.insert(out.end(), std::begin(kSanitizerOnly), std::end(kSanitizerOnly));
  return out;
}

Result<void> confine_compiler(int keep_fd) {
  const pid_t parent = ::getppid();
  ISOBOX_CHECK(close_all_but(keep_fd));
  ISOBOX_CHECK(drop_identity());
  // A change of identity clears the parent-death signal and may make the process dumpable again
  // (then ptrace-able by anything else running as nobody): both set again, after it.
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 || ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
    return sys_error("prctl");
  if (::getppid() != parent)
    return make_error("the process that forked the compiler is gone");
  ISOBOX_CHECK(set_no_new_privs());
  // No rule: every file system right the kernel can handle is denied (a kernel without Landlock
  // leaves it to seccomp, which allows no open anyway).
  ISOBOX_CHECK(landlock_confine({}));
  SeccompCtx ctx(seccomp_init(kSanitizerBuild ? SCMP_ACT_ERRNO(EPERM) : SCMP_ACT_KILL_PROCESS),
                 &seccomp_release);
  if (!ctx)
    return make_error("seccomp_init failed");
  for (std::string_view name : compiler_allowlist())
    ISOBOX_CHECK(allow(ctx.get(), name));
  if (int rc = seccomp_load(ctx.get()); rc < 0)
    return make_error("seccomp_load: {}", errno_name(-rc));
  return {};
}

} // namespace isobox::wasm::embed
