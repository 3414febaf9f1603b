// The host side of the audit: canaries, secrets, the victim process, tokens and cleanup.
#include "eval/audit/host_env.hpp"

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

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

} // namespace

Result<HostEnv> HostEnv::create(const std::string &work_dir) {
  HostEnv env;
  env.m_work_dir = work_dir;
  char tmpl[] = "/tmp/isobox-audit-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr)
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
  return env;
}

HostEnv::~HostEnv() {
  stop_victim();
  if (!m_canary_dir.empty()) {
    std::error_code ec;
    fs::remove_all(m_canary_dir, ec);
  }
}

Result<void> HostEnv::reset(bool need_victim) {
  m_nonce = fmt::format("n{}x{}", random_hex(12), ++m_runs);
  std::ofstream(m_canary_dir + "/canary") << m_canary_secret << "\n";
  std::ofstream(m_canary_dir + "/victim") << "victim " << m_canary_secret << "\n";
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
  return s;
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
  for (const auto &dir : fs::directory_iterator(m_work_dir, ec)) {
    const std::string name = dir.path().filename().string();
    const std::string sub =
        name == "rootfs" ? dir.path().string() + "/scratch" : dir.path().string();
    if (!name.starts_with("io-") && name != "rootfs")
      continue;
    std::error_code ec2;
    for (const auto &e : fs::directory_iterator(sub, ec2))
      if (e.path().filename().string().starts_with("audit-"))
        fs::remove_all(e.path(), ec2);
  }
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
