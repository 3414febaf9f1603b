// The commands of a .wast script as wast2json writes them (JSON + one .wasm file per module).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "wasm/runtime/value.hpp"

namespace isobox::spec {

/// An expected result of assert_return: an exact value or one of the spec's patterns.
struct ExpectedValue {
  enum class Kind : uint8_t {
    Exact,         ///< same type and bits (floats compared bit for bit)
    CanonicalNan,  ///< nan:canonical, the spec's canonical NaN of either sign (spec 4.3.3)
    ArithmeticNan, ///< nan:arithmetic, any NaN with the quiet bit set
    AnyFuncRef,    ///< (ref.func) in the script: any non-null funcref
    Unsupported,   ///< a type this runner does not handle (v128): the command is skipped
  };
  Kind kind = Kind::Exact;
  wasm::Value value;
};

/// `invoke` or `get` on the current or a named instance.
struct Action {
  enum class Type : uint8_t { Invoke, Get } type = Type::Invoke;
  std::optional<std::string> module; ///< "$name" of a named instance; current one if absent
  std::string field;
  std::vector<wasm::Value> args;
  bool unsupported = false; ///< an argument of a type this runner does not handle
};

/// One command of the script, in order.
struct Command {
  enum class Type : uint8_t {
    Module,
    Register,
    Action,
    AssertReturn,
    AssertTrap,
    AssertExhaustion,
    AssertInvalid,
    AssertMalformed,
    AssertUnlinkable,
    AssertUninstantiable,
    Unknown,
  };
  Type type = Type::Unknown;
  std::string type_name; ///< as in the JSON, for messages
  int line = 0;
  std::string filename;            ///< module file, relative to the JSON's folder
  bool text_module = false;        ///< module_type "text": a .wat this runner cannot parse
  std::optional<std::string> name; ///< "$name" of a module, or of the module to register
  std::string as;                  ///< register: the import module name
  std::string text;                ///< expected failure text
  Action action;
  std::vector<ExpectedValue> expected;

  /// True for assert_* commands; only those count as assertions in the totals.
  [[nodiscard]] bool is_assertion() const;
};

/// Reads the JSON written by wast2json. Errors: unreadable file or unexpected JSON shape.
Result<std::vector<Command>> read_script(const std::filesystem::path &json_path);

/// Parses one wast2json value ({"type": "i32", "value": "42"}) given as type and value texts.
Result<ExpectedValue> parse_value(std::string_view type, std::string_view value);

} // namespace isobox::spec
