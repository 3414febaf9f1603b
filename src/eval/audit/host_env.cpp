// The host side of the audit: canaries, secrets, the victim process, tokens and cleanup.
#include "eval/audit/host_env.hpp"

#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <random>
#include <sstream>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "eval/backend.hpp"

namespace isobox::eval::audit {

namespace fs = std::filesystem;

namespace {

std::string random_hex(int digits) {
  static std::mt19937_64 rng{std::random_device{}()};
  std::string out;
  while (static_cast<int>(out.size()) < digits)
    out += fmt::format("{:016x}", rng());
  return out.substr(0, static_cast<std::size_t>(digits));
}

void replace_all(std::string &s, const std::string &from, const std::string &to) {
  for (std::size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size())
    s.replace(pos, from.size(), to);
}

std::string first_disk() {
  for (const char *d : {"/dev/vda", "/dev/sda", "/dev/nvme0n1", "/dev/xvda"})
    if (fs::exists(d))
      return d;
  return "";
}

// The first interface in /sys/class/net with a non-zero MAC: {name, address}.
std::pair<std::string, std::string> host_mac() {
  std::error_code ec;
  for (const auto &entry : fs::directory_iterator("/sys/class/net", ec)) {
    std::string mac;
    std::ifstream(entry.path() / "address") >> mac;
    if (!mac.empty() && mac != "00:00:00:00:00:00")
      return {entry.path().filename().string(), mac};
  }
  return {"no-interface", "no-mac-found"};
}

// A non-blocking TCP listener on 127.0.0.1, any port.
Result<std::pair<UniqueFd, int>> loopback_listener() {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (!fd || ::bind(fd.get(), reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 ||
      ::listen(fd.get(), 8) != 0 ||
      ::getsockname(fd.get(), reinterpret_cast<sockaddr *>(&addr), &len) != 0)
    return sys_error("loopback listener");
  return std::pair{std::move(fd), static_cast<int>(ntohs(addr.sin_port))};
}

} // namespace

Result<HostEnv> HostEnv::create(const std::string &work_dir) {
  HostEnv env;
  env.m_work_dir = work_dir;
  // The harness's pid in both names lets a test check that this run left neither behind.
  std::string tmpl = fmt::format("/tmp/isobox-audit-{}-XXXXXX", ::getpid());
  if (::mkdtemp(tmpl.data()) == nullptr)
    return sys_error("mkdtemp {}", tmpl);
  env.m_canary_dir = tmpl;
  env.m_canary_secret = "canary-" + random_hex(24);
  env.m_env_secret = "envsecret-" + random_hex(24);
  ::setenv("ISOBOX_AUDIT_SECRET", env.m_env_secret.c_str(), 1);
  utsname u{};
  ::uname(&u);
  env.m_hostname = u.nodename;
  env.m_kernel = u.release;
  env.m_disk = first_disk();
  std::tie(env.m_iface, env.m_mac) = host_mac();
  const std::string source = fmt::format("isobox-audit-hostmount-{}-{}", ::getpid(), random_hex(8));
  const std::string target = env.m_canary_dir + "/mnt";
  if (::mkdir(target.c_str(), 0755) == 0 &&
      ::mount(source.c_str(), target.c_str(), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
              "size=16k") == 0)
    env.m_host_mount = source;
  auto [listener, port] = ISOBOX_TRY(loopback_listener());
  env.m_listener = std::move(listener);
  env.m_port = port;
  return env;
}

HostEnv::~HostEnv() {
  stop_victim();
  if (!m_host_mount.empty())
    ::umount2((m_canary_dir + "/mnt").c_str(), MNT_DETACH);
  if (!m_canary_dir.empty()) {
    std::error_code ec;
    fs::remove_all(m_canary_dir, ec);
  }
}

Result<void> HostEnv::reset(bool need_victim) {
  m_nonce = fmt::format("n{}x{}", random_hex(12), ++m_runs);
  std::ofstream(m_canary_dir + "/canary") << m_canary_secret << "\n";
  std::ofstream(m_canary_dir + "/victim") << "victim " << m_canary_secret << "\n";
  ISOBOX_CHECK(fill_ro_grant(ro_grant_dir(m_work_dir), m_canary_secret));
  m_ro_tree = snapshot_tree(ro_grant_dir(m_work_dir));
  (void)listener_effect(); // drop what an earlier run left queued
  if (!need_victim || victim_alive())
    return {};
  stop_victim();
  m_victim = ISOBOX_TRY(spawn_child(Command{{"sleep", "600"}, ""}));
  return {};
}

std::string HostEnv::substitute(const std::string &arg) const {
  std::string s = arg;
  replace_all(s, "{canary_dir}", m_canary_dir);
  replace_all(s, "{canary}", m_canary_dir + "/canary");
  replace_all(s, "{victim}", std::to_string(m_victim.pid));
  replace_all(s, "{marker}", marker());
  replace_all(s, "{disk}", m_disk.empty() ? "/dev/no-disk-found" : m_disk);
  replace_all(s, "{nonce}", m_nonce);
  replace_all(s, "{port}", std::to_string(m_port));
  replace_all(s, "{iface}", m_iface);
  return s;
}

std::string HostEnv::ro_grant_change() const {
  return tree_change(m_ro_tree, snapshot_tree(ro_grant_dir(m_work_dir)));
}

std::string HostEnv::listener_effect() {
  std::string effect;
  for (;;) {
    UniqueFd conn(::accept4(m_listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!conn)
      return effect;
    char buf[128] = {};
    ::usleep(100000); // the sender writes right after connecting
    const ssize_t n = ::recv(conn.get(), buf, sizeof buf - 1, MSG_DONTWAIT);
    const std::string got(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
    effect = got.find(m_nonce) != std::string::npos
                 ? "the host's loopback listener accepted a connection carrying the run's nonce"
                 : "the host's loopback listener accepted a connection";
  }
}

bool HostEnv::victim_alive() {
  if (m_victim.pid <= 0)
    return false;
  int status = 0;
  if (::waitpid(m_victim.pid, &status, WNOHANG) == 0)
    return true;
  m_victim.pid = -1;
  return false;
}

void HostEnv::stop_victim() {
  if (m_victim.pid > 0) {
    ::kill(m_victim.pid, SIGKILL);
    finish_child(m_victim, 5);
  }
}

void HostEnv::cleanup_after_run() {
  for (const auto &line : lines_with("/proc/self/mountinfo", marker())) {
    std::istringstream in(line);
    std::string id, parent, dev, root, mount_point;
    in >> id >> parent >> dev >> root >> mount_point;
    ::umount2(mount_point.c_str(), MNT_DETACH);
  }
  for (const auto &line : lines_with("/proc/keys", marker()))
    ::syscall(SYS_keyctl, 21 /* KEYCTL_INVALIDATE */, std::stol(line, nullptr, 16));
  std::error_code ec;
  for (const auto &entry : fs::directory_iterator(m_canary_dir, ec))
    if (entry.path().filename().string().starts_with("written-"))
      fs::remove(entry.path(), ec);
  // Links and mount points the programs planted in their writable directories.
  for (const auto &dir : writable_dirs())
    for (const auto &e : fs::directory_iterator(dir, ec))
      if (e.path().filename().string().starts_with("audit-"))
        fs::remove_all(e.path(), ec);
}

std::vector<std::string> HostEnv::writable_dirs() const {
  std::vector<std::string> dirs;
  std::error_code ec;
  for (const auto &dir : fs::directory_iterator(m_work_dir, ec)) {
    const std::string name = dir.path().filename().string();
    if (name.starts_with("io-"))
      dirs.push_back(dir.path().string());
    else if (name == "rootfs")
      dirs.push_back(dir.path().string() + "/scratch");
  }
  return dirs;
}

std::string device_hash(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  char buf[4096];
  in.read(buf, sizeof buf);
  const auto n = in.gcount();
  if (n <= 0)
    return "";
  unsigned long long h = 1469598103934665603ULL;
  for (std::streamsize i = 0; i < n; i++)
    h = (h ^ static_cast<unsigned char>(buf[i])) * 1099511628211ULL;
  return fmt::format("{:016x}", h);
}

std::vector<std::string> lines_with(const std::string &path, const std::string &needle) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);)
    if (line.find(needle) != std::string::npos)
      out.push_back(line);
  return out;
}

} // namespace isobox::eval::audit
