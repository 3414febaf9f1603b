// One timed, checked run of a workload in a backend; shared by the bench's measurement parts.
#pragma once

#include "eval/backend.hpp"
#include "eval/progress.hpp"

namespace isobox::eval {

/// A run that ended with exit 0 and the expected output line; `peak_kib` from the backend.
struct CheckedRun {
  double seconds = 0;
  long peak_kib = 0;
  std::string output;
};

/// Runs `spec` in `backend`; an error says what went wrong (exit status, stderr, wrong output).
/// `expected` empty accepts any output (the native reference run).
/// `probe`: run under the rusage_exec helper (a memory run, not a timing run).
Result<CheckedRun> checked_run(Backend &backend, const RunSpec &spec, const std::string &expected,
                               double timeout_s, const std::string &probe = "");

/// The arguments of a workload at a size: {size} plus the directory token when it needs one.
RunSpec make_spec(const std::string &workload, int size, bool needs_dir);

/// Density: starts up to `cap` idle instances, sums their processes' PSS, extrapolates.
Density measure_density(Backend &backend, int budget_mib, int cap);

/// PSS in KiB of `pid` and all its descendants (/proc/<pid>/smaps_rollup).
long tree_pss_kib(int pid);

} // namespace isobox::eval
