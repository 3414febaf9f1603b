// `isobox list [--format table|json] [--quiet]` (runc-list.8).
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/oci_verbs.hpp"
#include "oci/container/operations.hpp"

namespace isobox::cli {
namespace {

void print_table(const std::vector<oci::ContainerState> &all) {
  fmt::print("{:<12} {:<10} {:<10} {:<40} {:<31} {}\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED",
             "OWNER");
  for (const auto &s : all) {
    auto status = oci::current_status(s);
    fmt::print("{:<12} {:<10} {:<10} {:<40} {:<31} {}\n", s.id,
               oci::process_alive(s.pid, s.pid_start) ? s.pid : 0, oci::status_name(status),
               s.bundle, s.created, s.owner == 0 ? "root" : std::to_string(s.owner));
  }
}

void print_json(const std::vector<oci::ContainerState> &all) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto &s : all)
    out.push_back(nlohmann::ordered_json::parse(oci::state_json(s, oci::current_status(s))));
  fmt::print("{}\n", out.dump());
}

} // namespace

void register_oci_list(CLI::App &app, Context &ctx) {
  auto format = std::make_shared<std::string>("table");
  auto quiet = std::make_shared<bool>(false);
  CLI::App *cmd = app.add_subcommand("list", "list containers");
  cmd->add_option("-f,--format", *format, "table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  cmd->add_flag("-q,--quiet", *quiet, "print only ids");
  cmd->callback([&ctx, format, quiet] {
    auto all = oci::list_containers(ctx.global.root);
    if (*quiet) {
      for (const auto &s : all)
        fmt::print("{}\n", s.id);
    } else if (*format == "json") {
      print_json(all);
    } else {
      print_table(all);
    }
    ctx.exit_code = 0;
  });
}

} // namespace isobox::cli
