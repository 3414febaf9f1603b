// Progress of a bench run on stderr: one updating line on a terminal, plain lines otherwise.
#include "eval/progress.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace isobox::eval {

Progress::Progress(int total_runs, bool tty)
    : m_total(std::max(total_runs, 1)), m_tty(tty), m_start(std::chrono::steady_clock::now()) {}

double Progress::elapsed() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
}

void Progress::step(const std::string &backend, const std::string &workload,
                    const std::string &which) {
  m_done = std::min(m_done + 1, m_total);
  if (!m_tty)
    return;
  const double t = elapsed();
  const double eta = t / m_done * (m_total - m_done);
  fmt::print(stderr, "\r\033[K[{:3}%] {:<22} {:<11} {}  elapsed {:.0f}s  ETA {:.0f}s",
             m_done * 100 / m_total, backend, workload, which, t, eta);
}

void Progress::done(const std::string &line) {
  if (m_tty)
    fmt::print(stderr, "\r\033[K{}\n", line);
  else
    fmt::print(stderr, "[{:.0f}s] {}\n", elapsed(), line);
}

void Progress::finish() {
  if (m_tty)
    fmt::print(stderr, "\r\033[K");
  fmt::print(stderr, "bench finished in {:.0f}s\n", elapsed());
}

} // namespace isobox::eval
