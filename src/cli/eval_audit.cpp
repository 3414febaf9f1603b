// `isobox eval audit`: attacks in every sandbox with host-checked verdicts (issue 13); the
// results go into DIR/results.json's "audit" section next to a bench run's, and the report.
#include <filesystem>
#include <unistd.h>

#include "cli/context.hpp"
#include "common/log.hpp"
#include "eval/audit/audit.hpp"
#include "eval/backend.hpp"
#include "eval/machine.hpp"
#include "eval/paths.hpp"
#include "eval/report.hpp"
#include "eval/workloads.hpp"

namespace isobox::cli {
namespace {

struct AuditFlags {
  bool quick = false;
  bool list = false;
  std::string backends;
  std::string scenarios;
  std::string out = "out/eval";
  std::string program_dir;
  std::string scenario_dir;
};

int list_scenarios(const std::vector<eval::audit::Scenario> &all) {
  for (const auto &s : all)
    fmt::print("{:<26} {:<8} {}{}\n", s.id, s.group, s.threat, s.quick ? "" : " (not in --quick)");
  return 0;
}

// The results the audit section joins: DIR/results.json when a bench wrote one, else new.
Result<eval::Results> base_results(const std::string &out, const std::string &isobox) {
  const std::string path = out + "/results.json";
  if (std::filesystem::exists(path))
    return eval::load_results(path);
  eval::Results r;
  const std::string version = eval::first_output_line({isobox, "--version"});
  r.machine = eval::describe_machine(version);
  r.machine.load_after = eval::load_average();
  r.node = r.machine.hostname;
  return r;
}

Result<int> run_audit(const AuditFlags &f) {
  eval::audit::AuditOptions opt;
  opt.quick = f.quick;
  opt.scenario_dir = f.scenario_dir.empty() ? eval::audit::default_scenario_dir() : f.scenario_dir;
  const auto all = ISOBOX_TRY(eval::audit::load_scenarios(opt.scenario_dir));
  if (f.list)
    return list_scenarios(all);
  std::vector<std::string> ids, quick_ids; // --quick alone runs the scenarios marked quick
  for (const auto &s : all) {
    ids.push_back(s.id);
    if (s.quick)
      quick_ids.push_back(s.id);
  }
  auto backends = eval::select_names(f.backends, eval::backend_names(), "backend");
  auto scenarios =
      f.quick && f.scenarios.empty() ? quick_ids : eval::select_names(f.scenarios, ids, "scenario");
  for (const auto *bad : {&backends, &scenarios})
    if (!*bad) {
      log::error("eval audit: {}", bad->error().message);
      return 2;
    }
  opt.backends = *backends;
  opt.scenarios = *scenarios;
  opt.isobox = eval::self_executable();
  opt.program_dir = f.program_dir.empty() ? eval::audit::default_program_dir() : f.program_dir;
  if (!std::filesystem::exists(opt.program_dir + "/hello.native"))
    return make_error("audit programs not found in {} (build them: ninja eval_audit_programs, "
                      "or pass --program-dir)",
                      opt.program_dir);
  std::error_code ec;
  std::filesystem::create_directories(f.out, ec);
  if (ec)
    return make_error("mkdir {}: {}", f.out, ec.message());
  const std::string out = std::filesystem::absolute(f.out).string();
  opt.work_dir = out + "/work-audit";
  std::filesystem::remove_all(opt.work_dir, ec);
  std::filesystem::create_directories(opt.work_dir, ec);
  opt.tty = ::isatty(2) != 0;
  eval::Results results = ISOBOX_TRY(base_results(out, opt.isobox));
  auto section = eval::audit::run_audit(opt);
  std::filesystem::remove_all(opt.work_dir, ec);
  if (!section)
    return std::unexpected(section.error());
  results.version = eval::kSchemaVersion;
  results.other_sections["audit"] = *section;
  ISOBOX_CHECK(eval::write_reports({results}, out));
  const int bad = eval::audit::mismatches(*section);
  fmt::print("report: {}/report.html (also report.md, results.json); {} unexpected verdict(s)\n",
             out, bad);
  return bad == 0 ? 0 : 3;
}

} // namespace

void register_eval_audit(CLI::App &eval, Context &ctx) {
  auto flags = std::make_shared<AuditFlags>();
  CLI::App *cmd = eval.add_subcommand("audit", "run the same attacks in every sandbox, check the "
                                               "host, report verdicts");
  cmd->add_flag("--quick", flags->quick, "shorter timeouts (about a minute)");
  cmd->add_flag("--list", flags->list, "print the scenarios with their threats and exit");
  cmd->add_option("--backends", flags->backends, "comma-separated backends (default: all)");
  cmd->add_option("--scenarios", flags->scenarios, "comma-separated scenario ids (default: all)");
  cmd->add_option("--out", flags->out, "output directory (joins its results.json)")
      ->capture_default_str();
  cmd->add_option("--program-dir", flags->program_dir, "where <program>.native/.wasm are");
  cmd->add_option("--scenario-dir", flags->scenario_dir, "where <scenario>.json are");
  cmd->callback([flags, &ctx] { ctx.exit_code = finish("eval audit", run_audit(*flags)); });
}

} // namespace isobox::cli
