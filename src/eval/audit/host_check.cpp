// Deciding a verdict: host-side checks (canaries, files, mounts, keys, fds, namespaces, the victim
// process) combined with the program's report line.
#include "eval/audit/host_check.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

#include <vector>

namespace isobox::eval::audit {

namespace fs = std::filesystem;

namespace {

std::string read_text(const std::string &path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string link(const std::string &path) {
  std::error_code ec;
  auto target = fs::read_symlink(path, ec);
  return ec ? "" : target.string();
}

// This run's isobox-eval-<pid>-* cgroup parents, in every hierarchy (v1 controllers and named ones
// are directories of /sys/fs/cgroup; a cgroup2 mounted there has them at its root).
std::vector<fs::path> own_cgroup_parents() {
  const std::string prefix = fmt::format("isobox-eval-{}-", ::getpid());
  std::error_code ec;
  std::vector<fs::path> parents;
  for (const auto &mount : fs::directory_iterator("/sys/fs/cgroup", ec)) {
    if (mount.path().filename().string().starts_with(prefix))
      parents.push_back(mount.path());
    std::error_code ec2;
    for (const auto &dir : fs::directory_iterator(mount.path(), ec2))
      if (dir.path().filename().string().starts_with(prefix))
        parents.push_back(dir.path());
  }
  return parents;
}

// Empty child cgroups of this run's parents (rmdir refuses non-empty ones).
void remove_orphan_cgroups() {
  std::error_code ec;
  for (const auto &parent : own_cgroup_parents())
    for (const auto &child : fs::directory_iterator(parent, ec))
      if (child.is_directory(ec))
        ::rmdir(child.path().c_str());
}

// A process left in one of this run's container cgroups: a container's init that outlived its
// killed runtime. A Wasm container's init shows isobox's own argv, not the guest's, so the nonce
// search alone misses it.
pid_t survivor_in_own_cgroups() {
  std::error_code ec;
  for (const auto &parent : own_cgroup_parents())
    for (const auto &child : fs::directory_iterator(parent, ec)) {
      std::ifstream procs(child.path() / "cgroup.procs");
      if (pid_t pid = 0; procs >> pid && pid > 0)
        return pid;
    }
  return -1;
}

std::string tracer_of(pid_t pid) {
  for (const auto &line : lines_with(fmt::format("/proc/{}/status", pid), "TracerPid:"))
    return line.substr(line.find_first_of("0123456789"));
  return "0";
}

// CAP_SYS_ADMIN (bit 21) in the process's CapEff: "" when absent.
std::string sys_admin_held(const std::string &proc) {
  for (const auto &line : lines_with(proc + "/status", "CapEff:")) {
    const unsigned long long caps = std::stoull(line.substr(8), nullptr, 16);
    if (caps & (1ULL << 21))
      return "the process holds CAP_SYS_ADMIN (CapEff " + line.substr(8) + ")";
  }
  return "";
}

// An fd of the process on its host parent's binary (the runtime's or the harness's): "" when none.
std::string parent_exe_held(const std::string &proc) {
  std::string ppid;
  for (const auto &line : lines_with(proc + "/status", "PPid:"))
    ppid = line.substr(line.find_first_of("0123456789"));
  const std::string targets[] = {link("/proc/" + ppid + "/exe"), link("/proc/self/exe")};
  std::error_code ec;
  for (const auto &fd : fs::directory_iterator(proc + "/fd", ec))
    for (const auto &t : targets)
      if (!t.empty() && link(fd.path().string()) == t)
        return "the process holds an fd on the host binary " + t;
  return "";
}

// <dir>/audit-root-<nonce> owned by root in a backend's writable directory: what setuid_gain's
// helper makes once it is uid 0, after the program dropped to 65534.
std::string root_file(const HostEnv &host) {
  for (const auto &dir : host.writable_dirs()) {
    const std::string path = dir + "/audit-root-" + host.nonce();
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0 && st.st_uid == 0)
      return path + " exists, owned by root: the helper started as uid 65534 became root";
  }
  return "";
}

std::string first_line(const std::string &text) { return text.substr(0, text.find('\n')); }

// What the host shows for the checks that look after the run; "" when nothing.
std::string effect_after(const Scenario &s, HostEnv &host, const Observation &obs) {
  const Check &c = s.check;
  const std::string &out = obs.run.out;
  if (c.kind == "secret_absent" && c.secret == "mount") {
    if (out.find(host.host_mount()) != std::string::npos)
      return "the output holds the harness's host mount";
    return out.find(host.rootfs_path()) != std::string::npos
               ? "the output holds the host path of the container's rootfs (" + host.rootfs_path() +
                     ")"
               : "";
  }
  if (c.kind == "secret_absent") {
    const std::string &secret = c.secret == "canary"     ? host.canary_secret()
                                : c.secret == "hostname" ? host.hostname()
                                : c.secret == "kernel"   ? host.kernel_release()
                                : c.secret == "mac"      ? host.mac()
                                : c.secret == "mount"    ? host.host_mount()
                                                         : host.env_secret();
    return out.find(secret) != std::string::npos ? "the output holds the host's " + c.secret : "";
  }
  if (c.kind == "root_file_absent")
    return root_file(host);
  if (c.kind == "file_absent")
    return fs::exists(host.substitute(c.path)) ? host.substitute(c.path) + " exists" : "";
  if (c.kind == "canary_intact") {
    const std::string text = read_text(host.substitute(c.path));
    return text.find(host.canary_secret()) == std::string::npos ? "the victim file is gone or "
                                                                  "changed"
                                                                : "";
  }
  if (c.kind == "tree_intact") {
    const std::string change = host.ro_grant_change();
    return change.empty() ? "" : "the read-only grant changed: " + change;
  }
  if (c.kind == "device_unread") {
    const std::string hash = device_hash(host.substitute(c.path));
    return !hash.empty() && out.find("fnv1a=" + hash) != std::string::npos
               ? "the bytes read equal the host's " + host.substitute(c.path)
               : "";
  }
  if (c.kind == "mount_absent")
    return lines_with("/proc/self/mountinfo", host.marker()).empty() ? ""
                                                                     : "the host sees the mount";
  if (c.kind == "key_absent")
    return lines_with("/proc/keys", host.marker()).empty() ? "" : "the host's /proc/keys holds it";
  if (c.kind == "listener_untouched")
    return host.listener_effect();
  if (c.kind == "no_survivor") {
    ::sleep(1);
    pid_t left = find_by_nonce(host.nonce());
    if (left <= 0)
      left = survivor_in_own_cgroups();
    if (left <= 0)
      return "";
    ::kill(left, SIGKILL);
    ::usleep(200000);
    remove_orphan_cgroups(); // the killed runtime never deleted its container's cgroup
    return fmt::format("pid {} survived the timeout kill (killed now)", left);
  }
  if (c.kind == "victim_alive") { // SIGKILL lands asynchronously: give it half a second
    for (int i = 0; i < 50 && host.victim_alive(); i++)
      ::usleep(10000);
    return host.victim_alive() ? "" : "the host process was killed";
  }
  return obs.held_effect;
}

Verdict judge_wasm(const Scenario &s, const Observation &obs) {
  const RunResult &r = obs.run;
  if (obs.report_ok)
    return {"escaped", "the program reports: " + obs.report_line};
  if (r.signal != 0)
    return {"crashed", fmt::format("the sandbox died of signal {}", r.signal)};
  if (r.timed_out)
    return {"error", "timed out"};
  if (s.check.kind == "report")
    return obs.report ? Verdict{"blocked", obs.report_line}
                      : Verdict{"error", "no report: " + first_line(r.err)};
  if (r.exit_code != 0)
    return {"blocked", fmt::format("exit {}: {}", r.exit_code, first_line(r.err))};
  return {"error", "exited 0 without a report"};
}

} // namespace

pid_t find_by_nonce(const std::string &nonce) {
  std::error_code ec;
  for (const auto &entry : fs::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos)
      continue;
    std::string cmdline = read_text(entry.path().string() + "/cmdline");
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    if (cmdline.find(" " + nonce + " ") != std::string::npos && std::stoi(name) != ::getpid())
      return std::stoi(name);
  }
  return -1;
}

