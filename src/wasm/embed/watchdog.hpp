// The --timeout watchdog: a thread that interrupts the guest, then ends the process if it must.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

namespace isobox::wasm::embed {

/// Sets the interrupt flag after `ms`, unless cancelled first (the run finished). The
/// interpreter checks the flag at loop heads and calls; work that cannot see it (a guest blocked
/// in a host call, a long validation) is ended after a grace period: the watchdog calls
/// `before_exit` (async-signal-safe work only), prints the trap line and _exits with 134.
class Watchdog {
public:
  static constexpr auto kGrace = std::chrono::milliseconds(500);

  /// Starts the thread and waits until it runs: its start-up syscalls (rseq, set_robust_list)
  /// must happen before the seccomp filter, which TSYNC also applies to this thread.
  Watchdog(std::atomic<bool> &flag, uint64_t ms, std::function<void()> before_exit);
  ~Watchdog(); ///< cancels and joins
  Watchdog(const Watchdog &) = delete;
  Watchdog &operator=(const Watchdog &) = delete;

private:
  void run(std::atomic<bool> &flag, uint64_t ms);

  std::function<void()> m_before_exit;
  std::mutex m_mutex;
  std::condition_variable m_cv;
  bool m_done = false;
  bool m_started = false;
  std::thread m_thread;
};

} // namespace isobox::wasm::embed
