// One timed, checked run of a workload in a backend, and the density measurement.
#include "eval/bench_runner.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace isobox::eval {

Result<CheckedRun> checked_run(Backend &backend, const RunSpec &spec, const std::string &expected,
                               double timeout_s, const std::string &probe) {
  auto cmd = ISOBOX_TRY(backend.command(spec));
  backend.before_run();
  auto r = ISOBOX_TRY(run_command(cmd, timeout_s, probe));
  if (r.timed_out)
    return make_error("timed out after {:.0f} s", timeout_s);
  if (r.exit_code != 0) {
    std::string why = r.err.substr(0, r.err.find('\n'));
    return make_error("exit {}{}{}",
                      r.signal ? fmt::format("by signal {}", r.signal)
                               : std::to_string(r.exit_code),
                      why.empty() ? "" : ": ", why);
  }
  std::string out = r.out;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r'))
    out.pop_back();
  if (!expected.empty() && out != expected)
    return make_error("wrong output: got '{}', expected '{}'", out.substr(0, 80), expected);
  return CheckedRun{r.seconds, backend.peak_rss_kib(r), out};
}

RunSpec make_spec(const std::string &workload, int size, bool needs_dir) {
  RunSpec spec{workload, {}};
  if (size > 0)
    spec.args.push_back(std::to_string(size));
  if (needs_dir)
    spec.args.push_back(kDirToken);
  return spec;
}

namespace {

long pss_kib(int pid) {
  std::ifstream in(fmt::format("/proc/{}/smaps_rollup", pid));
  for (std::string line; std::getline(in, line);)
    if (line.starts_with("Pss:"))
      return std::strtol(line.c_str() + 4, nullptr, 10);
  return 0;
}

std::multimap<int, int> children_by_parent() {
  std::multimap<int, int> children;
  std::error_code ec;
  for (const auto &entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos)
      continue;
    std::ifstream in(entry.path() / "stat");
    std::string stat;
    std::getline(in, stat);
    auto close = stat.rfind(')');
    if (close == std::string::npos)
      continue;
    std::istringstream rest(stat.substr(close + 2));
    char state = 0;
    int ppid = 0;
    rest >> state >> ppid;
    children.emplace(ppid, std::stoi(name));
  }
  return children;
}

} // namespace

long tree_pss_kib(int pid) {
  const auto children = children_by_parent();
  long total = 0;
  std::vector<int> todo{pid};
  while (!todo.empty()) {
    const int p = todo.back();
    todo.pop_back();
    total += pss_kib(p);
    auto [lo, hi] = children.equal_range(p);
    for (auto it = lo; it != hi; ++it)
      todo.push_back(it->second);
  }
  return total;
}

Density measure_density(Backend &backend, int budget_mib, int cap) {
  Density d{.backend = backend.name(), .budget_mib = budget_mib};
  std::vector<RunningChild> running;
  for (int i = 0; i < cap; i++) {
    auto cmd = backend.command(RunSpec{"idle", {}});
    auto child = cmd ? spawn_child(*cmd) : std::unexpected(cmd.error());
    if (!child) {
      d.error = child.error().message;
      break;
    }
    running.push_back(std::move(*child));
    if (auto ready = read_until(running.back().stdout_r.get(), "ready", 30); !ready) {
      d.error = "instance " + std::to_string(i + 1) + ": " + ready.error().message;
      break;
    }
  }
  long total = 0;
  if (d.error.empty())
    for (const auto &c : running)
      total += tree_pss_kib(c.pid);
  for (auto &c : running)
    finish_child(c, 20);
  if (!d.error.empty() || running.empty() || total <= 0) {
    d.error = d.error.empty() ? "no memory measured" : d.error;
    return d;
  }
  d.ok = true;
  d.instances = static_cast<int>(running.size());
  d.per_instance_kib = static_cast<double>(total) / d.instances;
  d.fits = static_cast<long>(std::floor(budget_mib * 1024.0 / d.per_instance_kib));
  d.extrapolated = d.fits > d.instances;
  return d;
}

} // namespace isobox::eval
