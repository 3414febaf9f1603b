// syscall_fault NAME ERRNO CMD [ARGS...]: runs CMD under a seccomp filter that makes one syscall
// (pidfd_open, keyctl) fail with errno ERRNO, for CMD and everything it starts. The OCI tests use
// it to check how a runtime handles a failing security-relevant call (fault injection).
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define FAULT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define FAULT_ARCH AUDIT_ARCH_AARCH64
#else
#error "syscall_fault: unsupported architecture"
#endif

static const struct {
  const char *name;
  long nr;
} kSyscalls[] = {{"pidfd_open", SYS_pidfd_open}, {"keyctl", SYS_keyctl}};

static long syscall_number(const char *name) {
  for (size_t i = 0; i < sizeof kSyscalls / sizeof kSyscalls[0]; ++i)
    if (strcmp(kSyscalls[i].name, name) == 0)
      return kSyscalls[i].nr;
  return -1;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: syscall_fault NAME ERRNO CMD [ARGS...]\n");
    return 2;
  }
  long nr = syscall_number(argv[1]);
  char *end = NULL;
  long err = strtol(argv[2], &end, 10);
  if (nr < 0 || *end != '\0' || err <= 0 || err > 4095) {
    fprintf(stderr, "syscall_fault: unknown syscall %s or bad errno %s\n", argv[1], argv[2]);
    return 2;
  }
  struct sock_filter filter[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, FAULT_ARCH, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ((unsigned)err & SECCOMP_RET_DATA)),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog prog = {sizeof filter / sizeof filter[0], filter};
  // As root (CAP_SYS_ADMIN) no_new_privs is not needed; without it, set it so the filter loads.
  if (geteuid() != 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
    perror("syscall_fault: no_new_privs");
    return 2;
  }
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0) {
    perror("syscall_fault: seccomp");
    return 2;
  }
  execvp(argv[3], argv + 3);
  perror("syscall_fault: exec");
  return 127;
}
