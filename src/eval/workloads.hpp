// The eval's workloads as data: name, kind, what shape of work, sizes for quick and full runs.
#pragma once

#include <string>
#include <vector>

#include "common/error.hpp"

namespace isobox::eval {

/// One workload program (<name>.native and <name>.wasm in the workload directory).
/// Every workload prints one line the harness checks: `expected` when set, else the native
/// run's output for the same size.
struct Workload {
  std::string name;
  std::string kind; // "startup", "compute", "memory", "io"
  std::string shape;
  int quick_size = 0;
  int full_size = 0;
  bool needs_dir = false; // takes a writable directory as argv[2]
  std::string expected;
};

/// Every workload `eval bench` knows, in report order.
const std::vector<Workload> &all_workloads();
const Workload *find_workload(const std::string &name);

/// The idle program used for density (not a timed workload).
inline constexpr const char *kIdleWorkload = "idle";
/// The kernel whose size sweeps draw the crossover curves, and its sizes.
inline constexpr const char *kCrossoverWorkload = "nbody";
std::vector<int> crossover_sizes(bool quick);

/// Splits a comma-separated selection and checks each name against `valid`; an unknown name
/// is one error listing the valid ones. An empty selection means all of `valid`.
Result<std::vector<std::string>> select_names(const std::string &selection,
                                              const std::vector<std::string> &valid,
                                              const std::string &what);

} // namespace isobox::eval
