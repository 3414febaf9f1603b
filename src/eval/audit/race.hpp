// The host side of the symlink race scenario: a thread that keeps swapping a name in every
// backend's writable directory between a decoy file and a symlink to the canary.
#pragma once

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace isobox::eval::audit {

/// Swaps <dir>/<name> (a decoy file <-> a symlink to `target`) in each of `dirs` by rename(2),
/// from construction until destruction.
class SymlinkRacer {
public:
  SymlinkRacer(std::vector<std::string> dirs, std::string name, std::string target);
  ~SymlinkRacer();
  SymlinkRacer(const SymlinkRacer &) = delete;
  SymlinkRacer &operator=(const SymlinkRacer &) = delete;

  /// How many swaps were made (each one a rename in every directory).
  [[nodiscard]] long swaps() const { return m_swaps.load(); }

private:
  void swap_once(bool to_link);

  std::vector<std::string> m_dirs;
  std::string m_name;
  std::string m_target;
  std::atomic<bool> m_stop{false};
  std::atomic<long> m_swaps{0};
  std::thread m_thread;
};

} // namespace isobox::eval::audit
