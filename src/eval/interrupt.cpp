// Ctrl-C during a bench: the harness finishes the run in flight, cleans up and exits non-zero.
#include "eval/interrupt.hpp"

#include <atomic>
#include <csignal>

namespace isobox::eval {
namespace {

std::atomic<bool> g_interrupted{false};

void on_signal(int) { g_interrupted.store(true); }

} // namespace

void install_interrupt_handler() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
}

bool interrupted() { return g_interrupted.load(); }

} // namespace isobox::eval
