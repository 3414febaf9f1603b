// Unit tests for the report's SVG charts and for selecting backends/workloads by name.
#include <gtest/gtest.h>

#include <cmath>
#include <regex>

#include "eval/svg.hpp"
#include "eval/workloads.hpp"

namespace isobox::eval {
namespace {

int count(const std::string &text, const std::string &needle) {
  int n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    n++;
  return n;
}

TEST(EvalSvg, BarChartDrawsOneBarPerPositiveValue) {
  const auto out =
      svg::bar_chart("t", {"a", "b", "c"}, {{"x", {1, 2, 0}}, {"y", {4, NAN, 8}}}, "ms", true, 1.0);
  EXPECT_EQ(count(out, "class=\"bar\""), 4);
  EXPECT_EQ(count(out, "class=\"reference\""), 1);
  EXPECT_NE(out.find("data-value=\"8\""), std::string::npos);
  EXPECT_TRUE(out.starts_with("<svg"));
  EXPECT_TRUE(out.ends_with("</svg>\n"));
}

TEST(EvalSvg, BarHeightsFollowValuesOnALinearScale) {
  const auto out = svg::bar_chart("t", {"a", "b"}, {{"x", {1, 2}}}, "u", false);
  std::regex height("class=\"bar\"[^>]*height=\"([0-9.]+)\"");
  std::vector<double> heights;
  for (std::sregex_iterator it(out.begin(), out.end(), height), end; it != end; ++it)
    heights.push_back(std::stod((*it)[1]));
  ASSERT_EQ(heights.size(), 2u);
  EXPECT_NEAR(heights[1] / heights[0], 2.0, 0.01);
}

TEST(EvalSvg, StripChartHasEverySampleAndAMedian) {
  const auto out = svg::strip_chart("t", {{"a", {1, 2, 3}}, {"b", {10}}}, "ms");
  EXPECT_EQ(count(out, "class=\"pt\""), 4);
  EXPECT_EQ(count(out, "class=\"median\""), 2);
  EXPECT_NE(out.find("class=\"median\" data-value=\"2\""), std::string::npos);
}

TEST(EvalSvg, LineChartHasAPathPerCurve) {
  const auto out =
      svg::line_chart("t", {{"a", {1, 10, 100}, {1, 2, 3}}, {"b", {1}, {5}}}, "x", "y");
  EXPECT_EQ(count(out, "class=\"curve\""), 2);
  EXPECT_EQ(count(out, "class=\"pt\""), 4);
}

TEST(EvalSvg, TextIsEscaped) {
  const auto out = svg::bar_chart("a<b & \"c\"", {"<k>"}, {{"s&", {1}}}, "u", false);
  EXPECT_EQ(out.find("<b &"), std::string::npos);
  EXPECT_NE(out.find("a&lt;b &amp; &quot;c&quot;"), std::string::npos);
}

TEST(EvalSelect, EmptySelectionMeansAll) {
  auto r = select_names("", {"a", "b"}, "backend");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->size(), 2u);
}

TEST(EvalSelect, KeepsOrderAndDropsDuplicates) {
  auto r = select_names("b,a,b", {"a", "b", "c"}, "backend");
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, (std::vector<std::string>{"b", "a"}));
}

TEST(EvalSelect, UnknownNamesAreOneErrorListingValidOnes) {
  auto r = select_names("a,nope,zz", {"a", "b"}, "workload");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "unknown workload nope, zz (valid: a, b)");
  EXPECT_FALSE(select_names(",", {"a"}, "workload"));
}

TEST(EvalWorkloads, TableIsConsistent) {
  for (const auto &w : all_workloads()) {
    EXPECT_TRUE(w.kind == "startup" || w.kind == "compute" || w.kind == "memory" || w.kind == "io")
        << w.name;
    EXPECT_EQ(find_workload(w.name), &w);
  }
  EXPECT_EQ(find_workload("idle"), nullptr);
  int kernels = 0;
  for (const auto &w : all_workloads())
    kernels += w.kind == "compute";
  EXPECT_GE(kernels, 8);
}

} // namespace
} // namespace isobox::eval
