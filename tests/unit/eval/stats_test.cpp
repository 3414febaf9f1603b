// Unit tests for the eval's statistics: percentiles, geomean, bootstrap interval, line fit.
#include <gtest/gtest.h>

#include <vector>

#include "eval/stats.hpp"

namespace isobox::eval {
namespace {

TEST(EvalStats, MedianOfOddAndEvenCounts) {
  EXPECT_DOUBLE_EQ(median(std::vector<double>{5, 1, 3}), 3);
  EXPECT_DOUBLE_EQ(median(std::vector<double>{4, 1, 3, 2}), 2.5);
  EXPECT_DOUBLE_EQ(median(std::vector<double>{}), 0);
}

TEST(EvalStats, PercentileInterpolatesBetweenRanks) {
  const std::vector<double> v{10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
  EXPECT_DOUBLE_EQ(percentile(v, 0.9), 91);
  EXPECT_DOUBLE_EQ(percentile(v, 0), 10);
  EXPECT_DOUBLE_EQ(percentile(v, 1), 100);
}

TEST(EvalStats, SummaryHasMinMedianP90Mean) {
  const auto s = summarize(std::vector<double>{3, 1, 2, 10});
  EXPECT_DOUBLE_EQ(s.min, 1);
  EXPECT_DOUBLE_EQ(s.median, 2.5);
  EXPECT_NEAR(s.p90, 7.9, 1e-9);
  EXPECT_DOUBLE_EQ(s.mean, 4);
  EXPECT_EQ(s.count, 4u);
}

TEST(EvalStats, GeomeanAndNonPositiveInput) {
  EXPECT_NEAR(geomean(std::vector<double>{1, 4, 16}), 4, 1e-12);
  EXPECT_DOUBLE_EQ(geomean(std::vector<double>{2, 0}), 0);
  EXPECT_DOUBLE_EQ(geomean(std::vector<double>{}), 0);
}

TEST(EvalStats, BootstrapIntervalContainsMedianAndNarrowsWithData) {
  std::vector<double> few{1.0, 1.2, 0.9, 1.1, 1.05};
  std::vector<double> many;
  for (int i = 0; i < 200; i++)
    many.push_back(few[static_cast<std::size_t>(i) % few.size()]);
  const auto a = bootstrap_median_ci(few);
  const auto b = bootstrap_median_ci(many);
  EXPECT_LE(a.low, median(few));
  EXPECT_GE(a.high, median(few));
  EXPECT_LT(b.high - b.low, a.high - a.low);
  const auto again = bootstrap_median_ci(few);
  EXPECT_DOUBLE_EQ(again.low, a.low); // deterministic for a seed
}

TEST(EvalStats, BootstrapOfConstantSamplesIsAPoint) {
  const auto ci = bootstrap_median_ci(std::vector<double>{2, 2, 2});
  EXPECT_DOUBLE_EQ(ci.low, 2);
  EXPECT_DOUBLE_EQ(ci.high, 2);
}

TEST(EvalStats, FitLineRecoversInterceptAndSlope) {
  const auto fit = fit_line(std::vector<double>{1, 2, 4, 8}, std::vector<double>{5, 7, 11, 19});
  EXPECT_NEAR(fit.intercept, 3, 1e-9);
  EXPECT_NEAR(fit.slope, 2, 1e-9);
}

} // namespace
} // namespace isobox::eval
