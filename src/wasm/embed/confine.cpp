// The seccomp allowlist of the Wasm engine: what the interpreter, glibc and the granted WASI
// capabilities really call while a guest runs (measured with strace over tests/wasi guests).
#include "wasm/embed/confine.hpp"

#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <memory>

#include <seccomp.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#include <sanitizer/lsan_interface.h>
#endif

namespace isobox::wasm::embed {
namespace {

// Interpreter, allocator, stdio, clocks, random, threads already running (watchdog), exit.
constexpr std::string_view kCore[] = {
    "read",          "write",          "readv",
    "writev",        "close",          "lseek",
    "fstat",         "newfstatat",     "brk",
    "mmap",          "munmap",         "mremap",
    "mprotect",      "madvise",        "futex",
    "rt_sigreturn",  "rt_sigprocmask", "sched_yield",
    "clock_gettime", "clock_getres",   "clock_nanosleep",
    "nanosleep",     "getrandom",      "ppoll",
    "poll",          "fcntl",          "getpid",
    "gettid",        "exit",           "exit_group",
    "fdatasync",     "fsync",          "pread64",
    "pwrite64",      "preadv",         "pwritev",
    "ftruncate",     "fallocate",      "fadvise64",
    "utimensat",
};
// Signals (abort() raises SIGABRT with tgkill): only with this process as the target.
constexpr std::string_view kSignalsToSelf[] = {"kill(self)", "tgkill(self)", "tkill(self)",
                                               "rt_sigqueueinfo(self)", "rt_tgsigqueueinfo(self)"};
// Path operations, all relative to preopen fds (openat2 RESOLVE_BENEATH + *at calls).
constexpr std::string_view kFilesystem[] = {
    "openat2",   "getdents64", "mkdirat",   "unlinkat",   "renameat",
    "renameat2", "linkat",     "symlinkat", "readlinkat",
};
constexpr std::string_view kSocketIo[] = {"recvmsg", "sendmsg", "shutdown"};
// Sanitizer builds only: UBSan's vptr check and ASan's reports probe whether memory is readable
// by writing it into a fresh pipe (sanitizer_common IsAccessibleMemoryRange; refused, every vptr
// check reports "object has invalid vptr"), and ASan queries the signal stack before every call
// of a noreturn function (__asan_handle_no_return: a CHECK failure if sigaltstack is refused).
constexpr std::string_view kSanitizerOnly[] = {"pipe", "pipe2", "sigaltstack"};
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitizerBuild = true;
#else
constexpr bool kSanitizerBuild = false;
#endif

using SeccompCtx = std::unique_ptr<void, decltype(&seccomp_release)>;

/// Adds the allow rule for one allowlist entry (argument-filtered for ioctl and signals).
Result<void> allow(scmp_filter_ctx ctx, std::string_view name) {
  int rc = 0;
  if (name == "ioctl(FIONREAD)") { // poll_oneoff's byte count, and no other ioctl
    rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1, SCMP_A1(SCMP_CMP_EQ, FIONREAD));
  } else if (name == "mmap" || name == "mprotect") {
    // W^X once confined (issue 14): compiled code is loaded before; no new executable mapping.
    const int nr = name == "mmap" ? SCMP_SYS(mmap) : SCMP_SYS(mprotect);
    rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
  } else if (name.ends_with("(self)")) {
    name.remove_suffix(6);
    const int nr = seccomp_syscall_resolve_name(std::string(name).c_str());
    if (nr == __NR_SCMP_ERROR)
      return {};
    // The kernel reads the target as a 32-bit pid_t: compare exactly those bits.
    const auto self = static_cast<scmp_datum_t>(static_cast<uint32_t>(::getpid()));
    rc =
        seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffff, self));
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

} // namespace

std::vector<std::string_view> wasm_allowlist(const ConfineOptions &opts) {
  std::vector<std::string_view> out(std::begin(kCore), std::end(kCore));
  out.emplace_back("ioctl(FIONREAD)");
  out.insert(out.end(), std::begin(kSignalsToSelf), std::end(kSignalsToSelf));
  if (opts.filesystem)
    out.insert(out.end(), std::begin(kFilesystem), std::end(kFilesystem));
  if (opts.sockets)
    out.emplace_back("accept4");
  if (opts.sockets || opts.socket_io)
    out.insert(out.end(), std::begin(kSocketIo), std::end(kSocketIo));
  if (kSanitizerBuild)
    out.insert(out.end(), std::begin(kSanitizerOnly), std::end(kSanitizerOnly));
  return out;
}

Result<void> set_no_new_privs() {
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    return sys_error("prctl(PR_SET_NO_NEW_PRIVS)");
  return {};
}

void prepare_sanitizers_for_confinement() {
#if defined(__SANITIZE_ADDRESS__)
  __lsan_do_leak_check();
  char frame[512];
  __sanitizer_symbolize_pc(__builtin_return_address(0), "%p %F %L", frame, sizeof frame);
#endif
}

Result<void> confine_wasm_engine(const ConfineOptions &opts) {
  ISOBOX_CHECK(set_no_new_privs());
  // EPERM rather than a kill: a forbidden call is never executed either way, and the guest
  // sees a WASI error instead of the engine vanishing with SIGSYS.
  SeccompCtx ctx(seccomp_init(SCMP_ACT_ERRNO(EPERM)), &seccomp_release);
  if (!ctx)
    return make_error("seccomp_init failed");
  if (int rc = seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_TSYNC, 1); rc < 0)
    return make_error("seccomp: thread sync: {}", errno_name(-rc));
  for (std::string_view name : wasm_allowlist(opts))
    ISOBOX_CHECK(allow(ctx.get(), name));
  if (int rc = seccomp_load(ctx.get()); rc < 0)
    return make_error("seccomp_load: {}", errno_name(-rc));
  return {};
}

Result<int> print_allowlist() {
  const auto names =
      wasm_allowlist(ConfineOptions{.filesystem = true, .sockets = true, .socket_io = true});
  for (std::string_view n : names)
    fmt::print("{}\n", n);
  fmt::print("# {} syscalls allowed (the core set without --dir: {})\n", names.size(),
             wasm_allowlist(ConfineOptions{.filesystem = false}).size());
  return 0;
}

} // namespace isobox::wasm::embed
