// `isobox eval audit`: the same attacks in every sandbox, verdicts decided on the host
// (issue 13; docs/eval.md). The results are the "audit" section of results.json.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "eval/audit/scenario.hpp"

namespace isobox::eval::audit {

struct AuditOptions {
  bool quick = false;
  std::vector<std::string> backends;  // validated names
  std::vector<std::string> scenarios; // validated ids
  std::string isobox;
  std::string program_dir;  // <program>.native / .wasm and hello
  std::string scenario_dir; // <id>.json
  std::string work_dir;
  bool tty = false;
};

/// One (scenario, backend) cell of the verdict matrix.
struct Outcome {
  std::string scenario;
  std::string backend;
  std::string verdict;
  std::string expected;
  std::string detail;
};

/// Runs the audit; errors only for harness failures (setup), never for a verdict.
/// Returns the "audit" section: {version, quick, scenarios[], backends[], outcomes[], counts,
/// mismatches}.
Result<nlohmann::json> run_audit(const AuditOptions &options);

/// The number of outcomes whose verdict differs from the expected one.
int mismatches(const nlohmann::json &section);

} // namespace isobox::eval::audit
