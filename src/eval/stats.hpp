// Statistics for the eval: percentiles, geometric mean, bootstrap confidence intervals, line fit.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace isobox::eval {

/// min / median / p90 / mean of a sample set (all 0 when empty).
struct Summary {
  double min = 0;
  double median = 0;
  double p90 = 0;
  double mean = 0;
  std::size_t count = 0;
};

/// The p-quantile (0..1) with linear interpolation between closest ranks; 0 when empty.
double percentile(std::span<const double> values, double p);
double median(std::span<const double> values);
Summary summarize(std::span<const double> values);

/// Geometric mean of positive values; 0 when empty or any value is not positive.
double geomean(std::span<const double> values);

/// A two-sided interval, e.g. a 95% confidence interval.
struct Interval {
  double low = 0;
  double high = 0;
};

/// Percentile-bootstrap confidence interval of the median: `resamples` resamples with
/// replacement (deterministic for a given seed).
Interval bootstrap_median_ci(std::span<const double> values, double confidence = 0.95,
                             int resamples = 2000, std::uint64_t seed = 1);

/// Least-squares line y = intercept + slope * x.
struct LinearFit {
  double intercept = 0;
  double slope = 0;
};
LinearFit fit_line(std::span<const double> xs, std::span<const double> ys);

} // namespace isobox::eval
