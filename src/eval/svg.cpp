// SVG charts drawn by isobox for the report (no JS, no network): bars, strips, lines.
#include "eval/svg.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "eval/stats.hpp"

namespace isobox::eval::svg {
namespace {

constexpr double kWidth = 760, kHeight = 320;
constexpr double kLeft = 70, kRight = 20, kTop = 40, kBottom = 70;

// Maps values to pixels on a linear or log axis spanning [lo, hi].
struct Axis {
  double lo, hi;
  bool log;
  double pixel_lo, pixel_hi;
  [[nodiscard]] double map(double v) const {
    const double a = log ? std::log10(lo) : lo, b = log ? std::log10(hi) : hi;
    const double x = log ? std::log10(std::max(v, lo)) : v;
    return pixel_lo + (x - a) / (b - a) * (pixel_hi - pixel_lo);
  }
};

// A range covering every positive finite value, padded; log ranges snap to powers of ten.
Axis make_axis(const std::vector<double> &values, bool log, double pixel_lo, double pixel_hi) {
  double lo = std::numeric_limits<double>::max(), hi = 0;
  for (double v : values)
    if (std::isfinite(v) && v > 0)
      lo = std::min(lo, v), hi = std::max(hi, v);
  if (hi <= 0)
    lo = 0.1, hi = 1;
  if (log)
    return {std::pow(10, std::floor(std::log10(lo))),
            std::pow(10, std::ceil(std::log10(hi * 1.01))), true, pixel_lo, pixel_hi};
  return {0, hi * 1.1, false, pixel_lo, pixel_hi};
}

std::string format_tick(double v) {
  if (v >= 1000 || (v > 0 && v < 0.01))
    return fmt::format("{:g}", v);
  return fmt::format("{:.3g}", v);
}

// Frame, title, gridlines and tick labels for a y axis.
std::string frame(const std::string &title, const Axis &y, const std::string &unit) {
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {} {}\" "
      "width=\"{}\" height=\"{}\" role=\"img\" aria-label=\"{}\">\n<title>{}</title>\n"
      "<text x=\"{}\" y=\"22\" class=\"title\" font-size=\"15\" font-weight=\"bold\">{}</text>\n",
      kWidth, kHeight, kWidth, kHeight, escape(title), escape(title), kLeft, escape(title));
  std::vector<double> ticks;
  if (y.log)
    for (double t = y.lo; t <= y.hi * 1.0001; t *= 10)
      ticks.push_back(t);
  else
    for (int i = 0; i <= 4; i++)
      ticks.push_back(y.lo + (y.hi - y.lo) * i / 4);
  for (double t : ticks) {
    const double py = y.map(t);
    out +=
        fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#ddd\"/>"
                    "<text x=\"{}\" y=\"{:.1f}\" font-size=\"11\" text-anchor=\"end\">{}</text>\n",
                    kLeft, kWidth - kRight, py, py, kLeft - 6, py + 4, format_tick(t));
  }
  out += fmt::format("<text x=\"14\" y=\"{}\" font-size=\"11\" transform=\"rotate(-90 14 {})\" "
                     "text-anchor=\"middle\">{}</text>\n",
                     kTop + (kHeight - kTop - kBottom) / 2, kTop + (kHeight - kTop - kBottom) / 2,
                     escape(unit));
  return out;
}

std::string legend(const std::vector<std::string> &names) {
  std::string out;
  double x = kLeft;
  for (std::size_t i = 0; i < names.size(); i++) {
    out += fmt::format("<rect x=\"{:.0f}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{}\"/>"
                       "<text x=\"{:.0f}\" y=\"{}\" font-size=\"11\">{}</text>\n",
                       x, kHeight - 18, colour(i), x + 14, kHeight - 9, escape(names[i]));
    x += 24 + 7.0 * static_cast<double>(names[i].size());
  }
  return out;
}

} // namespace

std::string escape(const std::string &text) {
  std::string out;
  for (char c : text) {
    switch (c) {
    case '&': out += "&amp;"; break;
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '"': out += "&quot;"; break;
    default: out += c;
    }
  }
  return out;
}

std::string colour(std::size_t index) {
  static const char *const palette[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2",
                                        "#59a14f", "#edc948", "#b07aa1", "#9c755f"};
  return palette[index % std::size(palette)];
}

