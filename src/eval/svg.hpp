// SVG charts drawn by isobox for the report (no JS, no network): bars, strips, lines.
#pragma once

#include <string>
#include <vector>

namespace isobox::eval::svg {

/// One named series of values (bars: one value per category; NaN or <= 0 = no bar).
struct Series {
  std::string name;
  std::vector<double> values;
};

/// Grouped vertical bars: a group per category, a bar per series. `reference` draws a dashed
/// horizontal line (e.g. 1.0 = native) when > 0. Each bar is <rect class="bar" data-value>.
std::string bar_chart(const std::string &title, const std::vector<std::string> &categories,
                      const std::vector<Series> &series, const std::string &unit, bool log_scale,
                      double reference = 0);

/// One column of points per group (each sample a <circle class="pt">) with the median as a
/// <line class="median" data-value>; log scale on y.
std::string strip_chart(const std::string &title, const std::vector<Series> &groups,
                        const std::string &unit);

/// Lines through (x, y) points, log-log; each series a <path class="curve"> with
/// <circle class="pt"> per point.
struct Curve {
  std::string name;
  std::vector<double> xs;
  std::vector<double> ys;
};
std::string line_chart(const std::string &title, const std::vector<Curve> &curves,
                       const std::string &x_label, const std::string &y_label);

/// Escapes &, <, >, " for XML text and attributes.
std::string escape(const std::string &text);
/// A fixed colour per series index.
std::string colour(std::size_t index);

} // namespace isobox::eval::svg
