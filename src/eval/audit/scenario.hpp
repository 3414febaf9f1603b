// The audit's scenarios as data: one JSON file each (src/eval/audit/scenarios/, docs/eval.md).
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"

namespace isobox::eval::audit {

/// What the harness looks at on the host after (or while holding) a run; see host_check.cpp.
struct Check {
  std::string kind;       // secret_absent, file_absent, canary_intact, tree_intact, ...
  std::string secret;     // secret_absent: canary, hostname, kernel, env
  std::string path;       // file_absent, canary_intact, device_unread (tokens allowed)
  std::string fd;         // object_absent: prefix of the /proc/<pid>/fd link
  std::string private_ns; // object_absent: held inside this private namespace = contained
};

struct Scenario {
  std::string id;
  std::string group; // files, leaks, kernel, wasm
  std::string threat;
  std::string attempt;
  std::string program; // <program>.native / <program>.wasm in the program directory
  std::vector<std::string> args;
  Check check;
  std::string host_check;                      // what the check means, for the report
  std::map<std::string, std::string> expected; // backend name or kind -> verdict
  double timeout_s = 0;                        // 0: the run's default (15 s quick, 30 s full)
  bool symlink_race = false; // the host swaps <dir>/audit-race-<nonce> during the run (race.hpp)
  bool quick = true;         // in a --quick run's default selection (false: full runs, or named)
  /// Set: no program; why the harness cannot drive it and which test covers it.
  std::string modelled_by;
  /// >= 0: the OCI backends run the program as this uid/gid (native programs drop to it).
  int user = -1;
  /// "suid" or "fcap": a root-owned helper the harness places in <dir> (privileged_helper.hpp).
  std::string privileged_helper;

  /// The expected verdict: by backend name, else by kind ("native" for the baseline).
  [[nodiscard]] std::string expected_for(const std::string &backend, const std::string &kind) const;
  /// Whether the scenario is only modelled (a runtime-side race, covered by tests/oci).
  [[nodiscard]] bool modelled() const { return !modelled_by.empty(); }
  /// Whether the program holds its object until stdin closes (kernel_reach).
  [[nodiscard]] bool holds() const { return program == "kernel_reach"; }
};

inline const std::vector<std::string> &verdict_names() {
  static const std::vector<std::string> names = {
      "blocked", "contained", "escaped", "not-expressible", "not-applicable", "crashed", "error"};
  return names;
}

Result<Scenario> parse_scenario(const nlohmann::json &doc);
/// Every *.json under `dir`, sorted by group then id.
Result<std::vector<Scenario>> load_scenarios(const std::string &dir);
/// $ISOBOX_EVAL_AUDIT_SCENARIOS, else the source tree's scenario folder.
std::string default_scenario_dir();
/// $ISOBOX_EVAL_AUDIT_PROGRAMS, else the build tree's eval-audit directory.
std::string default_program_dir();

} // namespace isobox::eval::audit
