// Statistics for the eval: percentiles, geometric mean, bootstrap confidence intervals, line fit.
#include "eval/stats.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

namespace isobox::eval {

double percentile(std::span<const double> values, double p) {
  if (values.empty())
    return 0;
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  const double rank = std::clamp(p, 0.0, 1.0) * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(rank));
  const auto hi = static_cast<std::size_t>(std::ceil(rank));
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - static_cast<double>(lo));
}

double median(std::span<const double> values) { return percentile(values, 0.5); }

Summary summarize(std::span<const double> values) {
  Summary s;
  if (values.empty())
    return s;
  s.count = values.size();
  s.min = *std::min_element(values.begin(), values.end());
  s.median = median(values);
  s.p90 = percentile(values, 0.9);
  s.mean = std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(s.count);
  return s;
}

double geomean(std::span<const double> values) {
  if (values.empty())
    return 0;
  double log_sum = 0;
  for (double v : values) {
    if (!(v > 0))
      return 0;
    log_sum += std::log(v);
  }
  return std::exp(log_sum / static_cast<double>(values.size()));
}

Interval bootstrap_median_ci(std::span<const double> values, double confidence, int resamples,
                             std::uint64_t seed) {
  if (values.empty())
    return {};
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::size_t> pick(0, values.size() - 1);
  std::vector<double> medians;
  medians.reserve(static_cast<std::size_t>(resamples));
  std::vector<double> resample(values.size());
  for (int r = 0; r < resamples; r++) {
    for (double &v : resample)
      v = values[pick(rng)];
    medians.push_back(median(resample));
  }
  const double tail = (1.0 - confidence) / 2.0;
  return {percentile(medians, tail), percentile(medians, 1.0 - tail)};
}

LinearFit fit_line(std::span<const double> xs, std::span<const double> ys) {
  const std::size_t n = std::min(xs.size(), ys.size());
  if (n == 0)
    return {};
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < n; i++)
    mx += xs[i], my += ys[i];
  mx /= static_cast<double>(n), my /= static_cast<double>(n);
  double sxy = 0, sxx = 0;
  for (std::size_t i = 0; i < n; i++)
    sxy += (xs[i] - mx) * (ys[i] - my), sxx += (xs[i] - mx) * (xs[i] - mx);
  const double slope = sxx > 0 ? sxy / sxx : 0;
  return {my - slope * mx, slope};
}

} // namespace isobox::eval
