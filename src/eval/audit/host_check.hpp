// Deciding a verdict: what the host shows after (or while the program holds) an attack, combined
// with the program's own report line; never the program's word alone.
#pragma once

#include <string>

#include "eval/audit/host_env.hpp"
#include "eval/audit/scenario.hpp"
#include "eval/process.hpp"

namespace isobox::eval::audit {

/// One run as the harness saw it.
struct Observation {
  RunResult run;          // exit, signal, output (for held runs: the output read while held)
  bool held = false;      // kernel_reach: inspected while the program kept its object open
  bool report = false;    // an "AUDIT <nonce> ..." line was printed
  bool report_ok = false; // ... and it said ok
  std::string report_line;
  std::string held_effect;   // what the held inspection saw ("" = nothing)
  bool held_private = false; // the object is inside a private namespace of the sandbox
};

struct Verdict {
  std::string verdict;
  std::string detail;
};

/// The host pid of the process whose argv holds `nonce` (the sandboxed program), or -1.
pid_t find_by_nonce(const std::string &nonce);
/// Where the symlink at `path` points ("" when it cannot be read).
std::string link_target(const std::string &path);

/// Parses the program's report line for `nonce` out of `obs.run.out`.
void parse_report(Observation &obs, const std::string &nonce);
/// While a held program runs: finds it on the host (its nonce in /proc/*/cmdline) and looks at
/// the check's object (fd links, namespaces, the victim's TracerPid).
void inspect_held(const Scenario &s, HostEnv &host, Observation &obs);
/// The verdict from the host check and the report.
Verdict judge(const Scenario &s, HostEnv &host, const Observation &obs);

} // namespace isobox::eval::audit
