// The audit's part of the report: verdict matrix, counts per backend, scenario details.
#include "eval/audit/audit_report.hpp"

#include <map>

#include "eval/audit/audit.hpp"
#include "eval/audit/scenario.hpp"

namespace isobox::eval::audit {
namespace {

using nlohmann::json;

std::vector<std::string> available_backends(const json &audit) {
  std::vector<std::string> names;
  for (const auto &b : audit.value("backends", json::array()))
    if (b.value("available", false))
      names.push_back(b.value("name", ""));
  return names;
}

// "blocked", or "escaped ≠ expected blocked" for a mismatch; the class colours the HTML cell.
Cell verdict_cell(const json &o) {
  const std::string v = o.value("verdict", "");
  const std::string e = o.value("expected", "");
  Cell c{v};
  c.cls = "v-" + v;
  if (v != e) {
    c.text = "MISMATCH " + v + " (expected " + e + ")";
    c.cls += " mismatch";
  }
  return c;
}

Table matrix(const json &audit) {
  const auto backends = available_backends(audit);
  std::map<std::pair<std::string, std::string>, json> cells;
  for (const auto &o : audit.value("outcomes", json::array()))
    cells[{o.value("scenario", ""), o.value("backend", "")}] = o;
  Table t{{"scenario", "threat"}};
  for (const auto &b : backends)
    t.header.push_back(b);
  for (const auto &s : audit.value("scenarios", json::array())) {
    const std::string id = s.value("id", "");
    std::vector<Cell> row{{id}, {s.value("threat", "")}};
    for (const auto &b : backends) {
      auto it = cells.find({id, b});
      row.push_back(it == cells.end() ? Cell{"-"} : verdict_cell(it->second));
    }
    t.rows.push_back(row);
  }
  return t;
}

Table count_table(const json &audit) {
  Table t{{"backend"}};
  for (const auto &v : verdict_names())
    t.header.push_back(v);
  t.header.push_back("mismatches");
  for (const auto &b : available_backends(audit)) {
    const json c = audit.value("counts", json::object()).value(b, json::object());
    std::vector<Cell> row{{b}};
    for (const auto &v : verdict_names())
      row.push_back({std::to_string(c.value(v, 0))});
    int bad = 0;
    for (const auto &o : audit.value("outcomes", json::array()))
      bad += o.value("backend", "") == b && o.value("verdict", "") != o.value("expected", "");
    row.push_back({std::to_string(bad)});
    t.rows.push_back(row);
  }
  return t;
}

Section details(const json &audit) {
  Section s{.id = "audit-details", .title = "Audit: scenarios and what the host check saw"};
  Table scen{{"scenario", "group", "attempt", "host check"}};
  for (const auto &sc : audit.value("scenarios", json::array()))
    scen.rows.push_back({{sc.value("id", "")},
                         {sc.value("group", "")},
                         {sc.value("attempt", "")},
                         {sc.value("host_check", "")}});
  Table seen{{"scenario", "backend", "verdict", "expected", "detail"}};
  for (const auto &o : audit.value("outcomes", json::array()))
    if (o.value("verdict", "") != "not-applicable" && o.value("verdict", "") != "not-expressible")
      seen.rows.push_back({{o.value("scenario", "")},
                           {o.value("backend", "")},
                           {o.value("verdict", "")},
                           {o.value("expected", "")},
                           {o.value("detail", "")}});
  s.tables = {scen, seen};
  return s;
}

} // namespace

std::vector<Section> audit_sections(const json &audit) {
  Section s{.id = "audit", .title = "Audit: the same attacks in every sandbox"};
  s.paragraphs.push_back(
      "Each scenario is a C program run in every backend; the verdict comes from a host-side "
      "check (canary content in the output, files created or deleted on the host, mounts, keys, "
      "fds and namespaces of the sandboxed process seen from the host, a host process traced or "
      "killed) together with the program's own report line. blocked = the attempt failed; "
      "contained = it succeeded inside with no host effect; escaped = the host saw the effect; "
      "native is the unsandboxed baseline and should show escaped, proving each check can fail.");
  s.paragraphs.push_back(
      fmt::format("{} outcome(s) differ from the expected verdict.", mismatches(audit)));
  for (const auto &b : audit.value("backends", json::array()))
    if (!b.value("available", false))
      s.bullets.push_back(b.value("name", "") + " skipped: " + b.value("skip_reason", ""));
  s.tables = {matrix(audit), count_table(audit)};
  return {s, details(audit)};
}

} // namespace isobox::eval::audit
