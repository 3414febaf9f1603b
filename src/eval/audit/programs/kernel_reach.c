/* Audit program (native only): reaches a kernel interface; "hold" modes keep the object open until
 * stdin closes so the harness can see it from the host (/proc/<pid>/fd, ns, TracerPid). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <linux/if_ether.h>
#include <linux/io_uring.h>
#include <linux/perf_event.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "audit.h"

static int try_bpf(void) {
  union bpf_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.map_type = BPF_MAP_TYPE_ARRAY;
  attr.key_size = 4;
  attr.value_size = 4;
  attr.max_entries = 1;
  return (int)syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof attr);
}

static int try_perf(void) {
  struct perf_event_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.size = sizeof attr;
  attr.type = PERF_TYPE_SOFTWARE;
  attr.config = PERF_COUNT_SW_CPU_CLOCK;
  /* every process on CPU 0: needs CAP_PERFMON (or perf_event_paranoid <= 0) */
  return (int)syscall(SYS_perf_event_open, &attr, -1, 0, -1, 0);
}

static int try_io_uring(void) {
  struct io_uring_params p;
  memset(&p, 0, sizeof p);
  return (int)syscall(SYS_io_uring_setup, 4, &p);
}

/* A cgroup v1 release_agent opened for writing (CVE-2022-0492's first step; nothing is written). */
static int try_release_agent(void) {
  static const char *const controllers[] = {"rdma", "memory", "pids", "cpu", "devices", "freezer"};
  int fd = -1;
  for (size_t i = 0; fd < 0 && i < sizeof controllers / sizeof *controllers; i++) {
    char path[128];
    snprintf(path, sizeof path, "/sys/fs/cgroup/%s/release_agent", controllers[i]);
    fd = open(path, O_WRONLY);
  }
  return fd;
}

/* finit_module on /dev/null: the capability check comes before the image is parsed, so any
 * error but EPERM means the module loader was reached (nothing can load). */
static int try_module(void) {
  int fd = open("/dev/null", O_RDONLY);
  if (syscall(SYS_finit_module, fd, "", 0) == 0 || errno != EPERM) {
    char detail[96];
    snprintf(detail, sizeof detail, "module loader reached: %s", strerror(errno));
    if (errno == ENOSYS)
      return -1;
    audit_ok(detail);
    return 0;
  }
  return -1;
}

/* capset: every capability effective, permitted and inheritable (only what the bounding and
 * permitted sets allow can stick: the harness reads CapEff from the host). */
static int try_capset(void) {
  struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct data[2];
  memset(data, 0xff, sizeof data);
  return (int)syscall(SYS_capset, &hdr, data);
}

/* The CVE-2019-5736 class: an fd on the binary of the process that started this one (the
 * runtime or the harness), the first step to overwriting it once it exits. */
static int try_parent_exe(void) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/exe", (int)getppid());
  return open(path, O_RDONLY);
}

static int try_keyctl(const char *marker) {
  return (int)syscall(SYS_add_key, "user", marker, "isobox-audit", 12, -4 /* user keyring */);
}

/* tmpfs whose source is the marker, on DIR/audit-mnt */
static int try_mount(const char *dir, const char *marker) {
  char target[4096];
  snprintf(target, sizeof target, "%s/audit-mnt", dir);
  mkdir(target, 0755);
  return mount(marker, target, "tmpfs", 0, "size=64k");
}

static int try_setns_read(const char *pid, const char *canary) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%s/ns/mnt", pid);
  int fd = open(path, O_RDONLY);
  if (fd < 0 || setns(fd, CLONE_NEWNS) != 0)
    return -1;
  return audit_read_file(canary) == 0 ? 1 : 0;
}

/* Returns >= 0 when the attempt succeeded (an fd or 0), -1 with errno when denied. */
static int attempt(int argc, char **argv) {
  const char *mode = argv[2];
  const char *arg = argc > 3 ? argv[3] : "";
  if (!strcmp(mode, "bpf"))
    return try_bpf();
  if (!strcmp(mode, "perf"))
    return try_perf();
  if (!strcmp(mode, "io_uring"))
    return try_io_uring();
  if (!strcmp(mode, "raw_socket"))
    return socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
  if (!strcmp(mode, "packet_socket"))
    return socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
  if (!strcmp(mode, "userfaultfd"))
    return (int)syscall(SYS_userfaultfd, O_CLOEXEC);
  if (!strcmp(mode, "release_agent"))
    return try_release_agent();
  if (!strcmp(mode, "module"))
    return try_module();
  if (!strcmp(mode, "capset"))
    return try_capset();
  if (!strcmp(mode, "parent_exe"))
    return try_parent_exe();
  if (!strcmp(mode, "unshare_user"))
    return unshare(CLONE_NEWUSER);
  if (!strcmp(mode, "keyctl"))
    return try_keyctl(arg);
  if (!strcmp(mode, "ptrace"))
    return (int)ptrace(PTRACE_SEIZE, atoi(arg), 0, 0);
  if (!strcmp(mode, "kill"))
    return kill(atoi(arg), SIGKILL);
  if (!strcmp(mode, "mount"))
    return argc > 4 ? try_mount(arg, argv[4]) : -1;
  if (!strcmp(mode, "device"))
    return open(arg, O_RDONLY);
  if (!strcmp(mode, "setns"))
    return argc > 4 ? try_setns_read(arg, argv[4]) : -1;
  errno = EINVAL;
  return -1;
}

/* FNV-1a of the first 4096 bytes of fd, as the harness computes it on the host. */
static void report_device(int fd) {
  unsigned char buf[4096];
  ssize_t n = read(fd, buf, sizeof buf);
  if (n <= 0) {
    audit_denied("read");
    return;
  }
  unsigned long long h = 1469598103934665603ULL;
  for (ssize_t i = 0; i < n; i++)
    h = (h ^ buf[i]) * 1099511628211ULL;
  char detail[64];
  snprintf(detail, sizeof detail, "fnv1a=%016llx", h);
  audit_ok(detail);
}

int main(int argc, char **argv) {
  if (argc < 3)
    return 2;
  audit_nonce = argv[1];
  int rc = attempt(argc, argv);
  if (rc < 0)
    audit_denied(argv[2]);
  else if (!strcmp(argv[2], "device"))
    report_device(rc);
  else if (strcmp(argv[2], "setns") != 0 && strcmp(argv[2], "module") != 0)
    audit_ok(argv[2]);
  printf("HOLD\n");
  fflush(stdout);
  char c;
  while (read(0, &c, 1) > 0) {
  }
  return rc < 0 ? 1 : 0;
}
