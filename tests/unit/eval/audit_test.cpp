// Unit tests for the audit: scenario files parsed and refused, expected verdicts by name or kind,
// every shipped scenario valid, the report's verdict matrix marking mismatches.
#include <gtest/gtest.h>

#include "eval/audit/audit.hpp"
#include "eval/audit/audit_report.hpp"
#include "eval/audit/scenario.hpp"

namespace isobox::eval::audit {
namespace {

nlohmann::json valid() {
  return nlohmann::json::parse(R"({"id": "x", "group": "files", "threat": "t", "attempt": "a",
    "program": "read_path", "args": ["{canary}"], "host_check": "h",
    "check": {"kind": "secret_absent", "secret": "canary"},
    "expected": {"native": "escaped", "container": "blocked", "runc": "contained"}})");
}

TEST(AuditScenario, ParsesAndLooksUpExpectedByNameThenKind) {
  auto s = parse_scenario(valid());
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->expected_for("native", "baseline"), "escaped");
  EXPECT_EQ(s->expected_for("runc", "container"), "contained");
  EXPECT_EQ(s->expected_for("crun", "container"), "blocked");
  EXPECT_EQ(s->check.secret, "canary");
}

TEST(AuditScenario, RefusesBadFilesWithOneClearError) {
  auto bad_verdict = valid();
  bad_verdict["expected"]["native"] = "pwned";
  auto r = parse_scenario(bad_verdict);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("pwned"), std::string::npos);
  auto bad_check = valid();
  bad_check["check"]["kind"] = "vibes";
  EXPECT_FALSE(parse_scenario(bad_check));
  auto no_args = valid();
  no_args.erase("args");
  EXPECT_FALSE(parse_scenario(no_args));
  auto no_expected = valid();
  no_expected.erase("expected");
  EXPECT_FALSE(parse_scenario(no_expected));
  EXPECT_FALSE(parse_scenario(nlohmann::json::array()));
}

TEST(AuditScenario, EveryShippedScenarioLoads) {
  auto all = load_scenarios(default_scenario_dir());
  ASSERT_TRUE(all) << all.error().message;
  EXPECT_GE(all->size(), 30u);
}

TEST(AuditReport, MatrixMarksMismatchesAndCountsThem) {
  nlohmann::json audit = {
      {"scenarios", {{{"id", "s1"}, {"threat", "t"}}}},
      {"backends",
       {{{"name", "native"}, {"available", true}}, {{"name", "runc"}, {"available", true}}}},
      {"outcomes",
       {{{"scenario", "s1"},
         {"backend", "native"},
         {"verdict", "escaped"},
         {"expected", "escaped"}},
        {{"scenario", "s1"},
         {"backend", "runc"},
         {"verdict", "escaped"},
         {"expected", "blocked"}}}},
      {"counts", {{"native", {{"escaped", 1}}}, {"runc", {{"escaped", 1}}}}}};
  EXPECT_EQ(mismatches(audit), 1);
  auto sections = audit_sections(audit);
  ASSERT_FALSE(sections.empty());
  const Table &m = sections[0].tables.at(0);
  ASSERT_EQ(m.rows.size(), 1u);
  EXPECT_EQ(m.rows[0][2].text, "escaped");
  EXPECT_EQ(m.rows[0][2].cls, "v-escaped");
  EXPECT_EQ(m.rows[0][3].text, "MISMATCH escaped (expected blocked)");
  EXPECT_NE(m.rows[0][3].cls.find("mismatch"), std::string::npos);
  const std::string html = render_html(sections, "t");
  EXPECT_NE(html.find("class=\"v-escaped mismatch\""), std::string::npos);
}

} // namespace
} // namespace isobox::eval::audit
