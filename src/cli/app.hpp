// The isobox command line: global options, subcommands, version and help.
#pragma once

namespace isobox::cli {

/// Parses argv, runs the chosen subcommand and returns the process exit code.
/// Usage errors print one line and return 2; failures of a verb return 1 (or the verb's code).
int run_cli(int argc, char **argv);

} // namespace isobox::cli