std::string link_target(const std::string &path) { return link(path); }

void parse_report(Observation &obs, const std::string &nonce) {
  std::istringstream in(obs.run.out);
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with("AUDIT " + nonce + " "))
      continue;
    obs.report = true;
    obs.report_line = line.substr(7 + nonce.size());
    obs.report_ok = obs.report_line.starts_with("ok");
  }
}

void inspect_held(const Scenario &s, HostEnv &host, Observation &obs) {
  const Check &c = s.check;
  if (c.kind == "victim_untraced") {
    if (tracer_of(host.victim()) != "0")
      obs.held_effect = "the host process is traced by pid " + tracer_of(host.victim());
    return;
  }
  if (c.kind != "object_absent" && c.kind != "userns_absent" && c.kind != "caps_absent" &&
      c.kind != "exe_absent")
    return;
  const pid_t pid = find_by_nonce(host.nonce());
  if (pid < 0)
    return;
  const std::string proc = fmt::format("/proc/{}", pid);
  if (c.kind == "caps_absent" || c.kind == "exe_absent") {
    obs.held_effect = c.kind == "caps_absent" ? sys_admin_held(proc) : parent_exe_held(proc);
    return;
  }
  if (c.kind == "userns_absent") {
    if (link(proc + "/ns/user") != link("/proc/self/ns/user"))
      obs.held_effect = "the process holds a new user namespace " + link(proc + "/ns/user");
    return;
  }
  std::error_code ec;
  for (const auto &fd : fs::directory_iterator(proc + "/fd", ec)) {
    const std::string target = link(fd.path().string());
    if (target.starts_with(c.fd)) {
      obs.held_effect = "the process holds " + target;
      obs.held_private = !c.private_ns.empty() && link(proc + "/ns/" + c.private_ns) !=
                                                      link("/proc/self/ns/" + c.private_ns);
    }
  }
}

