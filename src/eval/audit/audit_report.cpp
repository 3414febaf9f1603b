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
// Detail rows exist for the verdicts that ran; the others link to the scenario's description.
std::string detail_anchor(const json &o) {
  const std::string v = o.value("verdict", "");
  if (v == "not-applicable" || v == "not-expressible")
    return "s-" + o.value("scenario", "");
  return "d-" + o.value("scenario", "") + "-" + o.value("backend", "");
}

Cell verdict_cell(const json &o) {
  const std::string v = o.value("verdict", "");
  const std::string e = o.value("expected", "");
  Cell c{v};
  c.cls = "v-" + v;
  c.href = "#" + detail_anchor(o);
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

// "95: /dev/kvm, /dev/vda, ... (+89)": a count and the first few names.
std::string some(const json &list, std::size_t shown) {
  std::string out = std::to_string(list.size());
  for (std::size_t i = 0; i < list.size() && i < shown; i++)
    out += (i == 0 ? ": " : ", ") + list[i].get<std::string>();
  if (list.size() > shown)
    out += fmt::format(", ... (+{})", list.size() - shown);
  return out;
}

Table surface_table(const json &audit) {
  Table t{{"backend", "syscalls allowed", "capabilities (CapEff)", "no_new_privs",
           "private namespaces", "writable paths", "device nodes"}};
  for (const auto &s : audit.value("surface", json::array())) {
    if (s.contains("error")) {
      t.rows.push_back({{s.value("backend", "")}, {"not measured: " + s.value("error", "")}});
      continue;
    }
    const json &sys = s["syscalls"];
    const json &caps = s["capabilities"];
    const std::string allowed =
        sys["allowed"].is_null() ? "?" : std::to_string(sys["allowed"].get<int>());
    t.rows.push_back({{s.value("backend", "")},
                      {fmt::format("{} of {} (seccomp: {})", allowed, sys.value("total", 0),
                                   sys.value("seccomp", ""))},
                      {fmt::format("{} of {} ({})", caps.value("held", 0), caps.value("total", 0),
                                   caps.value("CapEff", ""))},
                      {s.value("no_new_privs", false) ? "yes" : "no"},
                      {s["namespaces"].empty() ? "none (the host's)" : some(s["namespaces"], 8)},
                      {some(s["writable"], 12)},
                      {some(s["devices"], 6)}});
  }
  return t;
}

Section details(const json &audit) {
  Section s{.id = "audit-details", .title = "Audit: scenarios and what the host check saw"};
  Table scen{{"scenario", "group", "attempt", "host check"}};
  for (const auto &sc : audit.value("scenarios", json::array()))
    scen.rows.push_back({{.text = sc.value("id", ""), .anchor = "s-" + sc.value("id", "")},
                         {sc.value("group", "")},
                         {sc.value("attempt", "")},
                         {sc.value("host_check", "")}});
  Table seen{{"scenario", "backend", "verdict", "expected", "detail"}};
  for (const auto &o : audit.value("outcomes", json::array()))
    if (o.value("verdict", "") != "not-applicable" && o.value("verdict", "") != "not-expressible")
      seen.rows.push_back({{.text = o.value("scenario", ""), .anchor = detail_anchor(o)},
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
  s.paragraphs.push_back(
      "Attack surface (the last table), measured per backend by a probe held inside it: the "
      "process the sandbox runs (the engine's for Wasm) read from the host: CapEff, seccomp mode "
      "and NoNewPrivs from /proc/<pid>/status, namespaces that differ from the harness's; "
      "syscalls allowed = all of libseccomp's x86-64 table without a filter, the engine's own "
      "allowlist for isobox-wasm; writable paths and device nodes as the program inside sees them "
      "(a file created and removed at once in candidate directories, sensitive files only opened "
      "for writing; /dev nodes access() allows).");
  s.tables = {matrix(audit), count_table(audit), surface_table(audit)};
  return {s, details(audit)};
}

} // namespace isobox::eval::audit
