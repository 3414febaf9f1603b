// `isobox eval audit`: sets up the host canaries, prepares every selected backend, runs every
// scenario in each and records the verdicts as the "audit" section of results.json.
#include "eval/audit/audit.hpp"

#include <filesystem>
#include <map>
#include <optional>

#include "common/log.hpp"
#include "eval/audit/host_check.hpp"
#include "eval/audit/privileged_helper.hpp"
#include "eval/audit/race.hpp"
#include "eval/audit/surface.hpp"
#include "eval/backend.hpp"
#include "eval/interrupt.hpp"

namespace isobox::eval::audit {

namespace fs = std::filesystem;

namespace {

struct Plan {
  const AuditOptions &opt;
  HostEnv &host;
  double timeout_s;
};

bool has_program(const AuditOptions &opt, const Scenario &s, const Backend &b) {
  const std::string ext = b.info().kind == "wasm" ? ".wasm" : ".native";
  return fs::exists(opt.program_dir + "/" + s.program + ext);
}

// The racer's directory: the backend's own io-<name> (native, engines), else the OCI backends'
// shared rootfs scratch; one directory keeps the swap rate high.
std::vector<std::string> race_dirs(const HostEnv &host, const Backend &b) {
  const auto dirs = host.writable_dirs();
  for (const auto &d : dirs)
    if (d.ends_with("/io-" + b.name()))
      return {d};
  for (const auto &d : dirs)
    if (d.ends_with("/rootfs/scratch"))
      return {d};
  return dirs;
}

// Runs the program through the backend; a held program is inspected before stdin closes.
Result<Observation> observe(Plan &plan, Backend &b, const Scenario &s) {
  RunSpec spec{s.program, {plan.host.nonce()}, s.user};
  for (const auto &a : s.args) // {race_s}: how long race_read races, 1 s quick, 3 s full
    spec.args.push_back(a == "{race_s}" ? (plan.opt.quick ? "1" : "3") : plan.host.substitute(a));
  if (!s.privileged_helper.empty())
    ISOBOX_CHECK(place_privileged_helper(plan.opt.program_dir, s.privileged_helper,
                                         race_dirs(plan.host, b)));
  const Command cmd = ISOBOX_TRY(b.command(spec));
  b.before_run();
  Observation obs;
  if (!s.holds()) {
    std::optional<SymlinkRacer> racer;
    if (s.symlink_race)
      racer.emplace(race_dirs(plan.host, b), "audit-race-" + plan.host.nonce(),
                    plan.host.canary_dir() + "/canary");
    obs.run = ISOBOX_TRY(run_command(cmd, s.timeout_s > 0 ? s.timeout_s : plan.timeout_s));
    racer.reset();
    parse_report(obs, plan.host.nonce());
    return obs;
  }
  RunningChild child = ISOBOX_TRY(spawn_child(cmd));
  auto text = read_until(child.stdout_r.get(), "HOLD", plan.timeout_s);
  obs.held = true;
  obs.run.out = text ? *text : "";
  obs.run.err = text ? "" : text.error().message;
  obs.run.exit_code = 0;
  parse_report(obs, plan.host.nonce());
  if (text)
    inspect_held(s, plan.host, obs);
  finish_child(child, plan.timeout_s);
  return obs;
}

// A modelled scenario (a runtime-side race): not-expressible where an OCI runtime sets the sandbox
// up (the detail names the tests/oci test that drives it), not-applicable elsewhere.
Outcome modelled_outcome(Outcome o, const Backend &b, const Scenario &s) {
  const bool runtime = b.info().kind == "container" || b.name().ends_with("-container");
  o.verdict = runtime ? "not-expressible" : "not-applicable";
  o.detail = runtime ? s.modelled_by
                     : "the attack targets an OCI runtime's container setup, which this sandbox "
                       "does not go through";
  return o;
}

Outcome run_one(Plan &plan, Backend &b, const Scenario &s) {
  Outcome o{s.id, b.name(), "", s.expected_for(b.name(), b.info().kind), ""};
  if (s.modelled())
    return modelled_outcome(std::move(o), b, s);
  if (!has_program(plan.opt, s, b)) {
    const bool wasm = b.info().kind == "wasm";
    o.verdict = wasm ? "not-expressible" : "not-applicable";
    o.detail = wasm ? "no wasm32-wasi program: WASI offers no way to attempt it"
                    : "a WebAssembly-only attack";
    return o;
  }
  auto reset =
      plan.host.reset(s.args.end() != std::find_if(s.args.begin(), s.args.end(), [](const auto &a) {
                        return a.find("{victim}") != std::string::npos;
                      }));
  auto obs = reset ? observe(plan, b, s) : std::unexpected(reset.error());
  if (!obs) {
    o.verdict = "error";
    o.detail = obs.error().message;
  } else {
    const Verdict v = judge(s, plan.host, *obs);
    o.verdict = v.verdict;
    o.detail = v.detail;
    if (v.verdict == "not-applicable") // the host itself lacks what the check needs
      o.expected = v.verdict;
  }
  plan.host.cleanup_after_run();
  return o;
}

nlohmann::json scenario_json(const Scenario &s) {
  return {{"id", s.id},           {"group", s.group},           {"threat", s.threat},
          {"attempt", s.attempt}, {"host_check", s.host_check}, {"program", s.program}};
}

nlohmann::json counts(const std::vector<Outcome> &outcomes) {
  std::map<std::string, std::map<std::string, int>> c;
  for (const auto &o : outcomes)
    c[o.backend][o.verdict]++;
  return c;
}

// Prepares one backend (recorded in section["backends"], skipped with its reason) and runs
// every chosen scenario in it, until done or interrupted.
void run_backend(Plan &plan, Backend &b, const BackendEnv &env, const std::vector<Scenario> &chosen,
                 nlohmann::json &section, std::vector<Outcome> &outcomes) {
  auto ready = b.prepare(env);
  section["backends"].push_back({{"name", b.name()},
                                 {"kind", b.info().kind},
                                 {"available", ready.has_value()},
                                 {"skip_reason", ready ? "" : ready.error().message},
                                 {"version", b.info().version}});
  if (!ready)
    log::info("eval audit: {} skipped: {}", b.name(), ready.error().message);
  if (ready && !interrupted()) {
    auto surface = measure_surface(b, plan.host, plan.opt.program_dir, plan.timeout_s);
    section["surface"].push_back(
        surface ? *surface
                : nlohmann::json{{"backend", b.name()}, {"error", surface.error().message}});
  }
  for (const auto &s : chosen) {
    if (!ready || interrupted())
      break;
    outcomes.push_back(run_one(plan, b, s));
    const Outcome &o = outcomes.back();
    fmt::print(stderr, "audit {:<24} {:<18} {:<16}{}\n", o.scenario, o.backend, o.verdict,
               o.verdict == o.expected ? "" : " (expected " + o.expected + ")");
  }
  b.cleanup();
}

} // namespace

Result<nlohmann::json> run_audit(const AuditOptions &opt) {
  install_interrupt_handler();
  auto all = ISOBOX_TRY(load_scenarios(opt.scenario_dir));
  std::vector<Scenario> chosen;
  for (auto &s : all)
    if (std::find(opt.scenarios.begin(), opt.scenarios.end(), s.id) != opt.scenarios.end())
      chosen.push_back(std::move(s));
  HostEnv host = ISOBOX_TRY(HostEnv::create(opt.work_dir));
  Plan plan{opt, host, opt.quick ? 15.0 : 30.0};
  const BackendEnv env{opt.isobox, opt.program_dir, opt.work_dir};
  nlohmann::json section = {{"quick", opt.quick},
                            {"scenarios", nlohmann::json::array()},
                            {"backends", nlohmann::json::array()},
                            {"surface", nlohmann::json::array()},
                            {"outcomes", nlohmann::json::array()}};
  for (const auto &s : chosen)
    section["scenarios"].push_back(scenario_json(s));
  std::vector<Outcome> outcomes;
  for (auto &b : make_backends())
    if (std::find(opt.backends.begin(), opt.backends.end(), b->name()) != opt.backends.end() &&
        !interrupted())
      run_backend(plan, *b, env, chosen, section, outcomes);
  if (interrupted()) // the host env's destructor removes the canaries and stops the victim
    return make_error("interrupted: stopped after the run in flight, nothing written");
  for (const auto &o : outcomes)
    section["outcomes"].push_back({{"scenario", o.scenario},
                                   {"backend", o.backend},
                                   {"verdict", o.verdict},
                                   {"expected", o.expected},
                                   {"detail", o.detail}});
  section["counts"] = counts(outcomes);
  section["mismatches"] = mismatches(section);
  return section;
}

int mismatches(const nlohmann::json &section) {
  int n = 0;
  for (const auto &o : section.value("outcomes", nlohmann::json::array()))
    n += o.value("verdict", "") != o.value("expected", "") ? 1 : 0;
  return n;
}

} // namespace isobox::eval::audit
