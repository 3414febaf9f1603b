// What the report concludes: the headline row per backend and verdicts derived from the data.
#pragma once

#include <string>
#include <vector>

#include "eval/results.hpp"

namespace isobox::eval {

/// One backend's headline figures; 0 means "not measured".
struct HeadlineRow {
  std::string backend;
  std::string kind;
  bool available = false;
  std::string skip_reason;
  double startup_ms = 0;      // median of hello, process start to exit
  double compute_geomean = 0; // geomean over compute kernels of the paired median ratio
  int kernels = 0;            // kernels in that geomean
  int kernels_failed = 0;
  long hello_rss_kib = 0;  // peak memory of the hello run
  long memory_rss_kib = 0; // peak memory of the memory workload
  long density_fits = 0;
  double density_kib = 0;
};

std::vector<HeadlineRow> headline(const Results &r);

/// Where startup cost stops mattering between a Wasm backend and a container backend.
struct Crossover {
  std::string wasm;
  std::string container;
  bool found = false;        // lines cross at a positive size
  double size = 0;           // work size where total times are equal
  double native_ms = 0;      // native's time for that much work (the task length it means)
  bool extrapolated = false; // the crossing lies beyond the largest size measured
  std::string winner_below;  // who is faster for smaller tasks
  std::string winner_above;
};
std::vector<Crossover> crossovers(const Results &r);

/// Plain-language verdicts ("for short-lived tasks under X ms, ... wins on this node").
std::vector<std::string> verdicts(const Results &r);

const Measurement *find_measurement(const Results &r, const std::string &backend,
                                    const std::string &workload);

} // namespace isobox::eval
