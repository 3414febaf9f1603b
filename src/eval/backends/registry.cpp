// The list of backends, and helpers every adapter uses.
#include <algorithm>
#include <filesystem>
#include <sstream>

#include "eval/backend.hpp"

namespace isobox::eval {

std::vector<std::unique_ptr<Backend>> make_backends() {
  std::vector<std::unique_ptr<Backend>> all;
  all.push_back(make_native_backend());
  all.push_back(make_isobox_container_backend());
  all.push_back(make_isobox_container_seccomp_backend());
  all.push_back(make_runc_backend());
  all.push_back(make_crun_backend());
  all.push_back(make_isobox_wasm_backend());
  all.push_back(make_isobox_wasm_aot_backend());
  all.push_back(make_isobox_wasm_container_backend());
  all.push_back(make_node_wasi_backend());
  return all;
}

std::vector<std::string> backend_names() {
  std::vector<std::string> names;
  for (const auto &b : make_backends())
    names.push_back(b->name());
  return names;
}

std::string find_in_path(const std::string &program) {
  if (program.find('/') != std::string::npos)
    return ::access(program.c_str(), X_OK) == 0 ? program : "";
  const char *path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/sbin:/usr/bin:/sbin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const std::string candidate = dir + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0)
      return candidate;
  }
  return "";
}

std::string first_output_line(const std::vector<std::string> &argv) {
  auto r = run_command(Command{argv, ""}, 10);
  if (!r || r->exit_code != 0)
    return "";
  return r->out.substr(0, r->out.find('\n'));
}

std::vector<std::string> substitute_dir(const std::vector<std::string> &args,
                                        const std::string &dir, const std::string &ro_dir) {
  std::vector<std::string> out = args;
  for (auto &a : out)
    if (a == kDirToken)
      a = dir;
    else if (a == kRoDirToken)
      a = ro_dir;
  return out;
}

std::string ro_grant_dir(const std::string &work_dir) { return work_dir + "/ro-grant"; }

bool wants_ro_grant(const RunSpec &run) {
  return std::find(run.args.begin(), run.args.end(), kRoDirToken) != run.args.end();
}

Result<void> trial_run(Backend &backend) {
  auto cmd = ISOBOX_TRY(backend.command(RunSpec{"hello", {}}));
  auto r = ISOBOX_TRY(run_command(cmd, 30));
  if (r.exit_code == 0 && r.out == "hello, world\n")
    return {};
  std::string why = r.err.substr(0, r.err.find('\n'));
  if (why.empty())
    why = r.timed_out ? "timed out" : fmt::format("exit {} signal {}", r.exit_code, r.signal);
  return make_error("trial run of hello failed: {}", why);
}

} // namespace isobox::eval
