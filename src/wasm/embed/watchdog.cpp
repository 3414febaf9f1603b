// The --timeout watchdog thread (see watchdog.hpp).
#include "wasm/embed/watchdog.hpp"

#include <unistd.h>

#include "wasm/embed/run_module.hpp"

namespace isobox::wasm::embed {

Watchdog::Watchdog(std::atomic<bool> &flag, uint64_t ms, std::function<void()> before_exit)
    : m_before_exit(std::move(before_exit)), m_thread([this, &flag, ms] { run(flag, ms); }) {
  std::unique_lock lock(m_mutex);
  m_cv.wait(lock, [this] { return m_started; });
}

Watchdog::~Watchdog() {
  {
    std::lock_guard lock(m_mutex);
    m_done = true;
  }
  m_cv.notify_all();
  m_thread.join();
}

void Watchdog::run(std::atomic<bool> &flag, uint64_t ms) {
  std::unique_lock lock(m_mutex);
  m_started = true;
  m_cv.notify_all();
  // steady_clock deadline arithmetic: `ms` is bounded by the caller (kMaxTimeoutMs).
  if (m_cv.wait_for(lock, std::chrono::milliseconds(ms), [this] { return m_done; }))
    return;
  flag.store(true);
  if (m_cv.wait_for(lock, kGrace, [this] { return m_done; }))
    return;
  if (m_before_exit)
    m_before_exit();
  static constexpr char kMsg[] = "isobox: trap: interrupted\n";
  (void)!::write(STDERR_FILENO, kMsg, sizeof kMsg - 1);
  ::_exit(kTrapExitCode);
}

} // namespace isobox::wasm::embed
