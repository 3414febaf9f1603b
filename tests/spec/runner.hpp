// Runs the commands of one .wast script against an Engine and counts the assertions.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "spec/engine.hpp"
#include "spec/wast_script.hpp"

namespace isobox::spec {

/// Outcome of one script. passed + failed + skipped = number of assert_* commands; `errors`
/// counts failed module/register/action commands (not assertions, but the script fails).
struct Counts {
  uint64_t passed = 0, failed = 0, skipped = 0, errors = 0;
  /// Of `passed`: load failures whose binary is byte-identical to another assertion's with a
  /// different expected text (wast2json lost the distinction; see docs/spec-suite.md).
  uint64_t shared_binary = 0;
  [[nodiscard]] uint64_t assertions() const { return passed + failed + skipped; }
  [[nodiscard]] bool ok() const { return failed == 0 && errors == 0; }
  Counts &operator+=(const Counts &o);
};

/// "N passed, N failed, N skipped" (plus ", N errors" when there are any).
std::string format_counts(const Counts &c);

/// True when the engine's failure text matches the script's: like the reference interpreter,
/// the engine's message must start with the expected text.
bool text_matches(std::string_view actual, std::string_view expected);

/// True when `actual` satisfies `expected` (exact bits, NaN patterns, ref patterns).
bool value_matches(const wasm::Value &actual, const ExpectedValue &expected);

/// "i32:42", "f32:0x7fc00000 (nan)", "funcref:null", ...
std::string format_value(const wasm::Value &v);

struct RunOptions {
  bool verbose = false;    ///< print every failure (file:line, command, expected, got)
  std::string script_name; ///< e.g. "i32.wast", prefix of failure lines
};

/// Executes a script's commands in order against one engine (one store per script).
class Runner {
public:
  Runner(Engine &engine, std::filesystem::path module_dir, RunOptions options);
  Counts run(const std::vector<Command> &commands);

private:
  void run_command(const Command &c);
  void do_module(const Command &c);
  void do_register(const Command &c);
  void do_action(const Command &c);
  void do_assert_return(const Command &c);
  void do_assert_trap(const Command &c);
  void do_assert_load_failure(const Command &c, LoadError::Kind kind);
  std::expected<std::vector<wasm::Value>, wasm::Trap> perform(const Action &a);
  std::optional<std::vector<uint8_t>> read_module(const Command &c);
  void index_failure_texts(const std::vector<Command> &commands);
  [[nodiscard]] bool matches_shared_binary(const std::vector<uint8_t> &bytes,
                                           std::string_view actual) const;
  void pass() { ++m_counts.passed; }
  void fail(const Command &c, std::string_view why);
  void error(const Command &c, std::string_view why);

  Engine &m_engine;
  std::filesystem::path m_dir;
  RunOptions m_options;
  Counts m_counts;
  std::optional<InstanceId> m_current;                    ///< the most recently instantiated module
  std::map<std::string, InstanceId, std::less<>> m_named; ///< "$name" -> instance
  /// Binary of each assert_invalid/assert_malformed module -> every text expected of it.
  std::map<std::vector<uint8_t>, std::set<std::string>> m_texts_by_binary;
};

} // namespace isobox::spec
