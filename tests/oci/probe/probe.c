// probe: a static program run inside OCI test containers; reports what the container sees
// (ids, capabilities, namespaces, mounts, fds, cgroup limits ...) as key=value lines and tries
// attacks on request, printing "ok" or the errno name of the refusal.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

// The errno name, so tests compare symbols rather than localised strings.
static const char *errno_name(int e) {
  switch (e) {
  case 0: return "ok";
  case EPERM: return "EPERM";
  case ENOENT: return "ENOENT";
  case ESRCH: return "ESRCH";
  case EIO: return "EIO";
  case EBADF: return "EBADF";
  case EAGAIN: return "EAGAIN";
  case ENOMEM: return "ENOMEM";
  case EACCES: return "EACCES";
  case EFAULT: return "EFAULT";
  case EBUSY: return "EBUSY";
  case EEXIST: return "EEXIST";
  case ENOTDIR: return "ENOTDIR";
  case EISDIR: return "EISDIR";
  case EINVAL: return "EINVAL";
  case ETXTBSY: return "ETXTBSY";
  case ENOSPC: return "ENOSPC";
  case EROFS: return "EROFS";
  case ENOSYS: return "ENOSYS";
  case ELOOP: return "ELOOP";
  case EXDEV: return "EXDEV";
  case ENODEV: return "ENODEV";
  case EOPNOTSUPP: return "EOPNOTSUPP";
  default: {
    static char buf[32];
    snprintf(buf, sizeof buf, "E%d", e);
    return buf;
  }
  }
}

static void print_file_line(const char *key, const char *path) {
  char buf[4096];
  FILE *f = fopen(path, "re");
  if (!f)
    return;
  if (fgets(buf, sizeof buf, f)) {
    buf[strcspn(buf, "\n")] = 0;
    printf("%s=%s\n", key, buf);
  }
  fclose(f);
}

// Lines of /proc/self/status we care about: Cap*, NoNewPrivs, Seccomp, Uid/Gid, Groups.
static void report_status(void) {
  static const struct {
    const char *field, *key;
  } fields[] = {{"CapInh:", "cap_inh"},  {"CapPrm:", "cap_prm"}, {"CapEff:", "cap_eff"},
                {"CapBnd:", "cap_bnd"},  {"CapAmb:", "cap_amb"}, {"NoNewPrivs:", "no_new_privs"},
                {"Seccomp:", "seccomp"}, {"Uid:", "status_uid"}, {"Gid:", "status_gid"}};
  char line[4096];
  FILE *f = fopen("/proc/self/status", "re");
  if (!f) {
    printf("status_error=%s\n", errno_name(errno));
    return;
  }
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\n")] = 0;
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
      size_t n = strlen(fields[i].field);
      if (strncmp(line, fields[i].field, n) == 0) {
        const char *v = line + n;
        while (*v == ' ' || *v == '\t')
          v++;
        printf("%s=%s\n", fields[i].key, v);
      }
    }
  }
  fclose(f);
}

static void report_ids(void) {
  gid_t groups[256];
  int n = getgroups(256, groups);
  printf("pid=%d\nppid=%d\nuid=%d\ngid=%d\neuid=%d\negid=%d\ngroups=", (int)getpid(),
         (int)getppid(), (int)getuid(), (int)getgid(), (int)geteuid(), (int)getegid());
  for (int i = 0; i < n; i++)
    printf("%s%d", i ? "," : "", (int)groups[i]);
  printf("\n");
}

static void report_uts(void) {
  struct utsname u;
  if (uname(&u) == 0)
    printf("hostname=%s\ndomainname=%s\n", u.nodename, u.domainname);
  char cwd[PATH_MAX];
  if (getcwd(cwd, sizeof cwd))
    printf("cwd=%s\n", cwd);
  else
    printf("cwd_error=%s\n", errno_name(errno));
  mode_t m = umask(0);
  umask(m);
  printf("umask=%04o\n", (unsigned)m);
  print_file_line("oom_score_adj", "/proc/self/oom_score_adj");
}

static void report_rlimits(void) {
  static const struct {
    int res;
    const char *name;
  } lims[] = {{RLIMIT_NOFILE, "nofile"}, {RLIMIT_NPROC, "nproc"},     {RLIMIT_CORE, "core"},
              {RLIMIT_STACK, "stack"},   {RLIMIT_MEMLOCK, "memlock"}, {RLIMIT_AS, "as"}};
  for (size_t i = 0; i < sizeof lims / sizeof lims[0]; i++) {
    struct rlimit r;
    if (getrlimit(lims[i].res, &r) != 0)
      continue;
    printf("rlimit_%s=", lims[i].name);
    if (r.rlim_cur == RLIM_INFINITY)
      printf("unlimited:");
    else
      printf("%llu:", (unsigned long long)r.rlim_cur);
    if (r.rlim_max == RLIM_INFINITY)
      printf("unlimited\n");
    else
      printf("%llu\n", (unsigned long long)r.rlim_max);
  }
}

