// The audit's scenarios as data: parsing and validating one JSON file per scenario.
#include "eval/audit/scenario.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>

#ifndef ISOBOX_EVAL_AUDIT_SCENARIOS
#define ISOBOX_EVAL_AUDIT_SCENARIOS "audit-scenarios"
#endif
#ifndef ISOBOX_EVAL_AUDIT_PROGRAMS
#define ISOBOX_EVAL_AUDIT_PROGRAMS "eval-audit"
#endif

namespace isobox::eval::audit {
namespace {

const std::vector<std::string> kCheckKinds = {"secret_absent",
                                              "file_absent",
                                              "canary_intact",
                                              "device_unread",
                                              "mount_absent",
                                              "victim_untraced",
                                              "victim_alive",
                                              "object_absent",
                                              "userns_absent",
                                              "key_absent",
                                              "trap",
                                              "report",
                                              "no_survivor",
                                              "listener_untouched",
                                              "caps_absent",
                                              "exe_absent",
                                              "measure",
                                              "tree_intact",
                                              "root_file_absent"};

Result<std::string> text(const nlohmann::json &doc, const char *field) {
  if (!doc.contains(field) || !doc[field].is_string() || doc[field].get<std::string>().empty())
    return make_error("field \"{}\" missing or not a non-empty string", field);
  return doc[field].get<std::string>();
}

// program, args and check: what a scenario runs and how the host is checked.
Result<void> parse_program(const nlohmann::json &doc, Scenario &s) {
  s.program = ISOBOX_TRY(text(doc, "program"));
  if (!doc.contains("args") || !doc["args"].is_array())
    return make_error("field \"args\" missing or not an array");
  for (const auto &a : doc["args"]) {
    if (!a.is_string())
      return make_error("\"args\" holds a non-string");
    s.args.push_back(a.get<std::string>());
  }
  if (!doc.contains("check") || !doc["check"].is_object())
    return make_error("field \"check\" missing or not an object");
  const nlohmann::json &check = doc["check"];
  s.check.kind = ISOBOX_TRY(text(check, "kind"));
  if (std::find(kCheckKinds.begin(), kCheckKinds.end(), s.check.kind) == kCheckKinds.end())
    return make_error("unknown check kind \"{}\"", s.check.kind);
  s.check.secret = check.value("secret", "");
  s.check.path = check.value("path", "");
  s.check.fd = check.value("fd", "");
  s.check.private_ns = check.value("private_ns", "");
  return {};
}

// user and privileged_helper: who runs the program, what the harness places beside it.
Result<void> parse_run_options(const nlohmann::json &doc, Scenario &s) {
  s.privileged_helper = doc.value("privileged_helper", "");
  if (!s.privileged_helper.empty() && s.privileged_helper != "suid" &&
      s.privileged_helper != "fcap")
    return make_error("privileged_helper \"{}\" is neither suid nor fcap", s.privileged_helper);
  s.user = doc.value("user", -1);
  if (s.user < -1 || s.user > 65535)
    return make_error("user {} outside 0-65535", s.user);
  return {};
}

} // namespace

std::string Scenario::expected_for(const std::string &backend, const std::string &kind) const {
  for (const std::string &key : {backend, kind == "baseline" ? std::string("native") : kind})
    if (auto it = expected.find(key); it != expected.end())
      return it->second;
  return "blocked";
}

Result<Scenario> parse_scenario(const nlohmann::json &doc) {
  if (!doc.is_object())
    return make_error("not a JSON object");
  Scenario s;
  s.id = ISOBOX_TRY(text(doc, "id"));
  s.group = ISOBOX_TRY(text(doc, "group"));
  s.threat = ISOBOX_TRY(text(doc, "threat"));
  s.attempt = ISOBOX_TRY(text(doc, "attempt"));
  s.host_check = ISOBOX_TRY(text(doc, "host_check"));
  if (doc.contains("modelled_by")) {
    s.modelled_by = ISOBOX_TRY(text(doc, "modelled_by"));
    if (doc.contains("program") || doc.contains("check"))
      return make_error("a modelled scenario has no \"program\" or \"check\"");
  } else {
    ISOBOX_CHECK(parse_program(doc, s));
  }
  s.symlink_race = doc.value("symlink_race", false);
  if (doc.contains("quick") && !doc["quick"].is_boolean())
    return make_error("field \"quick\" is not a boolean");
  s.quick = doc.value("quick", true);
  ISOBOX_CHECK(parse_run_options(doc, s));
  s.timeout_s = doc.value("timeout_s", 0.0);
  if (s.timeout_s < 0 || s.timeout_s > 600)
    return make_error("timeout_s {} outside 0-600", s.timeout_s);
  if (!doc.contains("expected") || !doc["expected"].is_object())
    return make_error("field \"expected\" missing or not an object");
  for (const auto &[key, value] : doc["expected"].items()) {
    const std::string v = value.is_string() ? value.get<std::string>() : "";
    if (std::find(verdict_names().begin(), verdict_names().end(), v) == verdict_names().end())
      return make_error("expected[{}]: unknown verdict \"{}\"", key, v);
    s.expected[key] = v;
  }
  return s;
}

Result<std::vector<Scenario>> load_scenarios(const std::string &dir) {
  std::vector<Scenario> all;
  std::error_code ec;
  for (const auto &entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".json")
      continue;
    std::ifstream in(entry.path());
    auto doc = nlohmann::json::parse(in, nullptr, false);
    if (doc.is_discarded())
      return make_error("{}: not valid JSON", entry.path().string());
    auto s = parse_scenario(doc);
    if (!s)
      return make_error("{}: {}", entry.path().string(), s.error().message);
    if (s->id != entry.path().stem().string())
      return make_error("{}: id \"{}\" differs from the file name", entry.path().string(), s->id);
    all.push_back(std::move(*s));
  }
  if (ec)
    return make_error("scenario directory {}: {}", dir, ec.message());
  if (all.empty())
    return make_error("no scenarios (*.json) in {}", dir);
  std::sort(all.begin(), all.end(), [](const auto &a, const auto &b) {
    return std::tie(a.group, a.id) < std::tie(b.group, b.id);
  });
  return all;
}

std::string default_scenario_dir() {
  if (const char *env = std::getenv("ISOBOX_EVAL_AUDIT_SCENARIOS"); env && *env)
    return env;
  return ISOBOX_EVAL_AUDIT_SCENARIOS;
}

std::string default_program_dir() {
  if (const char *env = std::getenv("ISOBOX_EVAL_AUDIT_PROGRAMS"); env && *env)
    return env;
  return ISOBOX_EVAL_AUDIT_PROGRAMS;
}

} // namespace isobox::eval::audit
