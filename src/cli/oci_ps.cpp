// `isobox ps [--format table|json] ID [PS_ARGS...]` (runc-ps.8): json is the array of pids;
// table runs ps(1) and keeps the container's rows.
#include <cstdio>
#include <memory>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/oci_verbs.hpp"
#include "oci/container/operations.hpp"

namespace isobox::cli {
namespace {

Result<int> print_ps_table(const std::vector<pid_t> &pids, const std::vector<std::string> &args) {
  std::string cmd = "ps";
  for (const auto &a : args.empty() ? std::vector<std::string>{"-ef"} : args)
    cmd += " '" + a + "'";
  std::unique_ptr<FILE, int (*)(FILE *)> p(::popen(cmd.c_str(), "r"), ::pclose);
  if (!p)
    return sys_error("run ps");
  std::set<pid_t> want(pids.begin(), pids.end());
  char line[4096];
  int pid_col = -1;
  bool header = true;
  while (std::fgets(line, sizeof line, p.get())) {
    std::istringstream in(line);
    std::string word;
    if (header) {
      for (int i = 0; in >> word; ++i)
        if (word == "PID")
          pid_col = i;
      fmt::print("{}", line);
      header = false;
      continue;
    }
    for (int i = 0; in >> word; ++i)
      if (i == pid_col && want.contains(std::atoi(word.c_str())))
        fmt::print("{}", line);
  }
  return 0;
}

} // namespace

void register_oci_ps(CLI::App &app, Context &ctx) {
  auto format = std::make_shared<std::string>("table");
  CLI::App *cmd = app.add_subcommand("ps", "list the processes of a container");
  cmd->add_option("-f,--format", *format, "table or json")->check(CLI::IsMember({"table", "json"}));
  cmd->fallthrough(false);
  cmd->prefix_command();
  cmd->callback([&ctx, format, cmd] {
    auto rest = cmd->remaining();
    if (rest.empty()) {
      ctx.exit_code = finish("ps", make_error("container id is required"));
      return;
    }
    auto pids = oci::container_pids(ctx.global.root, rest[0]);
    if (!pids) {
      ctx.exit_code = finish("ps", std::unexpected(pids.error()));
      return;
    }
    if (*format == "json") {
      fmt::print("{}\n", nlohmann::json(*pids).dump());
      ctx.exit_code = 0;
      return;
    }
    ctx.exit_code = finish("ps", print_ps_table(*pids, {rest.begin() + 1, rest.end()}));
  });
}

} // namespace isobox::cli
