// The report's memory, I/O, crossover and method sections for one node, and number formatting.
#include <algorithm>
#include <cmath>

#include "eval/report_format.hpp"
#include "eval/summary.hpp"
#include "eval/svg.hpp"
#include "eval/workloads.hpp"

namespace isobox::eval {

std::string fmt_ms(double ms) {
  if (!(ms > 0))
    return "-";
  return ms < 10    ? fmt::format("{:.2f}", ms)
         : ms < 100 ? fmt::format("{:.1f}", ms)
                    : fmt::format("{:.0f}", ms);
}

std::string fmt_ratio(double ratio) { return ratio > 0 ? fmt::format("{:.2f}", ratio) : "-"; }

std::string fmt_mib(long kib) { return kib > 0 ? fmt::format("{:.1f}", kib / 1024.0) : "-"; }

std::string fmt_load(const std::vector<double> &load) {
  std::string out;
  for (double l : load)
    out += (out.empty() ? "" : " / ") + fmt::format("{:.2f}", l);
  return out;
}

std::string fmt_ratio_ci(const Measurement &m) {
  if (!m.ok)
    return "failed: " + m.error;
  if (m.ratios.empty())
    return "1 (baseline)";
  return fmt::format("{:.2f}x [{:.2f}-{:.2f}]", m.ratio_median, m.ratio_ci.low, m.ratio_ci.high);
}

namespace {

std::vector<const BackendInfo *> measured(const Results &r) {
  std::vector<const BackendInfo *> out;
  for (const auto &b : r.backends)
    if (b.available)
      out.push_back(&b);
  return out;
}

} // namespace

Section memory_section(const Results &r) {
  Section s{.id = "memory", .title = "Memory: peak per instance, and density"};
  std::vector<std::string> names;
  svg::Series hello{"hello", {}}, memory{"memory workload", {}}, per_instance{"idle", {}};
  svg::Series fits{"idle instances in budget", {}};
  Table t{{"backend", "peak, hello (MiB)", "peak, memory workload (MiB)", "peak memory from"}};
  Table d{{"backend", "PSS per idle instance (KiB)", "instances measured", "budget (MiB)",
           "fit in budget", "note"}};
  for (const auto *b : measured(r)) {
    names.push_back(b->name);
    const auto *h = find_measurement(r, b->name, "hello");
    const auto *m = find_measurement(r, b->name, "memory");
    hello.values.push_back(h && h->ok ? h->peak_rss_kib / 1024.0 : 0);
    memory.values.push_back(m && m->ok ? m->peak_rss_kib / 1024.0 : 0);
    t.rows.push_back({{b->name},
                      {h && h->ok ? fmt_mib(h->peak_rss_kib) : "-"},
                      {m && m->ok ? fmt_mib(m->peak_rss_kib) : "-"},
                      {b->memory_method}});
    const Density *den = nullptr;
    for (const auto &x : r.bench.density)
      if (x.backend == b->name)
        den = &x;
    fits.values.push_back(den && den->ok ? static_cast<double>(den->fits) : 0);
    per_instance.values.push_back(den && den->ok ? den->per_instance_kib / 1024.0 : 0);
    if (den)
      d.rows.push_back({{b->name},
                        {den->ok ? fmt::format("{:.0f}", den->per_instance_kib) : "-"},
                        {std::to_string(den->instances)},
                        {std::to_string(den->budget_mib)},
                        {den->ok ? std::to_string(den->fits) : "failed: " + den->error},
                        {den->extrapolated ? "extrapolated from the instances measured" : ""}});
  }
  if (const Workload *w = find_workload("memory"))
    s.paragraphs.push_back(fmt::format("The memory workload allocates and touches {} MiB.",
                                       r.bench.quick ? w->quick_size : w->full_size));
  s.charts.push_back(
      svg::bar_chart("Peak memory per run", names, {hello, memory}, "MiB (log)", true));
  s.tables.push_back(t);
  if (!r.bench.density.empty()) {
    s.paragraphs.push_back("Density: " + r.bench.density_method + ".");
    s.charts.push_back(svg::bar_chart("Idle instances that fit in the memory budget", names, {fits},
                                      "instances (log)", true));
    s.tables.push_back(d);
  }
  return s;
}

Section io_section(const Results &r) {
  Section s{.id = "io", .title = "I/O: files through WASI vs native syscalls"};
  Table t{{"workload", "size", "backend", "median (ms)", "x native [95% CI]"}};
  for (const auto &w : all_workloads()) {
    if (w.kind != "io")
      continue;
    for (const auto *b : measured(r))
      if (const auto *m = find_measurement(r, b->name, w.name))
        t.rows.push_back({{w.name + ": " + w.shape},
                          {std::to_string(m->size)},
                          {b->name},
                          {m->ok ? fmt_ms(m->summary.median * 1000) : "-"},
                          {fmt_ratio_ci(*m)}});
  }
  s.paragraphs.push_back("Containers write to a directory of their rootfs (on the host's disk), "
                         "the Wasm engines to a preopened host directory, native to a host "
                         "directory: all on the same file system.");
  s.tables.push_back(t);
  return s;
}

Section crossover_section(const Results &r) {
  Section s{.id = "crossover", .title = "Crossover: total time as the work grows"};
  std::vector<svg::Curve> curves;
  Table t{{"backend", "sizes", "median total time (ms) per size", "fit: startup (ms)",
           "fit: per unit of work (ms)"}};
  for (const auto &c : r.bench.crossover) {
    svg::Curve curve{c.backend, {}, {}};
    std::string times;
    // A hand-edited or truncated results.json may hold fewer times than sizes.
    for (std::size_t i = 0; i < std::min(c.sizes.size(), c.median_s.size()); i++) {
      curve.xs.push_back(c.sizes[i]);
      curve.ys.push_back(c.median_s[i] * 1000);
      times += (times.empty() ? "" : ", ") + fmt_ms(c.median_s[i] * 1000);
    }
    curves.push_back(curve);
    std::string sizes;
    for (int v : c.sizes)
      sizes += (sizes.empty() ? "" : ", ") + std::to_string(v);
    t.rows.push_back({{c.backend},
                      {sizes},
                      {times},
                      {fmt::format("{:.2f}", c.fit.intercept * 1000)},
                      {fmt::format("{:.4f}", c.fit.slope * 1000)}});
  }
  s.paragraphs.push_back(fmt::format(
      "Kernel {} at growing sizes, process start to exit; a straight line (startup + size x "
      "per-unit cost) is fitted per backend and the crossover is where two lines meet.",
      r.bench.crossover_workload));
  for (const auto &x : crossovers(r))
    s.bullets.push_back(x.found
                            ? fmt::format("{} vs {}: lines meet at size {:.1f} (about {:.0f} ms "
                                          "of native work); below: {}, above: {}",
                                          x.wasm, x.container, x.size, x.native_ms, x.winner_below,
                                          x.winner_above)
                            : fmt::format("{} vs {}: no crossover; {} faster throughout", x.wasm,
                                          x.container, x.winner_below));
  s.charts.push_back(svg::line_chart("Total time vs work size (" + r.bench.crossover_workload + ")",
                                     curves, "work size (log)", "ms (log)"));
  s.tables.push_back(t);
  return s;
}

Section method_section(const Results &r) {
  Section s{.id = "method", .title = "Method"};
  s.bullets = {
      "Every workload is one C program compiled natively (-O2 -static, by the compiler the native "
      "backend's version names) and to wasm32-wasi (clang-14 -O2); each prints a checksum, and "
      "every run's output is compared with the native "
      "run's (or a known constant): a wrong answer fails the workload instead of timing it.",
      fmt::format("{} warm-up run(s), then {} timed samples per backend and workload; non-native "
                  "samples are paired with a native run in alternating order.",
                  r.bench.warmup, r.bench.samples),
      "Times are wall-clock from spawn to reaping the process (posix_spawn, wait4).",
      "Containers run with `<runtime> --root <dir> run --bundle <bundle> <id>` on one bundle: "
      "busybox-static rootfs, the static workload under /w, runc's default `spec` profile.",
      "Results schema: results.json, documented in docs/eval.md."};
  return s;
}

std::vector<Section> build_sections(const std::vector<Results> &nodes) {
  if (nodes.size() == 1)
    return node_sections(nodes[0]);
  return merged_sections(nodes);
}

} // namespace isobox::eval