Verdict judge(const Scenario &s, HostEnv &host, const Observation &obs) {
  if (s.check.kind == "measure")
    return obs.report_ok
               ? Verdict{"contained", "measured inside, nothing to reach on the host: " +
                                          obs.report_line.substr(3)}
               : Verdict{"blocked", obs.report ? obs.report_line : first_line(obs.run.err)};
  if (s.check.kind == "report" && obs.report_line.find(std::strerror(ENOSYS)) != std::string::npos)
    return {"not-applicable", "the kernel has no such interface here (ENOSYS): " + obs.report_line};
  if (s.check.kind == "trap" || s.check.kind == "report")
    return judge_wasm(s, obs);
  if (s.check.kind == "secret_absent" && s.check.secret == "mount" && host.host_mount().empty())
    return {"not-applicable", "the harness could not mount its marker tmpfs (not root?): no check"};
  if (s.check.kind == "device_unread" && device_hash(host.substitute(s.check.path)).empty())
    return {"not-applicable", "the host harness cannot read " + host.substitute(s.check.path) +
                                  " itself (absent or denied by its device cgroup): no check"};
  if (const std::string effect = effect_after(s, host, obs); !effect.empty()) {
    if (obs.held_private)
      return {"contained",
              effect + " inside the sandbox's own " + s.check.private_ns + " namespace"};
    return {"escaped", effect};
  }
  if (s.check.kind == "no_survivor" && !obs.run.timed_out)
    return {"error", "the loop ended before the timeout: " + first_line(obs.run.err)};
  if (!obs.report)
    return {"error",
            fmt::format("no report (exit {}, signal {}{}): {}", obs.run.exit_code, obs.run.signal,
                        obs.run.timed_out ? ", timed out" : "", first_line(obs.run.err))};
  if (obs.report_ok)
    return {"contained", "succeeded inside, no host effect: " + obs.report_line};
  return {"blocked", obs.report_line};
}

} // namespace isobox::eval::audit
