// Progress of a bench run on stderr: one updating line on a terminal, plain lines otherwise.
#pragma once

#include <chrono>
#include <string>

namespace isobox::eval {

class Progress {
public:
  /// `total_runs`: how many process runs the whole bench plans (for the ETA).
  Progress(int total_runs, bool tty);
  /// One run (or paired round) finished: backend, workload, which one ("sample 3/10").
  void step(const std::string &backend, const std::string &workload, const std::string &which);
  /// A finished (backend, workload) with its one-line outcome.
  void done(const std::string &line);
  void finish();

private:
  [[nodiscard]] double elapsed() const;
  int m_total;
  int m_done = 0;
  bool m_tty;
  std::chrono::steady_clock::time_point m_start;
};

} // namespace isobox::eval
