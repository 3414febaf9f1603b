// Unit tests for results.json: schema round trip, unknown sections kept, bad versions refused.
#include <gtest/gtest.h>

#include "eval/results.hpp"

namespace isobox::eval {
namespace {

Results sample() {
  Results r;
  r.node = "node-a";
  r.machine.cpu_model = "CPU";
  r.machine.cores = 2;
  r.machine.load_before = {1, 2, 3};
  r.backends.push_back(BackendInfo{.name = "native", .kind = "baseline", .available = true});
  r.backends.push_back(
      BackendInfo{.name = "runc", .kind = "container", .skip_reason = "runc not found"});
  r.has_bench = true;
  r.bench.quick = true;
  r.bench.samples = 3;
  Measurement m{.backend = "runc", .workload = "fib", .kind = "compute", .size = 27, .ok = true};
  m.samples_s = {0.1, 0.2, 0.3};
  m.summary = summarize(m.samples_s);
  m.ratios = {2, 3, 4};
  m.ratio_median = 3;
  m.ratio_ci = {2, 4};
  r.bench.measurements.push_back(m);
  r.bench.density.push_back(Density{.backend = "native", .ok = true, .fits = 99});
  r.bench.crossover.push_back(CrossoverCurve{
      .backend = "native", .sizes = {1, 10}, .median_s = {0.001, 0.01}, .fit = {0.0, 0.001}});
  return r;
}

TEST(EvalResults, RoundTripKeepsEveryField) {
  const Results r = sample();
  const auto doc = to_json(r);
  EXPECT_EQ(doc["schema"], "isobox-eval");
  EXPECT_EQ(doc["version"], kSchemaVersion);
  ASSERT_TRUE(doc["sections"].contains("bench"));
  auto back = results_from_json(nlohmann::json::parse(doc.dump()));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(to_json(*back), doc);
  EXPECT_EQ(back->backends[1].skip_reason, "runc not found");
  EXPECT_DOUBLE_EQ(back->bench.measurements[0].ratio_ci.high, 4);
  EXPECT_EQ(back->bench.density[0].fits, 99);
}

TEST(EvalResults, UnknownSectionsSurviveARoundTrip) {
  auto doc = to_json(sample());
  doc["sections"]["audit"] = {{"scenarios", 40}};
  auto back = results_from_json(doc);
  ASSERT_TRUE(back);
  EXPECT_EQ(to_json(*back)["sections"]["audit"]["scenarios"], 40);
}

TEST(EvalResults, WrongSchemaOrVersionIsAnError) {
  auto doc = to_json(sample());
  doc["version"] = 99;
  auto r = results_from_json(doc);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("version 99"), std::string::npos);
  EXPECT_FALSE(results_from_json(nlohmann::json{{"schema", "other"}}));
  doc["version"] = kSchemaVersion;
  doc["sections"]["bench"]["samples"] = "three";
  EXPECT_FALSE(results_from_json(doc));
}

} // namespace
} // namespace isobox::eval
