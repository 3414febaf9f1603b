// `isobox eval bench`: runs every selected workload in every available backend and measures.
#pragma once

#include <string>
#include <vector>

#include "eval/results.hpp"

namespace isobox::eval {

struct BenchOptions {
  bool quick = false;
  int samples = 0; // 0: 5 with --quick, 10 otherwise
  int warmup = 1;
  std::vector<std::string> backends;  // already validated names
  std::vector<std::string> workloads; // already validated names
  bool density = true;
  bool crossover = true;
  std::string isobox;       // the isobox binary the isobox-* backends run
  std::string workload_dir; // <name>.native and <name>.wasm
  std::string work_dir;     // scratch: rootfs, bundles, I/O directories
  bool tty = false;
};

/// Runs the bench; errors only for harness failures (a failing workload or backend is recorded
/// in the results instead).
Result<Results> run_bench(const BenchOptions &options);

/// Samples per measurement when `options.samples` is 0.
int default_samples(bool quick);

} // namespace isobox::eval
