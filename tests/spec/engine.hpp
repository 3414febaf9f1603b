// Engine: what the spec runner and the differential test need from a WebAssembly engine.
#pragma once

#include <cstdint>
#include <expected>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wasm/runtime/trap.hpp"
#include "wasm/runtime/value.hpp"

namespace isobox::spec {

/// Why a module could not be loaded; each kind is the failure one spec assertion expects
/// (assert_malformed, assert_invalid, assert_unlinkable, assert_uninstantiable).
struct LoadError {
  enum class Kind : uint8_t { Malformed, Invalid, Unlinkable, Uninstantiable };
  Kind kind;
  std::string message; ///< the engine's text, compared by prefix with the spec's text
};

std::string_view to_string(LoadError::Kind kind);

/// Handle of a module instance inside one Engine.
using InstanceId = uint32_t;

/// One engine under test (interpreter now, AOT later). An Engine owns one store: everything
/// loaded into it can be linked together, as within one .wast script. Engines provide the
/// `spectest` host module (spec interpreter's host/spectest.ml) to every module they load.
class Engine {
public:
  virtual ~Engine() = default;

  /// Short name used in test names and output ("interp").
  [[nodiscard]] virtual std::string_view name() const = 0;

  /// Decodes and validates without instantiating (assert_malformed, assert_invalid).
  virtual std::optional<LoadError> check(std::span<const uint8_t> bytes) = 0;

  /// Decodes, validates and instantiates, resolving imports by (module, name) against
  /// `spectest` and the instances registered so far; runs the start function.
  virtual std::expected<InstanceId, LoadError> load(std::span<const uint8_t> bytes) = 0;

  /// Makes the exports of `id` importable under module name `as` (the spec's `register`).
  virtual void register_instance(std::string_view as, InstanceId id) = 0;

  /// Calls the exported function `field`. Unknown exports and wrong argument types are reported
  /// as a Trap whose message starts with "runner:" (they are errors in the script, not traps).
  virtual std::expected<std::vector<wasm::Value>, wasm::Trap>
  invoke(InstanceId id, std::string_view field, std::span<const wasm::Value> args) = 0;

  /// Reads the exported global `field`.
  virtual std::expected<wasm::Value, std::string> get(InstanceId id, std::string_view field) = 0;
};

/// Names accepted by make_engine (the first is the default).
std::vector<std::string_view> engine_names();

/// Creates a fresh engine (a new, empty store) by name; nullptr for an unknown name.
std::unique_ptr<Engine> make_engine(std::string_view name);

} // namespace isobox::spec