static void report_env(void) {
  for (char **e = environ; *e; e++)
    printf("env.%s\n", *e);
}

static void report_namespaces(void) {
  static const char *names[] = {"pid", "mnt", "net", "uts", "ipc", "user", "cgroup", "time"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    char path[64];
    struct stat st;
    snprintf(path, sizeof path, "/proc/self/ns/%s", names[i]);
    if (stat(path, &st) == 0)
      printf("ns.%s=%llu\n", names[i], (unsigned long long)st.st_ino);
  }
  print_file_line("uid_map", "/proc/self/uid_map");
  print_file_line("gid_map", "/proc/self/gid_map");
}

// One "mount=<mountpoint> <fstype> <per-mount options>,<super options>" line per mountinfo entry.
static void report_mounts(void) {
  char line[8192];
  FILE *f = fopen("/proc/self/mountinfo", "re");
  if (!f) {
    printf("mounts_error=%s\n", errno_name(errno));
    return;
  }
  while (fgets(line, sizeof line, f)) {
    char mnt[4096], opts[1024], fstype[256], source[4096], sopts[2048];
    char *sep = strstr(line, " - ");
    if (!sep || sscanf(line, "%*s %*s %*s %*s %4095s %1023s", mnt, opts) != 2 ||
        sscanf(sep + 3, "%255s %4095s %2047s", fstype, source, sopts) != 3)
      continue;
    printf("mount=%s %s %s,%s\n", mnt, fstype, opts, sopts);
  }
  fclose(f);
}

// Every open fd except the directory stream used to list them (CVE-2024-21626: only stdio and
// preserved fds may reach the container).
static void report_fds(void) {
  DIR *d = opendir("/proc/self/fd");
  if (!d) {
    printf("fds_error=%s\n", errno_name(errno));
    return;
  }
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(d))
      continue;
    char path[300], target[PATH_MAX];
    snprintf(path, sizeof path, "/proc/self/fd/%s", e->d_name);
    ssize_t n = readlink(path, target, sizeof target - 1);
    target[n < 0 ? 0 : n] = 0;
    printf("fd.%s=%s\n", e->d_name, target);
  }
  closedir(d);
}

// Limits at the usual places inside a container for cgroup v1 and v2.
static void report_cgroups(void) {
  static const struct {
    const char *key, *path;
  } files[] = {
      {"cgroup.memory_max", "/sys/fs/cgroup/memory.max"},
      {"cgroup.memory_limit", "/sys/fs/cgroup/memory/memory.limit_in_bytes"},
      {"cgroup.pids_max", "/sys/fs/cgroup/pids.max"},
      {"cgroup.pids_max", "/sys/fs/cgroup/pids/pids.max"},
      {"cgroup.cpu_max", "/sys/fs/cgroup/cpu.max"},
      {"cgroup.cpu_quota", "/sys/fs/cgroup/cpu/cpu.cfs_quota_us"},
      {"cgroup.cpu_quota", "/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us"},
      {"cgroup.cpu_shares", "/sys/fs/cgroup/cpu/cpu.shares"},
      {"cgroup.cpu_weight", "/sys/fs/cgroup/cpu.weight"},
  };
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
    print_file_line(files[i].key, files[i].path);
  char line[4096];
  FILE *f = fopen("/proc/self/cgroup", "re");
  if (!f)
    return;
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\n")] = 0;
    printf("proc_cgroup=%s\n", line);
  }
  fclose(f);
}

static int cmd_info(void) {
  report_ids();
  report_status();
  report_uts();
  report_rlimits();
  report_namespaces();
  report_cgroups();
  report_fds();
  report_env();
  report_mounts();
  return 0;
}

static int result(const char *what, int rc) {
  printf("%s=%s\n", what, errno_name(rc == 0 ? 0 : errno));
  return 0;
}

static int try_write(const char *path, const char *data) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return result("write", -1);
  ssize_t n = write(fd, data, strlen(data));
  int e = errno;
  close(fd);
  errno = e;
  return result("write", n < 0 ? -1 : 0);
}

static int try_read(const char *path) {
  char buf[256];
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return result("read", -1);
  ssize_t n = read(fd, buf, sizeof buf);
  int e = errno;
  close(fd);
  errno = e;
  result("read", n < 0 ? -1 : 0);
  if (n >= 0)
    printf("read_bytes=%zd\n", n);
  return 0;
}

