// Final process setup and execve, shared by the init (create/run) and exec.
#include "oci/linux/process_setup.hpp"

#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include <vector>

#include "common/unique_fd.hpp"
#include "oci/caps/caps.hpp"
#include "oci/linux/apparmor.hpp"
#include "oci/linux/sync.hpp"
#include "oci/seccomp/seccomp.hpp"

namespace isobox::oci {
namespace {

int rlimit_resource(const std::string &name) {
  static const std::pair<const char *, int> kTable[] = {{"RLIMIT_AS", RLIMIT_AS},
                                                        {"RLIMIT_CORE", RLIMIT_CORE},
                                                        {"RLIMIT_CPU", RLIMIT_CPU},
                                                        {"RLIMIT_DATA", RLIMIT_DATA},
                                                        {"RLIMIT_FSIZE", RLIMIT_FSIZE},
                                                        {"RLIMIT_LOCKS", RLIMIT_LOCKS},
                                                        {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
                                                        {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
                                                        {"RLIMIT_NICE", RLIMIT_NICE},
                                                        {"RLIMIT_NOFILE", RLIMIT_NOFILE},
                                                        {"RLIMIT_NPROC", RLIMIT_NPROC},
                                                        {"RLIMIT_RSS", RLIMIT_RSS},
                                                        {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
                                                        {"RLIMIT_RTTIME", RLIMIT_RTTIME},
                                                        {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
                                                        {"RLIMIT_STACK", RLIMIT_STACK}};
  for (const auto &[n, r] : kTable)
    if (name == n)
      return r;
  return -1;
}

std::string env_value(const std::vector<std::string> &env, std::string_view key) {
  for (const auto &e : env)
    if (e.size() > key.size() && e.starts_with(key) && e[key.size()] == '=')
      return e.substr(key.size() + 1);
  return {};
}

Result<> set_user(const User &user, bool in_user_namespace) {
  if (::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return sys_error("prctl PR_SET_KEEPCAPS");
  std::vector<gid_t> groups(user.additional_gids.begin(), user.additional_gids.end());
  if (::setgroups(groups.size(), groups.data()) < 0 && !(in_user_namespace && errno == EPERM))
    return sys_error("setgroups");
  // Raw syscalls: glibc's setresuid signals every thread; we have one, and glibc's wrapper
  // would also run in the child of a raw clone whose TLS it does not expect.
  if (::syscall(SYS_setresgid, user.gid, user.gid, user.gid) < 0)
    return sys_error("setresgid {}", user.gid);
  if (::syscall(SYS_setresuid, user.uid, user.uid, user.uid) < 0)
    return sys_error("setresuid {}", user.uid);
  if (::prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
    return sys_error("prctl PR_SET_KEEPCAPS");
  return {};
}

} // namespace

Result<> apply_limits(const Process &process) {
  for (const auto &r : process.rlimits) {
    int res = rlimit_resource(r.type);
    if (res < 0)
      return make_error("unknown rlimit {}", r.type);
    rlimit lim{r.soft, r.hard};
    if (::setrlimit(res, &lim) < 0)
      return sys_error("setrlimit {}", r.type);
  }
  if (process.oom_score_adj) {
    UniqueFd fd(::open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC));
    std::string v = std::to_string(*process.oom_score_adj);
    if (!fd || ::write(fd.get(), v.data(), v.size()) < 0)
      return sys_error("write oom_score_adj");
  }
  return {};
}

Result<> close_fds_on_exec(int preserve_fds) {
  unsigned first = 3 + static_cast<unsigned>(preserve_fds);
  if (::syscall(SYS_close_range, first, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
    return sys_error("close_range");
  return {};
}

Result<> finalize_process(const Process &process, const std::optional<LinuxSeccomp> &seccomp,
                          bool in_user_namespace) {
  ISOBOX_CHECK(apply_apparmor(process)); // while /proc/self/attr is still writable for us
  if (process.no_new_privileges && ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return sys_error("prctl PR_SET_NO_NEW_PRIVS");
  // Without no_new_privileges loading a filter needs CAP_SYS_ADMIN: do it while we have it.
  if (seccomp && !process.no_new_privileges)
    ISOBOX_CHECK(install_seccomp(*seccomp));
  if (process.capabilities)
    ISOBOX_CHECK(drop_bounding_set(*process.capabilities));
  ISOBOX_CHECK(set_user(process.user, in_user_namespace));
  if (process.capabilities)
    ISOBOX_CHECK(apply_capabilities(*process.capabilities));
  ::umask(process.user.umask.value_or(022));
  if (::chdir(process.cwd.c_str()) < 0)
    return sys_error("chdir to cwd {}", process.cwd);
  return {};
}

Result<> late_seccomp(const Process &process, const std::optional<LinuxSeccomp> &seccomp) {
  if (seccomp && process.no_new_privileges)
    ISOBOX_CHECK(install_seccomp(*seccomp));
  return {};
}

Result<std::string> find_executable(const Process &process) {
  const std::string &name = process.args[0];
  if (name.find('/') != std::string::npos) {
    if (::access(name.c_str(), X_OK) < 0)
      return sys_error("exec: \"{}\"", name);
    return name;
  }
  std::string path = env_value(process.env, "PATH");
  if (path.empty())
    path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t end = path.find(':', pos);
    if (end == std::string::npos)
      end = path.size();
    std::string dir = path.substr(pos, end - pos);
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0)
      return candidate;
    pos = end + 1;
  }
  return make_error("exec: \"{}\": executable file not found in $PATH", name);
}

Error exec_process(const Process &process, const std::string &path) {
  std::vector<char *> argv;
  for (const auto &a : process.args)
    argv.push_back(const_cast<char *>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char *> envp;
  for (const auto &e : process.env)
    envp.push_back(const_cast<char *>(e.c_str()));
  envp.push_back(nullptr);
  ::execve(path.c_str(), argv.data(), envp.data());
  return sys_error("exec {}", path).error();
}

namespace {

// /dev/console becomes the pty (created as an empty file first if the image has none); a
// failure is an error, not a container whose /dev/console is something else.
Result<> bind_dev_console(int slave) {
  UniqueFd console(::open("/dev/console", O_PATH | O_NOFOLLOW | O_CLOEXEC));
  if (!console && errno == ENOENT) {
    UniqueFd f(::open("/dev/console", O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!f)
      return sys_error("create /dev/console");
    console.reset(::open("/dev/console", O_PATH | O_NOFOLLOW | O_CLOEXEC));
  }
  if (!console)
    return sys_error("open /dev/console");
  std::string src = "/proc/self/fd/" + std::to_string(slave);
  std::string dst = "/proc/self/fd/" + std::to_string(console.get());
  if (::mount(src.c_str(), dst.c_str(), nullptr, MS_BIND, nullptr) < 0)
    return sys_error("bind the pty onto /dev/console");
  return {};
}

} // namespace

Result<> setup_console(int console_socket, const Process &process, bool bind_console) {
  UniqueFd master(::open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!master)
    return sys_error("open /dev/ptmx");
  int unlock = 0;
  if (::ioctl(master.get(), TIOCSPTLCK, &unlock) < 0)
    return sys_error("unlock pty");
  // TIOCGPTPEER opens the slave through the master: no path lookup an image could redirect.
  UniqueFd slave(::ioctl(master.get(), TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!slave)
    return sys_error("open pty slave");
  if (process.console_size) {
    winsize ws{};
    ws.ws_row = static_cast<unsigned short>(process.console_size->height);
    ws.ws_col = static_cast<unsigned short>(process.console_size->width);
    ::ioctl(slave.get(), TIOCSWINSZ, &ws);
  }
  if (bind_console)
    ISOBOX_CHECK(bind_dev_console(slave.get()));
  ISOBOX_CHECK(send_console_fd(console_socket, master.get()));
  master.reset();
  if (::ioctl(slave.get(), TIOCSCTTY, 0) < 0)
    return sys_error("set controlling terminal");
  for (int i = 0; i < 3; ++i)
    if (::dup2(slave.get(), i) < 0)
      return sys_error("dup2 pty slave");
  return {};
}

} // namespace isobox::oci
