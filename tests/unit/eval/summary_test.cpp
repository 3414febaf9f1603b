// Unit tests for the report's conclusions: headline rows, crossovers, verdicts, and the rendered
// report (skipped backends keep their reason; figures carry data-key attributes).
#include <gtest/gtest.h>

#include "eval/report.hpp"
#include "eval/summary.hpp"

namespace isobox::eval {
namespace {

Measurement timed(const std::string &backend, const std::string &workload, const std::string &kind,
                  double seconds, double ratio) {
  Measurement m{.backend = backend, .workload = workload, .kind = kind, .ok = true};
  m.samples_s = {seconds, seconds, seconds};
  m.summary = summarize(m.samples_s);
  if (backend != "native") {
    m.ratios = {ratio, ratio, ratio};
    m.ratio_median = ratio;
  }
  m.peak_rss_kib = 2048;
  return m;
}

// native, one container (slow start, native speed), one engine (fast start, 5x per unit).
Results two_sandboxes() {
  Results r;
  r.node = "n1";
  r.backends = {{.name = "native", .kind = "baseline", .available = true},
                {.name = "runc", .kind = "container", .available = true},
                {.name = "isobox-wasm", .kind = "wasm", .available = true},
                {.name = "crun", .kind = "container", .skip_reason = "crun not found"}};
  r.has_bench = true;
  r.bench.samples = 3;
  r.bench.workloads = {"hello", "fib", "sort"};
  auto &ms = r.bench.measurements;
  ms = {timed("native", "hello", "startup", 0.001, 0),
        timed("runc", "hello", "startup", 0.030, 30),
        timed("isobox-wasm", "hello", "startup", 0.003, 3),
        timed("native", "fib", "compute", 0.1, 0),
        timed("runc", "fib", "compute", 0.13, 1.3),
        timed("isobox-wasm", "fib", "compute", 0.5, 4),
        timed("native", "sort", "compute", 0.1, 0),
        timed("runc", "sort", "compute", 0.13, 1.2),
        timed("isobox-wasm", "sort", "compute", 0.9, 9)};
  // time = startup + size * per-unit: native 0 + 1 ms, runc 30 ms + 1 ms, wasm 3 ms + 5 ms. The
  // curves carry no times (median_s empty), as a truncated results.json might: no crash.
  r.bench.crossover = {{.backend = "native", .sizes = {1, 100}, .fit = {0.0, 0.001}},
                       {.backend = "runc", .sizes = {1, 100}, .fit = {0.030, 0.001}},
                       {.backend = "isobox-wasm", .sizes = {1, 100}, .fit = {0.003, 0.005}}};
  r.bench.density = {
      {.backend = "runc", .ok = true, .per_instance_kib = 2048, .fits = 500},
      {.backend = "isobox-wasm", .ok = true, .per_instance_kib = 1024, .fits = 1000}};
  return r;
}

TEST(EvalSummary, HeadlineRowPerBackendWithGeomean) {
  const auto rows = headline(two_sandboxes());
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_DOUBLE_EQ(rows[0].compute_geomean, 1.0);
  EXPECT_NEAR(rows[2].compute_geomean, 6.0, 1e-9); // sqrt(4 * 9)
  EXPECT_NEAR(rows[1].startup_ms, 30, 1e-9);
  EXPECT_EQ(rows[2].density_fits, 1000);
  EXPECT_FALSE(rows[3].available);
  EXPECT_EQ(rows[3].skip_reason, "crun not found");
}

TEST(EvalSummary, CrossoverWhereTheLinesMeet) {
  const auto xs = crossovers(two_sandboxes());
  ASSERT_EQ(xs.size(), 1u); // crun is skipped: no curve
  const auto &x = xs[0];
  ASSERT_TRUE(x.found);
  EXPECT_NEAR(x.size, 6.75, 1e-9); // 3 + 5s = 30 + s
  EXPECT_NEAR(x.native_ms, 6.75, 1e-9);
  EXPECT_EQ(x.winner_below, "isobox-wasm");
  EXPECT_EQ(x.winner_above, "runc");
  EXPECT_FALSE(x.extrapolated);
}

TEST(EvalSummary, NoCrossoverWhenOneSandboxWinsEverywhere) {
  auto r = two_sandboxes();
  r.bench.crossover[2].fit = {0.040, 0.002}; // the engine now starts slower and runs slower
  const auto xs = crossovers(r);
  ASSERT_EQ(xs.size(), 1u);
  EXPECT_FALSE(xs[0].found);
  EXPECT_EQ(xs[0].winner_below, "runc");
  EXPECT_EQ(xs[0].winner_above, "runc");
}

TEST(EvalSummary, VerdictsComeFromTheData) {
  const auto v = verdicts(two_sandboxes());
  auto has = [&](const std::string &text) {
    for (const auto &line : v)
      if (line.find(text) != std::string::npos)
        return true;
    return false;
  };
  EXPECT_TRUE(has("Startup: isobox-wasm starts fastest (3.0 ms median vs 30.0 ms"));
  EXPECT_TRUE(has("under about 7 ms of native work, isobox-wasm finishes first"));
  EXPECT_TRUE(has("Density: isobox-wasm fits the most idle instances (1000"));
  EXPECT_TRUE(has("this node disagrees"));
}

TEST(EvalReport, RenderedReportKeepsSkipReasonsAndKeys) {
  const auto sections = build_sections({two_sandboxes()});
  const auto md = render_markdown(sections, "t");
  EXPECT_NE(md.find("skipped: crun not found"), std::string::npos);
  EXPECT_NE(md.find("| runc | 30.0 | 1.25 |"), std::string::npos); // geomean sqrt(1.3 * 1.2)
  const auto html = render_html(sections, "t");
  EXPECT_NE(html.find("<td data-key=\"geomean/isobox-wasm\">6.00</td>"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg"));
}

TEST(EvalReport, MergedReportHasAColumnPerNode) {
  auto a = two_sandboxes(), b = two_sandboxes();
  b.node = "n2";
  const auto md = render_markdown(build_sections({a, b}), "t");
  EXPECT_NE(md.find("| backend: startup median (ms) | n1 (#1) | n2 (#2) |"), std::string::npos);
}

} // namespace
} // namespace isobox::eval
