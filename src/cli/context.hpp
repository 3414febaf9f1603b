// Context shared by every subcommand: runc's global options and the exit code a verb sets.
#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include "common/error.hpp"

namespace isobox::cli {

/// runc-compatible global options (they come before the verb: `isobox --root R create ...`).
struct GlobalOptions {
  std::string root = "/run/isobox";
  std::string log_path;
  std::string log_format = "text";
  bool debug = false;
  bool systemd_cgroup = false;
};

/// What a subcommand callback needs; owned by run_cli for the duration of one invocation.
struct Context {
  GlobalOptions global;
  int exit_code = 0;
};

/// Turns a verb's result into an exit code; an error prints one line `isobox: <verb>: <message>`.
int finish(std::string_view verb, const Result<int> &result);

/// The same for a verb whose success is exit 0 (any value it returns already printed); a
/// Result<int> takes the overload above, a non-template.
template <typename T> int finish(std::string_view verb, const Result<T> &result) {
  return finish(verb, result ? Result<int>(0) : Result<int>(std::unexpected(result.error())));
}

/// Registration hooks, one per command family (each lives in its own file).
void register_wasm_commands(CLI::App &app, Context &ctx);
void register_oci_commands(CLI::App &app, Context &ctx);
void register_eval_commands(CLI::App &app, Context &ctx);
/// `eval audit` (eval_audit.cpp), under the `eval` subcommand.
void register_eval_audit(CLI::App &eval, Context &ctx);

} // namespace isobox::cli
