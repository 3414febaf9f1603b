// `isobox eval ...`: bench (measure every sandbox on this node), report, merge.
#include <filesystem>
#include <unistd.h>

#include "cli/context.hpp"
#include "common/log.hpp"
#include "eval/backend.hpp"
#include "eval/bench.hpp"
#include "eval/paths.hpp"
#include "eval/report.hpp"
#include "eval/workloads.hpp"

namespace isobox::cli {
namespace {

struct BenchFlags {
  bool quick = false;
  int samples = 0;
  std::string backends;
  std::string workloads;
  std::string out = "out/eval";
  std::string workload_dir;
  bool no_density = false;
  bool no_crossover = false;
};

std::vector<std::string> workload_names() {
  std::vector<std::string> names;
  for (const auto &w : eval::all_workloads())
    names.push_back(w.name);
  return names;
}

Result<int> run_bench(const BenchFlags &f) {
  eval::BenchOptions opt;
  opt.quick = f.quick;
  opt.samples = f.samples;
  auto backends = eval::select_names(f.backends, eval::backend_names(), "backend");
  auto workloads = eval::select_names(f.workloads, workload_names(), "workload");
  for (const auto *bad : {&backends, &workloads})
    if (!*bad) { // a usage error: exit 2 like CLI11's
      log::error("eval bench: {}", bad->error().message);
      return 2;
    }
  opt.backends = *backends;
  opt.workloads = *workloads;
  opt.density = !f.no_density;
  opt.crossover = !f.no_crossover;
  opt.isobox = eval::self_executable();
  opt.workload_dir = f.workload_dir.empty() ? eval::default_workload_dir() : f.workload_dir;
  if (!std::filesystem::exists(opt.workload_dir + "/hello.native"))
    return make_error("workloads not found in {} (build them: ninja eval_workloads, or pass "
                      "--workload-dir)",
                      opt.workload_dir);
  std::error_code ec;
  std::filesystem::create_directories(f.out, ec);
  if (ec)
    return make_error("mkdir {}: {}", f.out, ec.message());
  const std::string out = std::filesystem::absolute(f.out).string();
  opt.work_dir = out + "/work";
  opt.tty = ::isatty(2) != 0;
  auto results = eval::run_bench(opt);
  std::filesystem::remove_all(opt.work_dir, ec);
  if (!results)
    return std::unexpected(results.error());
  ISOBOX_CHECK(eval::write_reports({*results}, out));
  fmt::print("report: {}/report.html (also report.md, results.json)\n", out);
  return 0;
}

void add_bench(CLI::App &eval, Context &ctx) {
  auto flags = std::make_shared<BenchFlags>();
  CLI::App *cmd = eval.add_subcommand("bench", "measure containers and WebAssembly on this node");
  cmd->add_flag("--quick", flags->quick, "small sizes and few samples (about a minute)");
  cmd->add_option("--samples", flags->samples, "timed samples per measurement")
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--backends", flags->backends, "comma-separated backends (default: all)");
  cmd->add_option("--workloads", flags->workloads, "comma-separated workloads (default: all)");
  cmd->add_option("--out", flags->out, "output directory")->capture_default_str();
  cmd->add_option("--workload-dir", flags->workload_dir, "where <name>.native/.wasm are");
  cmd->add_flag("--no-density", flags->no_density, "skip the density measurement");
  cmd->add_flag("--no-crossover", flags->no_crossover, "skip the crossover sweep");
  cmd->callback([flags, &ctx] { ctx.exit_code = finish("eval bench", run_bench(*flags)); });
}

Result<int> merge(const std::vector<std::string> &inputs, const std::string &out) {
  std::vector<eval::Results> all;
  for (const auto &path : inputs)
    all.push_back(ISOBOX_TRY(eval::load_results(path)));
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  if (ec)
    return make_error("mkdir {}: {}", out, ec.message());
  ISOBOX_CHECK(eval::write_reports(all, out));
  fmt::print("report: {}/report.html{}\n", out,
             all.size() > 1 ? fmt::format(" ({} nodes)", all.size()) : "");
  return 0;
}

void add_merge_and_report(CLI::App &eval, Context &ctx) {
  auto inputs = std::make_shared<std::vector<std::string>>();
  auto out = std::make_shared<std::string>("out/eval-merged");
  CLI::App *m = eval.add_subcommand("merge", "combine results.json files: a column per node");
  m->add_option("results", *inputs, "results.json files")->required();
  m->add_option("--out", *out, "output directory")->capture_default_str();
  m->callback([inputs, out, &ctx] { ctx.exit_code = finish("eval merge", merge(*inputs, *out)); });

  auto input = std::make_shared<std::string>();
  auto rout = std::make_shared<std::string>();
  CLI::App *r = eval.add_subcommand("report", "rewrite report.md and report.html from results");
  r->add_option("results", *input, "results.json")->required();
  r->add_option("--out", *rout, "output directory (default: the results file's)");
  r->callback([input, rout, &ctx] {
    const std::string dir =
        rout->empty() ? std::filesystem::path(*input).parent_path().string() : *rout;
    ctx.exit_code = finish("eval report", merge({*input}, dir.empty() ? "." : dir));
  });
}

} // namespace

void register_eval_commands(CLI::App &app, Context &ctx) {
  CLI::App *eval = app.add_subcommand("eval", "measure the sandboxes on this node");
  eval->require_subcommand(1);
  add_bench(*eval, ctx);
  add_merge_and_report(*eval, ctx);
  register_eval_audit(*eval, ctx);
}

} // namespace isobox::cli
