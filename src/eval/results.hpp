// The eval's results: what results.json holds (schema "isobox-eval", version 2; docs/eval.md).
// Sections: "bench" today; other parts of the evaluation (the audit) add their own section.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "eval/stats.hpp"

namespace isobox::eval {

inline constexpr int kSchemaVersion = 2; // 2: the "audit" section (issue 13); 1 is still read
inline constexpr const char *kSchemaName = "isobox-eval";

/// The node the run happened on.
struct Machine {
  std::string hostname;
  std::string cpu_model;
  int cores = 0;
  std::string kernel;
  std::string cgroup_mode;
  std::string governor;
  std::vector<double> load_before;
  std::vector<double> load_after;
  std::string isobox_version;
  std::string started_utc;
  double duration_s = 0;
};

/// One sandbox under test. `available == false` means skipped, with `skip_reason`.
struct BackendInfo {
  std::string name;
  std::string kind; // "baseline", "container" or "wasm"
  bool available = false;
  std::string skip_reason;
  std::string version;
  std::string command; // the command line template, {workload} and {args} as placeholders
  std::string memory_method;
  std::vector<std::string> notes;
};

/// One (backend, workload) timing: samples in seconds, and the ratio to native from paired runs.
struct Measurement {
  std::string backend;
  std::string workload;
  std::string kind; // "startup", "compute", "memory", "io"
  int size = 0;
  bool ok = false;
  std::string error;
  std::vector<double> samples_s;
  Summary summary;
  std::vector<double> ratios; // backend / native per paired round (empty for native)
  double ratio_median = 0;
  Interval ratio_ci;
  long peak_rss_kib = 0;
};

/// How many idle instances of a backend fit in a memory budget.
struct Density {
  std::string backend;
  bool ok = false;
  std::string error;
  int budget_mib = 0;
  int instances = 0;           // started and measured together
  double per_instance_kib = 0; // proportional set size of each instance's processes
  long fits = 0;               // floor(budget / per_instance)
  bool extrapolated = false;   // fits > instances: the budget was not filled for real
};

/// Total time against work size for one backend (the crossover curves).
struct CrossoverCurve {
  std::string backend;
  std::string workload;
  std::vector<int> sizes;
  std::vector<double> median_s;
  LinearFit fit; // seconds = intercept + slope * size
};

struct BenchSection {
  bool quick = false;
  int samples = 0;
  int warmup = 0;
  std::vector<std::string> workloads;
  std::vector<Measurement> measurements;
  std::vector<Density> density;
  std::vector<CrossoverCurve> crossover;
  /// Engines: in-process instantiate time of hello.wasm (kind "instantiate", no ratios).
  std::vector<Measurement> instantiate;
  std::string density_method;
  std::string crossover_workload;
};

/// A whole results.json. Sections this build does not know are kept as raw JSON.
struct Results {
  int version = kSchemaVersion;
  std::string node;
  Machine machine;
  std::vector<BackendInfo> backends;
  bool has_bench = false;
  BenchSection bench;
  std::map<std::string, nlohmann::json> other_sections;
};

nlohmann::json to_json(const Results &results);
/// Parses results.json text; wrong schema name or version is an error.
Result<Results> results_from_json(const nlohmann::json &doc);
Result<Results> load_results(const std::string &path);
Result<void> save_results(const Results &results, const std::string &path);

} // namespace isobox::eval
