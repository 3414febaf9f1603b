// The merged report (`isobox eval merge`): several nodes' results with a column per node.
#include <set>

#include "eval/report_format.hpp"
#include "eval/summary.hpp"
#include "eval/svg.hpp"
#include "eval/workloads.hpp"

namespace isobox::eval {
namespace {

std::string label(const Results &r, std::size_t i) {
  return fmt::format("{} (#{})", r.node.empty() ? "node" : r.node, i + 1);
}

std::vector<std::string> all_backends(const std::vector<Results> &nodes) {
  std::vector<std::string> names;
  for (const auto &r : nodes)
    for (const auto &b : r.backends)
      if (std::ranges::find(names, b.name) == names.end())
        names.push_back(b.name);
  return names;
}

Section nodes_section(const std::vector<Results> &nodes) {
  Section s{.id = "nodes", .title = "Nodes"};
  Table t{{"node", "CPU", "cores", "kernel", "cgroup mode", "load before / after (1 min)",
           "started", "mode"}};
  for (std::size_t i = 0; i < nodes.size(); i++) {
    const auto &m = nodes[i].machine;
    t.rows.push_back({{label(nodes[i], i)},
                      {m.cpu_model},
                      {std::to_string(m.cores)},
                      {m.kernel},
                      {m.cgroup_mode},
                      {fmt::format("{:.2f} / {:.2f}", m.load_before.empty() ? 0 : m.load_before[0],
                                   m.load_after.empty() ? 0 : m.load_after[0])},
                      {m.started_utc},
                      {nodes[i].bench.quick ? "--quick" : "full"}});
  }
  s.tables.push_back(t);
  return s;
}

// One table per headline metric: a row per backend, a column per node.
Section headline_section(const std::vector<Results> &nodes) {
  Section s{.id = "verdict", .title = "Headline per node"};
  const auto backends = all_backends(nodes);
  std::vector<std::vector<HeadlineRow>> rows;
  for (const auto &r : nodes)
    rows.push_back(headline(r));
  struct Metric {
    const char *title;
    const char *key;
    std::string (*cell)(const HeadlineRow &);
  };
  const Metric metrics[] = {
      {"startup median (ms)", "startup_ms",
       [](const HeadlineRow &h) { return fmt_ms(h.startup_ms); }},
      {"compute geomean (x native)", "geomean",
       [](const HeadlineRow &h) { return h.kernels ? fmt_ratio(h.compute_geomean) : "-"; }},
      {"peak RSS, hello (MiB)", "rss_mib",
       [](const HeadlineRow &h) { return fmt_mib(h.hello_rss_kib); }},
      {"density (idle instances in budget)", "density",
       [](const HeadlineRow &h) { return h.density_fits ? std::to_string(h.density_fits) : "-"; }}};
  std::vector<svg::Series> geo_series;
  for (const auto &metric : metrics) {
    Table t{{std::string("backend: ") + metric.title}};
    for (std::size_t i = 0; i < nodes.size(); i++)
      t.header.push_back(label(nodes[i], i));
    for (const auto &b : backends) {
      std::vector<Cell> row{{b}};
      for (std::size_t i = 0; i < nodes.size(); i++) {
        const HeadlineRow *h = nullptr;
        for (const auto &x : rows[i])
          if (x.backend == b)
            h = &x;
        row.push_back(!h ? Cell{"-"}
                      : !h->available
                          ? Cell{"skipped"}
                          : Cell{metric.cell(*h), fmt::format("{}/{}/{}", metric.key, b, i)});
      }
      t.rows.push_back(row);
    }
    s.tables.push_back(t);
  }
  for (std::size_t i = 0; i < nodes.size(); i++) {
    svg::Series series{label(nodes[i], i), {}};
    for (const auto &b : backends) {
      double v = 0;
      for (const auto &x : rows[i])
        if (x.backend == b && x.kernels)
          v = x.compute_geomean;
      series.values.push_back(v);
    }
    geo_series.push_back(series);
    for (const auto &v : verdicts(nodes[i]))
      s.bullets.push_back(label(nodes[i], i) + ": " + v);
  }
  s.charts.push_back(svg::bar_chart("Compute geomean relative to native, per node", backends,
                                    geo_series, "x native (log)", true, 1.0));
  return s;
}

Section compute_by_node(const std::vector<Results> &nodes) {
  Section s{.id = "compute", .title = "Compute ratio to native, per kernel and node"};
  Table t{{"kernel", "backend"}};
  for (std::size_t i = 0; i < nodes.size(); i++)
    t.header.push_back(label(nodes[i], i));
  for (const auto &w : all_workloads()) {
    if (w.kind != "compute")
      continue;
    for (const auto &b : all_backends(nodes)) {
      if (b == "native")
        continue;
      std::vector<Cell> row{{w.name}, {b}};
      bool any = false;
      for (const auto &r : nodes) {
        const auto *m = find_measurement(r, b, w.name);
        any = any || m;
        row.push_back(m ? Cell{fmt_ratio_ci(*m)} : Cell{"-"});
      }
      if (any)
        t.rows.push_back(row);
    }
  }
  s.tables.push_back(t);
  return s;
}

} // namespace

std::vector<Section> merged_sections(const std::vector<Results> &nodes) {
  return {headline_section(nodes), nodes_section(nodes), compute_by_node(nodes)};
}

} // namespace isobox::eval