// Writes the maps of a fresh user namespace so that we are root inside it.
static void map_self(uid_t uid, gid_t gid) {
  char buf[64];
  int fd = open("/proc/self/setgroups", O_WRONLY);
  if (fd >= 0) {
    (void)!write(fd, "deny", 4);
    close(fd);
  }
  snprintf(buf, sizeof buf, "0 %d 1", (int)uid);
  fd = open("/proc/self/uid_map", O_WRONLY);
  if (fd >= 0) {
    (void)!write(fd, buf, strlen(buf));
    close(fd);
  }
  snprintf(buf, sizeof buf, "0 %d 1", (int)gid);
  fd = open("/proc/self/gid_map", O_WRONLY);
  if (fd >= 0) {
    (void)!write(fd, buf, strlen(buf));
    close(fd);
  }
}

// CVE-2022-0492: from a new user+mount+cgroup namespace, mount a v1 cgroupfs and write its
// release_agent. Each step is reported; the write must never succeed.
static int try_cgroup_escape(const char *dir) {
  uid_t uid = getuid();
  gid_t gid = getgid();
  if (unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWCGROUP) != 0)
    result("unshare", -1);
  else {
    result("unshare", 0);
    map_self(uid, gid);
  }
  static const char *controllers[] = {"rdma", "memory", "pids", "cpu", "none,name=x"};
  char path[PATH_MAX];
  for (size_t i = 0; i < sizeof controllers / sizeof controllers[0]; i++) {
    if (mount("cgroup", dir, "cgroup", 0, controllers[i]) == 0) {
      result("mount_cgroup", 0);
      snprintf(path, sizeof path, "%s/release_agent", dir);
      try_write(path, "/probe-release-agent");
      umount2(dir, MNT_DETACH);
      return 0;
    }
  }
  result("mount_cgroup", -1);
  return 0;
}

// SIGUSR1 ends a try-* window early, after one more round: the test sends it once its attack
// traffic (the execs) is over, instead of every run waiting out the whole window.
static volatile sig_atomic_t g_stop;
static void on_stop(int sig) {
  (void)sig;
  g_stop = 1;
}
static void stop_on_usr1(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_stop;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGUSR1, &sa, NULL);
}

// CVE-2019-5736: find another process whose executable is neither busybox nor this probe (e.g. a
// runtime exec'd through a "#!/proc/self/exe" script), keep an O_PATH handle on its exe and try
// to reopen it for writing until `seconds` pass (or SIGUSR1). Never truncates or writes: opening
// is the proof.
static int try_exe_overwrite(int seconds) {
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  self[n < 0 ? 0 : n] = 0;
  stop_on_usr1();
  printf("ready\n");
  fflush(stdout);
  int target = -1, last = ENOENT, found_pid = 0;
  char target_exe[PATH_MAX] = "";
  time_t end = time(NULL) + seconds;
  int last_round = 0;
  while (!last_round && time(NULL) < end) {
    last_round = g_stop;
    if (target < 0) {
      DIR *d = opendir("/proc");
      struct dirent *e;
      while (d && target < 0 && (e = readdir(d))) {
        int pid = atoi(e->d_name);
        if (pid <= 0 || pid == getpid())
          continue;
        char path[64], exe[PATH_MAX];
        snprintf(path, sizeof path, "/proc/%d/exe", pid);
        ssize_t m = readlink(path, exe, sizeof exe - 1);
        if (m < 0)
          continue;
        exe[m] = 0;
        if (strcmp(exe, self) == 0 || strstr(exe, "busybox"))
          continue;
        target = open(path, O_PATH | O_CLOEXEC);
        if (target >= 0) {
          found_pid = pid;
          snprintf(target_exe, sizeof target_exe, "%s", exe);
        }
      }
      if (d)
        closedir(d);
      continue;
    }
    char fdpath[64];
    snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", target);
    int w = open(fdpath, O_WRONLY | O_CLOEXEC);
    if (w >= 0) {
      close(w);
      last = 0;
      break;
    }
    last = errno;
    usleep(1000);
  }
  printf("exe_target_pid=%d\nexe_target=%s\n", found_pid, target_exe);
  printf("exe_write=%s\n", target < 0 ? "no-target" : errno_name(last));
  return 0;
}

