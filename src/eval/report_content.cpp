// The report's content for one node: verdicts, headline, machine, backends, then a section per
// measurement family with its chart and table.
#include <algorithm>

#include "eval/audit/audit_report.hpp"
#include "eval/report.hpp"
#include "eval/report_format.hpp"
#include "eval/summary.hpp"
#include "eval/svg.hpp"
#include "eval/workloads.hpp"

namespace isobox::eval {
namespace {

Section verdict_section(const Results &r) {
  Section s{.id = "verdict", .title = "Verdict and headline"};
  s.bullets = verdicts(r);
  Table t{{"backend", "startup median (ms)", "compute geomean (x native)", "peak RSS, hello (MiB)",
           "peak RSS, memory workload (MiB)", "density (idle instances in budget)"}};
  for (const auto &row : headline(r)) {
    if (!row.available) {
      t.rows.push_back({{row.backend}, {"skipped: " + row.skip_reason}, {""}, {""}, {""}, {""}});
      continue;
    }
    std::string geo = row.kernels ? fmt_ratio(row.compute_geomean) : "-";
    if (row.kernels_failed)
      geo += fmt::format(" ({} kernels failed)", row.kernels_failed);
    t.rows.push_back({{row.backend},
                      {fmt_ms(row.startup_ms), "startup_ms/" + row.backend},
                      {geo, row.kernels ? "geomean/" + row.backend : ""},
                      {fmt_mib(row.hello_rss_kib), "rss_mib/" + row.backend},
                      {fmt_mib(row.memory_rss_kib)},
                      {row.density_fits ? std::to_string(row.density_fits) : "-",
                       row.density_fits ? "density/" + row.backend : ""}});
  }
  s.tables.push_back(t);
  return s;
}

Section machine_section(const Results &r) {
  const Machine &m = r.machine;
  Section s{.id = "machine", .title = "Machine"};
  s.tables.push_back(
      Table{{"field", "value"},
            {{{"node"}, {r.node}},
             {{"CPU"}, {m.cpu_model}},
             {{"cores"}, {std::to_string(m.cores)}},
             {{"kernel"}, {m.kernel}},
             {{"cgroup mode"}, {m.cgroup_mode}},
             {{"governor"}, {m.governor}},
             {{"load average before (1/5/15 min)"}, {fmt_load(m.load_before)}},
             {{"load average after"}, {fmt_load(m.load_after)}},
             {{"isobox"}, {m.isobox_version}},
             {{"started"}, {m.started_utc}},
             {{"duration"}, {fmt::format("{:.0f} s", m.duration_s)}},
             {{"mode"}, {r.bench.quick ? "--quick" : "full"}},
             {{"samples"}, {fmt::format("{} (+{} warm-up)", r.bench.samples, r.bench.warmup)}}}});
  if (!m.load_before.empty() && m.load_before[0] > m.cores)
    s.paragraphs.push_back("The load average exceeded the core count when the run started: other "
                           "work shared the CPUs, so absolute times are noisy; the paired ratios "
                           "are the robust figures.");
  return s;
}

Section backends_section(const Results &r) {
  Section s{.id = "backends", .title = "Backends"};
  Table t{{"backend", "kind", "status", "version", "command", "peak memory from", "notes"}};
  for (const auto &b : r.backends) {
    std::string notes;
    for (const auto &n : b.notes)
      notes += (notes.empty() ? "" : "; ") + n;
    t.rows.push_back({{b.name},
                      {b.kind},
                      {b.available ? "measured" : "skipped: " + b.skip_reason},
                      {b.version},
                      {b.command},
                      {b.memory_method},
                      {notes}});
  }
  s.tables.push_back(t);
  return s;
}

std::vector<std::string> available(const Results &r, bool with_native) {
  std::vector<std::string> names;
  for (const auto &b : r.backends)
    if (b.available && (with_native || b.name != "native"))
      names.push_back(b.name);
  return names;
}

Section startup_section(const Results &r) {
  Section s{.id = "startup", .title = "Startup: hello, process start to exit"};
  std::vector<svg::Series> groups;
  Table t{{"backend", "min (ms)", "median (ms)", "p90 (ms)", "x native (paired) [95% CI]"}};
  for (const auto &name : available(r, true)) {
    const auto *m = find_measurement(r, name, "hello");
    if (!m)
      continue;
    if (!m->ok) {
      t.rows.push_back({{name}, {"failed: " + m->error}, {""}, {""}, {""}});
      continue;
    }
    svg::Series g{name, {}};
    for (double v : m->samples_s)
      g.values.push_back(v * 1000);
    groups.push_back(g);
    t.rows.push_back({{name},
                      {fmt_ms(m->summary.min * 1000)},
                      {fmt_ms(m->summary.median * 1000)},
                      {fmt_ms(m->summary.p90 * 1000)},
                      {fmt_ratio_ci(*m)}});
  }
  s.charts.push_back(svg::strip_chart("Startup time per run (hello)", groups, "ms (log)"));
  s.tables.push_back(t);
  if (r.bench.instantiate.empty())
    return s;
  Table in{{"engine", "in-process instantiate, median (ms)", "p90 (ms)", "what is timed"}};
  for (const auto &m : r.bench.instantiate)
    in.rows.push_back(
        {{m.backend},
         {m.ok ? fmt_ms(m.summary.median * 1000) : "failed: " + m.error,
          m.ok ? "instantiate_ms/" + m.backend : ""},
         {m.ok ? fmt_ms(m.summary.p90 * 1000) : ""},
         {m.backend == "node-wasi"
              ? "inside node: require node:wasi, read, compile and instantiate"
              : "inside isobox: read, decode, validate, compile, instantiate, WASI"}});
  s.paragraphs.push_back("The second table is for the engines: the time from reading hello.wasm "
                         "to an instance ready to run, measured inside the engine's process (not "
                         "counting process start, and for node not counting node's own startup).");
  s.tables.push_back(in);
  return s;
}

Section compute_section(const Results &r) {
  Section s{.id = "compute", .title = "Compute: ratio to native per kernel"};
  s.paragraphs.push_back("Each ratio is the median over paired rounds of (backend time / native "
                         "time), the two run back to back in alternating order; the interval is a "
                         "95% percentile-bootstrap interval of that median. Times are process "
                         "start to exit, so they include each sandbox's startup.");
  const auto names = available(r, false);
  std::vector<std::string> kernels;
  for (const auto &w : all_workloads())
    if (w.kind == "compute" &&
        std::ranges::find(r.bench.workloads, w.name) != r.bench.workloads.end())
      kernels.push_back(w.name);
  std::vector<svg::Series> series;
  Table t{{"kernel", "size", "native median (ms)"}};
  for (const auto &n : names) {
    t.header.push_back(n + " (x native)");
    series.push_back({n, {}});
  }
  for (const auto &k : kernels) {
    const auto *nat = find_measurement(r, "native", k);
    std::vector<Cell> row{{k},
                          {nat ? std::to_string(nat->size) : ""},
                          {nat && nat->ok ? fmt_ms(nat->summary.median * 1000) : "failed"}};
    for (std::size_t i = 0; i < names.size(); i++) {
      const auto *m = find_measurement(r, names[i], k);
      series[i].values.push_back(m && m->ok ? m->ratio_median : 0);
      row.push_back(m ? Cell{fmt_ratio_ci(*m), m->ok ? "ratio/" + names[i] + "/" + k : ""}
                      : Cell{"-"});
    }
    t.rows.push_back(row);
  }
  s.charts.push_back(svg::bar_chart("Compute time relative to native (1 = native, dashed)", kernels,
                                    series, "x native (log)", true, 1.0));
  s.tables.push_back(t);
  return s;
}

} // namespace

std::vector<Section> node_sections(const Results &r) {
  std::vector<Section> out{verdict_section(r), machine_section(r), backends_section(r)};
  if (auto audit = r.other_sections.find("audit"); audit != r.other_sections.end())
    for (auto &s : audit::audit_sections(audit->second))
      out.push_back(std::move(s));
  if (!r.has_bench)
    return out;
  out.push_back(startup_section(r));
  out.push_back(compute_section(r));
  out.push_back(memory_section(r));
  out.push_back(io_section(r));
  if (!r.bench.crossover.empty())
    out.push_back(crossover_section(r));
  out.push_back(method_section(r));
  return out;
}

} // namespace isobox::eval
