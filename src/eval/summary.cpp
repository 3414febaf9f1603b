// What the report concludes: the headline row per backend and verdicts derived from the data.
#include "eval/summary.hpp"

#include <algorithm>

namespace isobox::eval {

const Measurement *find_measurement(const Results &r, const std::string &backend,
                                    const std::string &workload) {
  for (const auto &m : r.bench.measurements)
    if (m.backend == backend && m.workload == workload)
      return &m;
  return nullptr;
}

namespace {

void fill_compute(const Results &r, HeadlineRow &row) {
  std::vector<double> ratios;
  for (const auto &m : r.bench.measurements) {
    if (m.backend != row.backend || m.kind != "compute")
      continue;
    if (!m.ok)
      row.kernels_failed++;
    else if (row.backend == "native")
      ratios.push_back(1.0);
    else if (m.ratio_median > 0)
      ratios.push_back(m.ratio_median);
  }
  row.kernels = static_cast<int>(ratios.size());
  row.compute_geomean = geomean(ratios);
}

const CrossoverCurve *curve(const Results &r, const std::string &backend) {
  for (const auto &c : r.bench.crossover)
    if (c.backend == backend && c.sizes.size() >= 2)
      return &c;
  return nullptr;
}

} // namespace

std::vector<HeadlineRow> headline(const Results &r) {
  std::vector<HeadlineRow> rows;
  for (const auto &b : r.backends) {
    HeadlineRow row{
        .backend = b.name, .kind = b.kind, .available = b.available, .skip_reason = b.skip_reason};
    if (const auto *m = find_measurement(r, b.name, "hello"); m && m->ok) {
      row.startup_ms = m->summary.median * 1000;
      row.hello_rss_kib = m->peak_rss_kib;
    }
    if (const auto *m = find_measurement(r, b.name, "memory"); m && m->ok)
      row.memory_rss_kib = m->peak_rss_kib;
    fill_compute(r, row);
    for (const auto &d : r.bench.density)
      if (d.backend == b.name && d.ok)
        row.density_fits = d.fits, row.density_kib = d.per_instance_kib;
    rows.push_back(row);
  }
  return rows;
}

std::vector<Crossover> crossovers(const Results &r) {
  std::vector<Crossover> out;
  const CrossoverCurve *native = curve(r, "native");
  for (const auto &w : r.backends) {
    const CrossoverCurve *cw = w.kind == "wasm" ? curve(r, w.name) : nullptr;
    for (const auto &c : r.backends) {
      const CrossoverCurve *cc = c.kind == "container" && cw ? curve(r, c.name) : nullptr;
      if (!cc)
        continue;
      Crossover x{.wasm = w.name, .container = c.name};
      const double da = cc->fit.intercept - cw->fit.intercept; // startup advantage of wasm
      const double db = cw->fit.slope - cc->fit.slope;         // per-unit cost of wasm
      const bool wasm_starts_faster = da > 0;
      x.winner_below = wasm_starts_faster ? w.name : c.name;
      x.winner_above = (da > 0 && db > 0) ? c.name : (da < 0 && db < 0) ? w.name : x.winner_below;
      if (db != 0 && da / db > 0) {
        x.found = true;
        x.size = da / db;
        x.native_ms = native ? std::max(0.0, native->fit.slope * x.size * 1000) : 0;
        x.extrapolated = x.size > std::min(cw->sizes.back(), cc->sizes.back());
      }
      out.push_back(x);
    }
  }
  return out;
}

std::vector<std::string> verdicts(const Results &r) {
  std::vector<std::string> out;
  const auto rows = headline(r);
  const HeadlineRow *best_start[2] = {nullptr, nullptr}; // container, wasm
  const HeadlineRow *best_compute[2] = {nullptr, nullptr};
  for (const auto &row : rows) {
    const int k = row.kind == "container" ? 0 : row.kind == "wasm" ? 1 : -1;
    if (k < 0)
      continue;
    if (row.startup_ms > 0 && (!best_start[k] || row.startup_ms < best_start[k]->startup_ms))
      best_start[k] = &row;
    if (row.compute_geomean > 0 &&
        (!best_compute[k] || row.compute_geomean < best_compute[k]->compute_geomean))
      best_compute[k] = &row;
  }
  if (best_start[0] && best_start[1]) {
    const bool wasm = best_start[1]->startup_ms < best_start[0]->startup_ms;
    const auto *win = best_start[wasm ? 1 : 0], *lose = best_start[wasm ? 0 : 1];
    out.push_back(fmt::format("Startup: {} starts fastest ({:.1f} ms median vs {:.1f} ms for the "
                              "fastest {} backend, {}).",
                              win->backend, win->startup_ms, lose->startup_ms,
                              wasm ? "container" : "Wasm", lose->backend));
  }
  if (best_compute[0] && best_compute[1])
    out.push_back(fmt::format(
        "Compute: the best container backend ({}) runs the kernels at {:.2f}x native, the best "
        "Wasm backend ({}) at {:.2f}x (geometric means of paired ratios).",
        best_compute[0]->backend, best_compute[0]->compute_geomean, best_compute[1]->backend,
        best_compute[1]->compute_geomean));
  for (const auto &x : crossovers(r)) {
    if (x.found && x.winner_below != x.winner_above)
      out.push_back(
          fmt::format("Crossover {} vs {}: for tasks under about {:.0f} ms of native "
                      "work, {} finishes first on this node; above that, {} does{}.",
                      x.wasm, x.container, x.native_ms, x.winner_below, x.winner_above,
                      x.extrapolated ? " (extrapolated past the largest size measured)" : ""));
    else
      out.push_back(fmt::format("Crossover {} vs {}: no crossover in the measured range; {} is "
                                "faster at every size measured.",
                                x.wasm, x.container, x.winner_below));
  }
  const HeadlineRow *dense = nullptr;
  for (const auto &row : rows)
    if (row.kind != "baseline" && row.density_fits > 0 &&
        (!dense || row.density_fits > dense->density_fits))
      dense = &row;
  if (dense)
    out.push_back(fmt::format("Density: {} fits the most idle instances ({} in the budget, "
                              "{:.0f} KiB each).",
                              dense->backend, dense->density_fits, dense->density_kib));
  if (best_start[0] && best_start[1] && best_compute[0] && best_compute[1]) {
    const bool pays_at_startup = best_start[1]->startup_ms > best_start[0]->startup_ms;
    const bool efficient = best_compute[1]->compute_geomean <= 1.5;
    out.push_back(fmt::format(
        "The claim \"Wasm pays at startup and is efficient on long-running work\": this node {} "
        "(Wasm startup is {} than containers'; its best compute ratio {:.2f}x is {} 1.5x).",
        pays_at_startup && efficient ? "agrees" : "disagrees",
        pays_at_startup ? "slower" : "faster", best_compute[1]->compute_geomean,
        efficient ? "within" : "beyond"));
  }
  return out;
}

} // namespace isobox::eval