// CVE-2016-9962: as the container's PID 1, try to ptrace every new process that appears (e.g. a
// runtime joining the container for `exec`) while it is still the runtime; report whether an
// attach ever succeeded on a process whose executable was not busybox or this probe (until
// `seconds` pass, or SIGUSR1).
static int try_ptrace_join(int seconds) {
  static char seen[1 << 16];
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  self[n < 0 ? 0 : n] = 0;
  stop_on_usr1();
  printf("ready\n");
  fflush(stdout);
  int attempts = 0, runtime_attached = 0, last_errno = 0;
  char runtime_exe[PATH_MAX] = "";
  time_t end = time(NULL) + seconds;
  int last_round = 0;
  while (!last_round && time(NULL) < end) {
    last_round = g_stop;
    DIR *d = opendir("/proc");
    struct dirent *e;
    while (d && (e = readdir(d))) {
      int pid = atoi(e->d_name);
      if (pid <= 1 || pid == getpid() || pid >= (int)sizeof seen || seen[pid])
        continue;
      seen[pid] = 1;
      attempts++;
      if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) != 0) {
        last_errno = errno;
        continue;
      }
      int status;
      waitpid(pid, &status, __WALL);
      char path[64], exe[PATH_MAX];
      snprintf(path, sizeof path, "/proc/%d/exe", pid);
      ssize_t m = readlink(path, exe, sizeof exe - 1);
      exe[m < 0 ? 0 : m] = 0;
      if (m >= 0 && strcmp(exe, self) != 0 && !strstr(exe, "busybox")) {
        runtime_attached = 1;
        snprintf(runtime_exe, sizeof runtime_exe, "%s", exe);
      }
      ptrace(PTRACE_DETACH, pid, NULL, NULL);
    }
    if (d)
      closedir(d);
  }
  printf("ptrace_attempts=%d\nptrace_last_error=%s\n", attempts, errno_name(last_errno));
  printf("ptrace_runtime_attached=%d\nptrace_runtime_exe=%s\n", runtime_attached, runtime_exe);
  return 0;
}

static int wait_signal(void) {
  sigset_t set;
  sigfillset(&set);
  sigprocmask(SIG_BLOCK, &set, NULL);
  printf("waiting\n");
  fflush(stdout);
  int sig = 0;
  sigwait(&set, &sig);
  printf("signal=%d\n", sig);
  fflush(stdout);
  return 128 + sig;
}

static int usage(void) {
  fprintf(stderr,
          "usage: probe info | exit N | sleep SECONDS | wait-signal | try-mount DIR |\n"
          "  try-umount DIR | try-remount-rw DIR | try-write PATH [DATA] | try-read PATH |\n"
          "  try-open PATH | try-ptrace PID | try-init-module | try-unshare |\n"
          "  try-cgroup-escape DIR |"
          " try-exe-overwrite SECONDS | try-ptrace-join SECONDS | try-sethostname NAME\n");
  return 2;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  const char *cmd = argc > 1 ? argv[1] : "info";
  const char *arg = argc > 2 ? argv[2] : NULL;
  if (strcmp(cmd, "info") == 0)
    return cmd_info();
  if (strcmp(cmd, "exit") == 0 && arg)
    return atoi(arg);
  if (strcmp(cmd, "sleep") == 0 && arg) {
    sleep((unsigned)atoi(arg));
    return 0;
  }
  if (strcmp(cmd, "wait-signal") == 0)
    return wait_signal();
  if (strcmp(cmd, "try-mount") == 0 && arg)
    return result("mount", mount("tmpfs", arg, "tmpfs", 0, NULL));
  if (strcmp(cmd, "try-umount") == 0 && arg)
    return result("umount", umount2(arg, MNT_DETACH));
  if (strcmp(cmd, "try-remount-rw") == 0 && arg)
    return result("remount", mount(NULL, arg, NULL, MS_REMOUNT | MS_BIND, NULL));
  if (strcmp(cmd, "try-write") == 0 && arg)
    return try_write(arg, argc > 3 ? argv[3] : "x");
  if (strcmp(cmd, "try-read") == 0 && arg)
    return try_read(arg);
  if (strcmp(cmd, "try-open") == 0 && arg) { // open for writing only: the device cgroup check
    int fd = open(arg, O_WRONLY | O_CLOEXEC);
    int e = errno;
    if (fd >= 0)
      close(fd);
    errno = e;
    return result("open", fd < 0 ? -1 : 0);
  }
  if (strcmp(cmd, "try-ptrace") == 0 && arg) {
    long rc = ptrace(PTRACE_ATTACH, atoi(arg), NULL, NULL);
    int e = errno;
    if (rc == 0)
      ptrace(PTRACE_DETACH, atoi(arg), NULL, NULL);
    errno = e;
    return result("ptrace", rc == 0 ? 0 : -1);
  }
  if (strcmp(cmd, "try-init-module") == 0)
    return result("init_module", (int)syscall(SYS_init_module, NULL, 0, ""));
  if (strcmp(cmd, "try-unshare") == 0)
    return result("unshare", unshare(CLONE_NEWNS));
  if (strcmp(cmd, "try-cgroup-escape") == 0 && arg)
    return try_cgroup_escape(arg);
  if (strcmp(cmd, "try-exe-overwrite") == 0 && arg)
    return try_exe_overwrite(atoi(arg));
  if (strcmp(cmd, "try-ptrace-join") == 0 && arg)
    return try_ptrace_join(atoi(arg));
  if (strcmp(cmd, "try-sethostname") == 0 && arg)
    return result("sethostname", sethostname(arg, strlen(arg)));
  return usage();
}
