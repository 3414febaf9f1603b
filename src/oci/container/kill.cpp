// `kill`: signal names as runc accepts them, delivered to the init or the whole cgroup.
#include <signal.h>

#include <cstring>

#include "common/parse_number.hpp"
#include "oci/cgroup/cgroup_manager.hpp"
#include "oci/container/operations.hpp"

namespace isobox::oci {
namespace {

struct SignalName {
  const char *name;
  int number;
};

constexpr SignalName kSignals[] = {
    {"ABRT", SIGABRT}, {"ALRM", SIGALRM}, {"BUS", SIGBUS},       {"CHLD", SIGCHLD},
    {"CLD", SIGCHLD},  {"CONT", SIGCONT}, {"FPE", SIGFPE},       {"HUP", SIGHUP},
    {"ILL", SIGILL},   {"INT", SIGINT},   {"IO", SIGIO},         {"IOT", SIGIOT},
    {"KILL", SIGKILL}, {"PIPE", SIGPIPE}, {"POLL", SIGPOLL},     {"PROF", SIGPROF},
    {"PWR", SIGPWR},   {"QUIT", SIGQUIT}, {"SEGV", SIGSEGV},     {"STKFLT", SIGSTKFLT},
    {"STOP", SIGSTOP}, {"SYS", SIGSYS},   {"TERM", SIGTERM},     {"TRAP", SIGTRAP},
    {"TSTP", SIGTSTP}, {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},     {"URG", SIGURG},
    {"USR1", SIGUSR1}, {"USR2", SIGUSR2}, {"VTALRM", SIGVTALRM}, {"WINCH", SIGWINCH},
    {"XCPU", SIGXCPU}, {"XFSZ", SIGXFSZ},
};

} // namespace

std::optional<int> parse_signal(const std::string &name) {
  if (name.empty())
    return std::nullopt;
  if (name.find_first_not_of("0123456789") == std::string::npos) {
    auto n = parse_number<int>(name, 1, SIGRTMAX);
    return n ? std::optional<int>(*n) : std::nullopt;
  }
  std::string upper;
  for (char c : name)
    upper += static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  std::string_view s = upper;
  if (s.starts_with("SIG"))
    s.remove_prefix(3);
  for (const auto &sig : kSignals)
    if (s == sig.name)
      return sig.number;
  // RTMIN, RTMIN+n, RTMAX-n
  if (s.starts_with("RTMIN") || s.starts_with("RTMAX")) {
    bool min = s.starts_with("RTMIN");
    std::string_view rest = s.substr(5);
    int off = 0;
    if (!rest.empty()) {
      if ((min && rest[0] != '+') || (!min && rest[0] != '-'))
        return std::nullopt;
      auto n = parse_number<int>(rest.substr(1), 0, SIGRTMAX - SIGRTMIN);
      if (!n)
        return std::nullopt;
      off = *n;
    }
    return min ? SIGRTMIN + off : SIGRTMAX - off;
  }
  return std::nullopt;
}

Result<> kill_container(const std::string &root, const std::string &id, int signal, bool all) {
  ContainerState s = ISOBOX_TRY(load_state(root, id));
  ContainerStatus status = current_status(s);
  if (all) {
    auto pids = container_pids(root, id);
    if (pids) {
      for (pid_t p : *pids)
        ::kill(p, signal);
      return {};
    }
  }
  // Never kill(0) (the caller's process group) for a record without an init yet.
  if (status == ContainerStatus::Stopped || !process_alive(s.pid, s.pid_start))
    return make_error("container not running");
  if (::kill(s.pid, signal) < 0)
    return sys_error("kill {}", s.pid);
  return {};
}

} // namespace isobox::oci
