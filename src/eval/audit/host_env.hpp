// The host side of the audit: canaries in a temp dir, secrets, a victim process, the tokens a
// scenario's arguments use, and cleanup of whatever a (native) attack left on the host.
#pragma once

#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/unique_fd.hpp"
#include "eval/audit/ro_grant.hpp"
#include "eval/process.hpp"

namespace isobox::eval::audit {

/// Argument tokens: {canary}, {canary_dir}, {victim}, {marker}, {disk}, {nonce}, {port} (the
/// loopback listener), {iface} (a host network interface) (substrings);
/// {dir} (a whole argument) is the backend's writable directory, {rodir} its read-only grant
/// (<work>/ro-grant, refilled before each run: ro_grant.hpp), both substituted by the backend.
class HostEnv {
public:
  static Result<HostEnv> create(const std::string &work_dir);
  HostEnv() = default;
  HostEnv(HostEnv &&) = default;
  HostEnv &operator=(HostEnv &&) = default;
  ~HostEnv();

  /// Fresh canary and victim files, a fresh nonce; starts the victim process when asked.
  Result<void> reset(bool need_victim);
  /// `arg` with the substring tokens replaced.
  [[nodiscard]] std::string substitute(const std::string &arg) const;
  /// The backends' writable directories as the host sees them (io-* and the rootfs's scratch).
  [[nodiscard]] std::vector<std::string> writable_dirs() const;
  /// Removes what an attack may have left: planted links, mounts, keys, written files.
  void cleanup_after_run();

  [[nodiscard]] const std::string &nonce() const { return m_nonce; }
  [[nodiscard]] std::string marker() const { return "isobox-audit-" + m_nonce; }
  [[nodiscard]] const std::string &canary_secret() const { return m_canary_secret; }
  [[nodiscard]] const std::string &env_secret() const { return m_env_secret; }
  [[nodiscard]] const std::string &hostname() const { return m_hostname; }
  [[nodiscard]] const std::string &kernel_release() const { return m_kernel; }
  [[nodiscard]] const std::string &canary_dir() const { return m_canary_dir; }
  [[nodiscard]] const std::string &disk() const { return m_disk; }
  [[nodiscard]] const std::string &mac() const { return m_mac; }
  /// The source name of a tmpfs the harness mounted on the host ("" when it could not).
  [[nodiscard]] const std::string &host_mount() const { return m_host_mount; }
  /// The host path of the OCI backends' shared rootfs.
  [[nodiscard]] std::string rootfs_path() const { return m_work_dir + "/rootfs"; }
  [[nodiscard]] pid_t victim() const { return m_victim.pid; }
  /// What changed in the read-only grant's tree since the last reset ("" = nothing).
  [[nodiscard]] std::string ro_grant_change() const;
  /// What reached the loopback listener since the last reset ("" = no connection).
  std::string listener_effect();
  /// Whether the victim process is still running (reaps it when it died).
  bool victim_alive();

private:
  void stop_victim();

  std::string m_work_dir;
  std::string m_canary_dir;
  std::string m_canary_secret;
  std::string m_env_secret;
  std::string m_hostname;
  std::string m_kernel;
  std::string m_disk;
  std::string m_nonce;
  std::string m_iface; // first interface with a non-zero MAC, its address is m_mac
  std::string m_mac;
  std::string m_host_mount; // a tmpfs's source on <canary_dir>/mnt, the secret of proc_mounts_leak
  TreeSnapshot m_ro_tree;   // the read-only grant as reset() left it
  UniqueFd m_listener;      // TCP on 127.0.0.1:m_port, non-blocking
  int m_port = 0;
  unsigned m_runs = 0;
  RunningChild m_victim;
};

/// FNV-1a of the first 4096 bytes of `path` as 16 hex digits (what kernel_reach prints), "" when
/// the host cannot read it.
std::string device_hash(const std::string &path);
/// Lines of `path` (e.g. /proc/self/mountinfo) that contain `needle`.
std::vector<std::string> lines_with(const std::string &path, const std::string &needle);

} // namespace isobox::eval::audit
