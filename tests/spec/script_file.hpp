// Converts a .wast file with wast2json into a temporary folder and runs it, in or out of process.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

#include "common/error.hpp"
#include "spec/runner.hpp"

namespace isobox::spec {

/// A .wast converted by wast2json into a private temporary folder (removed by the destructor).
class ConvertedScript {
public:
  static Result<ConvertedScript> convert(const std::filesystem::path &wast,
                                         const std::string &wast2json);
  ConvertedScript(ConvertedScript &&other) noexcept;
  ConvertedScript &operator=(ConvertedScript &&) = delete;
  ~ConvertedScript();

  [[nodiscard]] const std::filesystem::path &dir() const { return m_dir; }
  [[nodiscard]] const std::vector<Command> &commands() const { return m_commands; }
  /// Counts for a run that produced nothing (crash, timeout): every assertion failed except
  /// the ones the runner would skip.
  [[nodiscard]] Counts all_failed() const;

private:
  ConvertedScript() = default;
  std::filesystem::path m_dir;
  std::vector<Command> m_commands;
};

struct FileOptions {
  std::string engine = "interp";
  RunOptions run;
  std::chrono::seconds timeout{120}; ///< isolated runs only
};

/// Runs the script in this process.
Result<Counts> run_in_process(const ConvertedScript &script, const FileOptions &options);

/// Runs the script in a child process so that a crash or hang of the engine is reported as
/// failures of this script instead of ending the caller. `note` says what happened, if anything.
Counts run_isolated(const ConvertedScript &script, const FileOptions &options, std::string &note);

} // namespace isobox::spec