std::string bar_chart(const std::string &title, const std::vector<std::string> &categories,
                      const std::vector<Series> &series, const std::string &unit, bool log_scale,
                      double reference) {
  std::vector<double> all;
  for (const auto &s : series)
    all.insert(all.end(), s.values.begin(), s.values.end());
  if (reference > 0)
    all.push_back(reference);
  const Axis y = make_axis(all, log_scale, kHeight - kBottom, kTop);
  std::string out = frame(title, y, unit);
  const double group_w = (kWidth - kLeft - kRight) / std::max<std::size_t>(categories.size(), 1);
  const double bar_w = group_w * 0.8 / std::max<std::size_t>(series.size(), 1);
  for (std::size_t c = 0; c < categories.size(); c++) {
    const double gx = kLeft + group_w * static_cast<double>(c);
    for (std::size_t s = 0; s < series.size(); s++) {
      const double v = c < series[s].values.size() ? series[s].values[c] : 0;
      if (!(std::isfinite(v) && v > 0))
        continue;
      const double top = y.map(v), base = y.map(y.lo);
      out += fmt::format("<rect class=\"bar\" data-series=\"{}\" data-category=\"{}\" "
                         "data-value=\"{:.6g}\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" "
                         "height=\"{:.1f}\" fill=\"{}\"><title>{} {}: {:.4g} {}</title></rect>\n",
                         escape(series[s].name), escape(categories[c]), v,
                         gx + group_w * 0.1 + bar_w * static_cast<double>(s), top, bar_w * 0.95,
                         std::max(base - top, 1.0), colour(s), escape(series[s].name),
                         escape(categories[c]), v, escape(unit));
    }
    out += fmt::format("<text x=\"{:.1f}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{}"
                       "</text>\n",
                       gx + group_w / 2, kHeight - kBottom + 15, escape(categories[c]));
  }
  if (reference > 0)
    out += fmt::format("<line class=\"reference\" x1=\"{}\" x2=\"{}\" y1=\"{:.1f}\" y2=\"{:.1f}\" "
                       "stroke=\"#333\" stroke-dasharray=\"4 3\"/>\n",
                       kLeft, kWidth - kRight, y.map(reference), y.map(reference));
  std::vector<std::string> names;
  for (const auto &s : series)
    names.push_back(s.name);
  return out + legend(names) + "</svg>\n";
}

std::string strip_chart(const std::string &title, const std::vector<Series> &groups,
                        const std::string &unit) {
  std::vector<double> all;
  for (const auto &g : groups)
    all.insert(all.end(), g.values.begin(), g.values.end());
  const Axis y = make_axis(all, true, kHeight - kBottom, kTop);
  std::string out = frame(title, y, unit);
  const double col_w = (kWidth - kLeft - kRight) / std::max<std::size_t>(groups.size(), 1);
  for (std::size_t g = 0; g < groups.size(); g++) {
    const double cx = kLeft + col_w * (static_cast<double>(g) + 0.5);
    const auto &vals = groups[g].values;
    for (std::size_t i = 0; i < vals.size(); i++) {
      const double jitter = (static_cast<double>(i % 7) - 3) * col_w * 0.06;
      out += fmt::format("<circle class=\"pt\" data-value=\"{:.6g}\" cx=\"{:.1f}\" cy=\"{:.1f}\" "
                         "r=\"3\" fill=\"{}\" fill-opacity=\"0.6\"/>\n",
                         vals[i], cx + jitter, y.map(vals[i]), colour(g));
    }
    if (!vals.empty()) {
      const double m = median(vals);
      out += fmt::format("<line class=\"median\" data-value=\"{:.6g}\" x1=\"{:.1f}\" x2=\"{:.1f}\" "
                         "y1=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#000\" stroke-width=\"2\"/>\n",
                         m, cx - col_w * 0.3, cx + col_w * 0.3, y.map(m), y.map(m));
    }
    out += fmt::format("<text x=\"{:.1f}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{}"
                       "</text>\n",
                       cx, kHeight - kBottom + 15, escape(groups[g].name));
  }
  return out + "</svg>\n";
}

std::string line_chart(const std::string &title, const std::vector<Curve> &curves,
                       const std::string &x_label, const std::string &y_label) {
  std::vector<double> xs, ys;
  for (const auto &c : curves)
    xs.insert(xs.end(), c.xs.begin(), c.xs.end()), ys.insert(ys.end(), c.ys.begin(), c.ys.end());
  const Axis y = make_axis(ys, true, kHeight - kBottom, kTop);
  const Axis x = make_axis(xs, true, kLeft, kWidth - kRight);
  std::string out = frame(title, y, y_label);
  for (double t = x.lo; t <= x.hi * 1.0001; t *= 10)
    out += fmt::format("<text x=\"{:.1f}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{}"
                       "</text>\n",
                       x.map(t), kHeight - kBottom + 15, format_tick(t));
  out += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{}</text>\n",
                     (kLeft + kWidth - kRight) / 2, kHeight - kBottom + 32, escape(x_label));
  std::vector<std::string> names;
  for (std::size_t c = 0; c < curves.size(); c++) {
    names.push_back(curves[c].name);
    std::string d, points;
    for (std::size_t i = 0; i < std::min(curves[c].xs.size(), curves[c].ys.size()); i++) {
      const double px = x.map(curves[c].xs[i]), py = y.map(curves[c].ys[i]);
      d += fmt::format("{}{:.1f},{:.1f} ", i == 0 ? "M" : "L", px, py);
      points += fmt::format("<circle class=\"pt\" data-value=\"{:.6g}\" cx=\"{:.1f}\" "
                            "cy=\"{:.1f}\" r=\"3\" fill=\"{}\"/>\n",
                            curves[c].ys[i], px, py, colour(c));
    }
    if (!d.empty())
      out += fmt::format("<path class=\"curve\" data-series=\"{}\" d=\"{}\" fill=\"none\" "
                         "stroke=\"{}\" stroke-width=\"2\"/>\n{}",
                         escape(curves[c].name), d, colour(c), points);
  }
  return out + legend(names) + "</svg>\n";
}

} // namespace isobox::eval::svg
