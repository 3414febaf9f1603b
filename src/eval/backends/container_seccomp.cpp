// A RuntimeDefault-like seccomp profile for the eval's containers, written for isobox from the
// syscalls ordinary programs make (libc, shells, servers, runtimes of managed languages): files,
// memory, processes and threads, signals, time, polling, sockets and System V IPC. Left out, so
// they fail with EPERM: keyrings (add_key, keyctl, request_key), bpf, perf_event_open, io_uring,
// userfaultfd, ptrace and process_vm_*, mounting (mount, umount2, pivot_root, the new mount API),
// namespaces (unshare, setns; clone only without CLONE_NEW* flags), kexec, module loading,
// open_by_handle_at, clock and time setting, swap, reboot, acct, quotactl, syslog, iopl/ioperm,
// kcmp, personality and the obsolete calls (uselib, ustat, sysfs, _sysctl, nfsservctl).
#include "eval/backends/container_seccomp.hpp"

#include <cerrno>
#include <iterator>
#include <sched.h>
#include <seccomp.h>

namespace isobox::eval {

namespace {

// clone's first argument must carry none of these (a new namespace of any kind).
constexpr unsigned long kNamespaceFlags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC |
                                          CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET |
                                          CLONE_NEWCGROUP;

// Allowed unconditionally.
const char *const kAllowlist[] = {
    // files and directories
    "read", "write", "open", "openat", "openat2", "close", "close_range", "creat", "access",
    "faccessat", "faccessat2", "stat", "fstat", "lstat", "newfstatat", "statx", "statfs", "fstatfs",
    "lseek", "pread64", "pwrite64", "readv", "writev", "preadv", "pwritev", "preadv2", "pwritev2",
    "dup", "dup2", "dup3", "fcntl", "flock", "fsync", "fdatasync", "sync", "syncfs",
    "sync_file_range", "truncate", "ftruncate", "fallocate", "getdents", "getdents64", "getcwd",
    "chdir", "fchdir", "chroot", "rename", "renameat", "renameat2", "mkdir", "mkdirat", "rmdir",
    "link", "linkat", "unlink", "unlinkat", "symlink", "symlinkat", "readlink", "readlinkat",
    "chmod", "fchmod", "fchmodat", "chown", "fchown", "lchown", "fchownat", "umask", "utime",
    "utimes", "utimensat", "futimesat", "mknod", "mknodat", "sendfile", "copy_file_range", "splice",
    "tee", "vmsplice", "fadvise64", "readahead", "getxattr", "lgetxattr", "fgetxattr", "setxattr",
    "lsetxattr", "fsetxattr", "listxattr", "llistxattr", "flistxattr", "removexattr",
    "lremovexattr", "fremovexattr", "inotify_init", "inotify_init1", "inotify_add_watch",
    "inotify_rm_watch", "memfd_create", "pipe", "pipe2", "ioctl",
    // memory
    "mmap", "munmap", "mprotect", "mremap", "msync", "mincore", "madvise", "brk", "mlock", "mlock2",
    "munlock", "mlockall", "munlockall", "membarrier", "pkey_alloc", "pkey_free", "pkey_mprotect",
    "remap_file_pages", "get_mempolicy", "set_mempolicy", "mbind",
    // System V and POSIX IPC (the container's own IPC namespace)
    "shmget", "shmat", "shmdt", "shmctl", "semget", "semop", "semtimedop", "semctl", "msgget",
    "msgsnd", "msgrcv", "msgctl", "mq_open", "mq_unlink", "mq_timedsend", "mq_timedreceive",
    "mq_notify", "mq_getsetattr",
    // processes, threads, credentials
    "fork", "vfork", "execve", "execveat", "exit", "exit_group", "wait4", "waitid", "getpid",
    "getppid", "gettid", "getpgid", "setpgid", "getpgrp", "getsid", "setsid", "getuid", "geteuid",
    "getgid", "getegid", "setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid",
    "getresuid", "getresgid", "setfsuid", "setfsgid", "getgroups", "setgroups", "capget", "capset",
    "prctl", "arch_prctl", "set_tid_address", "set_robust_list", "get_robust_list", "futex",
    "futex_waitv", "rseq", "set_thread_area", "get_thread_area", "sched_yield", "sched_getaffinity",
    "sched_setaffinity", "sched_getparam", "sched_setparam", "sched_getscheduler",
    "sched_setscheduler", "sched_get_priority_max", "sched_get_priority_min",
    "sched_rr_get_interval", "sched_getattr", "sched_setattr", "getpriority", "setpriority",
    "ioprio_get", "ioprio_set", "getrlimit", "setrlimit", "prlimit64", "getrusage", "times",
    "sysinfo", "uname", "sethostname", "setdomainname", "getrandom", "restart_syscall",
    "pidfd_open", "pidfd_send_signal", "seccomp", "landlock_create_ruleset", "landlock_add_rule",
    "landlock_restrict_self",
    // signals
    "kill", "tkill", "tgkill", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigpending",
    "rt_sigtimedwait", "rt_sigqueueinfo", "rt_tgsigqueueinfo", "rt_sigsuspend", "sigaltstack",
    "pause", "signalfd", "signalfd4",
    // time (reading it, timers, sleeping)
    "clock_gettime", "clock_getres", "clock_nanosleep", "nanosleep", "gettimeofday", "time",
    "alarm", "getitimer", "setitimer", "timer_create", "timer_settime", "timer_gettime",
    "timer_getoverrun", "timer_delete", "timerfd_create", "timerfd_settime", "timerfd_gettime",
    // polling
    "epoll_create", "epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait", "epoll_pwait2",
    "poll", "ppoll", "select", "pselect6", "eventfd", "eventfd2",
    // sockets (raw and packet ones still need CAP_NET_RAW)
    "socket", "socketpair", "bind", "listen", "accept", "accept4", "connect", "getsockname",
    "getpeername", "sendto", "recvfrom", "sendmsg", "recvmsg", "sendmmsg", "recvmmsg", "setsockopt",
    "getsockopt", "shutdown"};

} // namespace

const std::vector<std::string> &container_seccomp_allowlist() {
  static const std::vector<std::string> names(std::begin(kAllowlist), std::end(kAllowlist));
  return names;
}

nlohmann::ordered_json container_seccomp_profile() {
  using json = nlohmann::ordered_json;
  json allow = json::array();
  for (const auto &n : container_seccomp_allowlist())
    allow.push_back(n);
  json clone_arg = {
      {"index", 0}, {"value", kNamespaceFlags}, {"valueTwo", 0}, {"op", "SCMP_CMP_MASKED_EQ"}};
  return {
      {"defaultAction", "SCMP_ACT_ERRNO"},
      {"defaultErrnoRet", EPERM},
      {"syscalls",
       json::array({{{"names", allow}, {"action", "SCMP_ACT_ALLOW"}},
                    {{"names", {"clone"}},
                     {"action", "SCMP_ACT_ALLOW"},
                     {"args", json::array({clone_arg})}},
                    {{"names", {"clone3"}}, {"action", "SCMP_ACT_ERRNO"}, {"errnoRet", ENOSYS}}})}};
}

int container_seccomp_allowed_x86_64() {
  int n = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, "clone") >= 0 ? 1 : 0;
  for (const auto &name : container_seccomp_allowlist())
    n += seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, name.c_str()) >= 0 ? 1 : 0;
  return n;
}

} // namespace isobox::eval
