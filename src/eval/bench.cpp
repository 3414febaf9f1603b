// `isobox eval bench`: runs every selected workload in every available backend and measures:
// paired timings against native, density, crossover curves.
#include "eval/bench.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>

#include "eval/bench_runner.hpp"
#include "eval/interrupt.hpp"
#include "eval/machine.hpp"
#include "eval/workloads.hpp"

namespace isobox::eval {
namespace {

struct Plan {
  const BenchOptions &opt;
  int samples;
  double timeout_s;
  std::vector<Backend *> active; // prepared backends, native first
  Backend *native = nullptr;
  Progress *progress = nullptr;
};

// Warm-up, then samples; for a non-native backend every round also runs native, alternating
// which goes first, and the per-round ratio backend/native is kept.
Measurement measure(Plan &plan, Backend &b, const Workload &w, const std::string &expected) {
  Measurement m{.backend = b.name(), .workload = w.name, .kind = w.kind};
  m.size = plan.opt.quick ? w.quick_size : w.full_size;
  const RunSpec spec = make_spec(w.name, m.size, w.needs_dir);
  const bool paired = &b != plan.native;
  for (int i = -plan.opt.warmup; i < plan.samples; i++) {
    if (interrupted()) {
      m.error = "interrupted";
      return m;
    }
    std::optional<CheckedRun> base;
    const bool native_first = paired && i % 2 != 0;
    if (native_first)
      base = checked_run(*plan.native, spec, expected, plan.timeout_s).value_or(CheckedRun{});
    auto run = checked_run(b, spec, expected, plan.timeout_s);
    if (paired && !native_first)
      base = checked_run(*plan.native, spec, expected, plan.timeout_s).value_or(CheckedRun{});
    plan.progress->step(b.name(), w.name,
                        i < 0 ? std::string("warm-up")
                              : fmt::format("sample {}/{}", i + 1, plan.samples));
    if (!run) {
      m.error = run.error().message;
      return m;
    }
    if (i < 0)
      continue;
    m.samples_s.push_back(run->seconds);
    if (paired && base && base->seconds > 0)
      m.ratios.push_back(run->seconds / base->seconds);
  }
  m.ok = true;
  m.summary = summarize(m.samples_s);
  // Peak memory from one more run under the probe (see rusage_exec.c); a backend that measures
  // through its cgroup ignores the probe's figure.
  auto mem =
      checked_run(b, spec, expected, plan.timeout_s, plan.opt.workload_dir + "/rusage_exec.native");
  if (!mem) {
    m.ok = false;
    m.error = "memory run: " + mem.error().message;
  }
  m.peak_rss_kib = mem ? mem->peak_kib : 0;
  if (!m.ratios.empty()) {
    m.ratio_median = median(m.ratios);
    m.ratio_ci = bootstrap_median_ci(m.ratios);
  }
  return m;
}

std::string describe(const Measurement &m) {
  if (!m.ok)
    return fmt::format("{:<22} {:<11} FAILED: {}", m.backend, m.workload, m.error);
  std::string ratio = m.ratios.empty() ? "" : fmt::format("  x{:.2f} native", m.ratio_median);
  return fmt::format("{:<22} {:<11} median {:.2f} ms{}", m.backend, m.workload,
                     m.summary.median * 1000, ratio);
}

void run_workloads(Plan &plan, BenchSection &bench) {
  for (const auto &name : plan.opt.workloads) {
    if (interrupted())
      return;
    const Workload &w = *find_workload(name);
    const int size = plan.opt.quick ? w.quick_size : w.full_size;
    std::string expected = w.expected;
    std::string ref_error;
    if (expected.empty()) {
      auto ref =
          checked_run(*plan.native, make_spec(w.name, size, w.needs_dir), "", plan.timeout_s);
      ref ? expected = ref->output : ref_error = "native reference run: " + ref.error().message;
    }
    for (Backend *b : plan.active) {
      Measurement m{.backend = b->name(), .workload = w.name, .kind = w.kind, .size = size};
      if (ref_error.empty())
        m = measure(plan, *b, w, expected);
      else
        m.error = ref_error;
      plan.progress->done(describe(m));
      bench.measurements.push_back(std::move(m));
    }
  }
}

// Total time against size for one backend: the median of a few runs at each size, checked
// against native's answer at that size.
CrossoverCurve sweep(Plan &plan, Backend &b, std::map<int, std::string> &answers) {
  CrossoverCurve c{.backend = b.name(), .workload = kCrossoverWorkload};
  const int runs = plan.opt.quick ? 1 : 3;
  for (int size : crossover_sizes(plan.opt.quick)) {
    std::vector<double> times;
    for (int i = 0; i < runs; i++) {
      auto r =
          checked_run(b, make_spec(kCrossoverWorkload, size, false), answers[size], plan.timeout_s);
      plan.progress->step(b.name(), "crossover",
                          fmt::format("size {} run {}/{}", size, i + 1, runs));
      if (!r)
        return c; // a failed size ends the curve; the report shows the sizes that worked
      if (answers[size].empty())
        answers[size] = r->output;
      times.push_back(r->seconds);
    }
    c.sizes.push_back(size);
    c.median_s.push_back(median(times));
  }
  std::vector<double> xs(c.sizes.begin(), c.sizes.end());
  c.fit = fit_line(xs, c.median_s);
  return c;
}

// Engines only: the in-process instantiate time of hello.wasm, samples like any measurement.
void measure_instantiate(Plan &plan, BenchSection &bench) {
  for (Backend *b : plan.active) {
    if (!b->measures_instantiate())
      continue;
    Measurement m{.backend = b->name(), .workload = "hello", .kind = "instantiate"};
    for (int i = -plan.opt.warmup; i < plan.samples && m.error.empty(); i++) {
      auto t = b->instantiate_seconds("hello");
      if (!t)
        m.error = t.error().message;
      else if (i >= 0)
        m.samples_s.push_back(*t);
    }
    m.ok = m.error.empty();
    m.summary = summarize(m.samples_s);
    plan.progress->done(m.ok ? fmt::format("{:<22} instantiate median {:.2f} ms (in-process)",
                                           m.backend, m.summary.median * 1000)
                             : fmt::format("{:<22} instantiate FAILED: {}", m.backend, m.error));
    bench.instantiate.push_back(std::move(m));
  }
}

int planned_runs(const Plan &plan) {
  const int per = plan.opt.warmup + plan.samples;
  int runs = 0;
  for (std::size_t b = 0; b < plan.active.size(); b++)
    runs += static_cast<int>(plan.opt.workloads.size()) * per; // one step per (paired) round
  if (plan.opt.crossover)
    runs += static_cast<int>(plan.active.size() * crossover_sizes(plan.opt.quick).size()) *
            (plan.opt.quick ? 1 : 3);
  return runs;
}

} // namespace

int default_samples(bool quick) { return quick ? 5 : 10; }

Result<Results> run_bench(const BenchOptions &opt) {
  const auto t0 = std::chrono::steady_clock::now();
  install_interrupt_handler();
  std::error_code ec;
  std::filesystem::create_directories(opt.work_dir, ec);
  if (ec)
    return make_error("mkdir {}: {}", opt.work_dir, ec.message());
  Results results;
  results.machine = describe_machine(first_output_line({opt.isobox, "--version"}));
  results.node = results.machine.hostname;
  auto backends = make_backends();
  struct Cleanup { // whatever prepare() created goes, on every way out
    std::vector<std::unique_ptr<Backend>> &all;
    ~Cleanup() {
      for (auto &b : all)
        b->cleanup();
    }
  } cleanup{backends};
  const BackendEnv env{opt.isobox, opt.workload_dir, opt.work_dir};
  Plan plan{opt, opt.samples > 0 ? opt.samples : default_samples(opt.quick),
            opt.quick ? 60.0 : 600.0};
  for (auto &b : backends) {
    const bool chosen =
        b->name() == "native" || std::ranges::find(opt.backends, b->name()) != opt.backends.end();
    auto ready = chosen ? b->prepare(env) : make_error("not selected (--backends)");
    BackendInfo info = b->info();
    info.available = ready.has_value();
    info.skip_reason = ready ? "" : ready.error().message;
    if (ready)
      plan.active.push_back(b.get());
    results.backends.push_back(info);
    fmt::print(stderr, "backend {:<22} {}\n", b->name(),
               ready ? "ready: " + info.version : "skipped: " + info.skip_reason);
  }
  if (plan.active.empty() || plan.active.front()->name() != "native")
    return make_error("the native baseline does not work: {}",
                      results.backends.front().skip_reason);
  plan.native = plan.active.front();
  Progress progress(planned_runs(plan), opt.tty);
  plan.progress = &progress;
  BenchSection &bench = results.bench;
  results.has_bench = true;
  bench.quick = opt.quick;
  bench.samples = plan.samples;
  bench.warmup = opt.warmup;
  bench.workloads = opt.workloads;
  run_workloads(plan, bench);
  if (std::ranges::find(opt.workloads, "hello") != opt.workloads.end())
    measure_instantiate(plan, bench);
  if (opt.density && !interrupted()) {
    bench.density_method = "idle instances started together (up to the cap), each instance's "
                           "processes' PSS summed from /proc/<pid>/smaps_rollup; fits = budget / "
                           "PSS per instance (kernel objects such as namespaces and cgroups are "
                           "not counted)";
    for (Backend *b : plan.active) {
      if (interrupted())
        break;
      bench.density.push_back(measure_density(*b, opt.quick ? 64 : 1024, opt.quick ? 3 : 16));
      const Density &d = bench.density.back();
      progress.done(d.ok ? fmt::format("{:<22} density     {:.0f} KiB/instance, {} fit in {} MiB",
                                       d.backend, d.per_instance_kib, d.fits, d.budget_mib)
                         : fmt::format("{:<22} density     FAILED: {}", d.backend, d.error));
    }
  }
  if (opt.crossover && !interrupted()) {
    bench.crossover_workload = kCrossoverWorkload;
    std::map<int, std::string> answers;
    for (Backend *b : plan.active) {
      if (interrupted())
        break;
      bench.crossover.push_back(sweep(plan, *b, answers));
      progress.done(fmt::format("{:<22} crossover   {} sizes", b->name(),
                                bench.crossover.back().sizes.size()));
    }
  }
  progress.finish();
  if (interrupted())
    return make_error("interrupted: stopped after the run in flight, nothing written");
  results.machine.load_after = load_average();
  results.machine.duration_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return results;
}

} // namespace isobox::eval
