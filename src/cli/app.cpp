// Builds the CLI11 application: runc's global flags, every verb, `help`, `--version`.
#include "cli/app.hpp"

#include <cstdio>

#include <seccomp.h>

#include "cli/context.hpp"
#include "cli/strict_flags.hpp"
#include "common/log.hpp"

namespace isobox::cli {
namespace {

constexpr const char *kVersion = "0.1.0";
constexpr const char *kOciSpecVersion = "1.1.0";

void print_version() {
  const scmp_version *v = seccomp_version();
  fmt::print("isobox version {}\nspec: {}\nlibseccomp: {}.{}.{}\n", kVersion, kOciSpecVersion,
             v->major, v->minor, v->micro);
}

void add_global_options(CLI::App &app, GlobalOptions &g) {
  app.add_option("--root", g.root, "root directory for container state")->capture_default_str();
  app.add_option("--log", g.log_path, "log file (default: stderr)");
  app.add_option("--log-format", g.log_format, "log format: text or json")
      ->check(CLI::IsMember({"text", "json"}));
  app.add_flag("--debug", g.debug, "enable debug logging");
  app.add_flag("--systemd-cgroup", g.systemd_cgroup,
               "create the cgroup as a systemd scope over D-Bus (cgroupsPath slice:prefix:name)");
}

void add_help_command(CLI::App &app, Context &ctx) {
  CLI::App *help = app.add_subcommand("help", "show help for isobox or one of its commands");
  auto topic = std::make_shared<std::vector<std::string>>();
  help->add_option("command", *topic, "command to describe");
  help->callback([&app, &ctx, topic] {
    const CLI::App *target = &app;
    for (const auto &name : *topic) {
      auto subs = target->get_subcommands([&](const CLI::App *s) { return s->get_name() == name; });
      if (subs.empty()) {
        fmt::print(stderr, "isobox: help: unknown command '{}'\n", name);
        ctx.exit_code = 2;
        return;
      }
      target = subs.front();
    }
    fmt::print("{}", target->get_formatter()->make_help(target, target->get_name(),
                                                        CLI::AppFormatMode::Normal));
  });
}

// One line. Under a runc verb the exit code is runc's for usage errors (1); elsewhere 2.
int usage_error(const CLI::App &app, const CLI::ParseError &e) {
  auto verbs = app.get_subcommands();
  if (!verbs.empty() && is_runc_verb(verbs.front()->get_name())) {
    fmt::print(stderr, "isobox: {}: {}\n", verbs.front()->get_name(), e.what());
    return 1;
  }
  fmt::print(stderr, "isobox: {} (see 'isobox help')\n", e.what());
  return 2;
}

} // namespace

int finish(std::string_view verb, const Result<int> &result) {
  if (result)
    return *result;
  log::fatal(fmt::format("{}: {}", verb, result.error().message));
  return 1;
}

int run_cli(int argc, char **argv) {
  Context ctx;
  CLI::App app{"isobox: run untrusted code in Linux containers or WebAssembly, and measure both",
               "isobox"};
  app.require_subcommand(0, 1);
  app.fallthrough();
  bool version = false;
  app.add_flag("-v,--version", version, "print the version");
  add_global_options(app, ctx.global);
  add_help_command(app, ctx);
  register_wasm_commands(app, ctx);
  register_oci_commands(app, ctx);
  register_eval_commands(app, ctx);
  app.parse_complete_callback([&ctx] {
    auto fmt = ctx.global.log_format == "json" ? log::Format::Json : log::Format::Text;
    if (auto r = log::configure(ctx.global.log_path, fmt, ctx.global.debug); !r)
      fmt::print(stderr, "isobox: {}\n", r.error().message);
  });
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp &e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp &e) {
    return app.exit(e);
  } catch (const CLI::ParseError &e) {
    return usage_error(app, e);
  }
  if (version) {
    print_version();
    return 0;
  }
  if (app.get_subcommands().empty()) {
    fmt::print("{}", app.help());
    return 0;
  }
  return ctx.exit_code;
}

} // namespace isobox::cli
