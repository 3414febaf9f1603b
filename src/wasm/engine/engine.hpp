// Engine: one store plus the tier that runs its code; what the CLI, the container path, the spec
// runner and the differential test load, link and invoke modules through.
#pragma once

#include <atomic>
#include <cstdint>
#include <expected>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "wasm/runtime/instantiate.hpp"
#include "wasm/runtime/store.hpp"
#include "wasm/runtime/trap.hpp"
#include "wasm/runtime/value.hpp"

namespace isobox::wasm {

/// Which code runs the guest: the interpreter, compiled native code, or `Auto` (compiled code
/// when the code cache has it, else the interpreter: embed::choose_code; make_engine alone picks
/// the interpreter).
enum class Tier : uint8_t { Interp, Aot, Auto };

std::string_view to_string(Tier tier);
/// "interp", "aot" or "auto"; Error "'TEXT': expected interp, aot or auto" otherwise.
Result<Tier> parse_tier(std::string_view text);
/// Whether this build can run `tier` (Auto always can).
bool tier_built_in(Tier tier);

/// Why a module could not be loaded; each kind is the failure one spec assertion expects
/// (assert_malformed, assert_invalid, assert_unlinkable, assert_uninstantiable).
struct LoadError {
  enum class Kind : uint8_t { Malformed, Invalid, Unlinkable, Uninstantiable };
  Kind kind;
  std::string message; ///< the spec's text where there is one ("type mismatch")
};

std::string_view to_string(LoadError::Kind kind);

/// Handle of a module instance inside one Engine.
using InstanceId = uint32_t;

/// How to load one module.
struct LoadOptions {
  /// false: the start function is left to the caller (an embedder that confines or limits guest
  /// code first runs it itself: Engine::start_function).
  bool run_start = true;
  /// Set from another thread (a --timeout watchdog): validation and compilation stop with
  /// LoadError{Invalid, "interrupted"}.
  const std::atomic<bool> *interrupt = nullptr;
  /// Aot tier: native code compiled from this very module earlier (aot::compile_object, the
  /// code cache); empty: compile now.
  std::span<const uint8_t> aot_object;
};

/// What make_engine builds.
struct EngineOptions {
  Tier tier = Tier::Auto;
  StoreLimits limits; ///< enforced by every tier (memory, table, call depth, fuel, interrupt)
  /// Aot tier: every module comes with its code (LoadOptions::aot_object), so LLVM is not loaded.
  bool precompiled = false;
};

using InvokeResult = std::expected<std::vector<Value>, Trap>;

/// One store and a tier. Everything loaded into an engine can be linked together: imports are
/// resolved against define()d host objects and register_instance()d instances. A tier supplies
/// prepare() (a validated module -> one carrying the tier's code) and call() (run a function).
class Engine {
public:
  explicit Engine(const StoreLimits &limits);
  virtual ~Engine();
  Engine(const Engine &) = delete;
  Engine &operator=(const Engine &) = delete;

  /// The tier that runs code (never Auto).
  [[nodiscard]] virtual Tier tier() const = 0;
  /// Short name for test names and messages ("interp").
  [[nodiscard]] std::string_view name() const { return to_string(tier()); }

  /// The store: host functions, tables, memories and globals are added to it, then define()d.
  Store &store() { return m_store; }

  /// Makes `value` (an object of store()) importable as (module, name).
  void define(std::string_view module, std::string_view name, ExternVal value);

  /// Decodes and validates without instantiating (assert_malformed, assert_invalid).
  std::optional<LoadError> check(std::span<const uint8_t> bytes, const LoadOptions &options = {});

  /// Decodes, validates, compiles and instantiates; runs the start function in this tier unless
  /// options.run_start is false.
  std::expected<InstanceId, LoadError> load(std::span<const uint8_t> bytes,
                                            const LoadOptions &options = {});
  /// The same for a module decoded and validated already (a container validates at create).
  std::expected<InstanceId, LoadError> load(std::shared_ptr<const ValidatedModule> module,
                                            const LoadOptions &options = {});

  /// Makes the exports of `id` importable under module name `as` (the spec's `register`).
  void register_instance(std::string_view as, InstanceId id);

  const ModuleInstance &instance(InstanceId id) const { return *m_instances.at(id); }
  /// The store address of the instance's start function, if its module has one.
  std::optional<uint32_t> start_function(InstanceId id) const;

  /// Calls the exported function `field`. An unknown export or wrong argument types are a Trap
  /// whose message starts with "runner:" (errors of the caller, not of the guest).
  InvokeResult invoke(InstanceId id, std::string_view field, std::span<const Value> args);

  /// Reads the exported global `field`.
  std::expected<Value, std::string> get(InstanceId id, std::string_view field) const;

  /// Calls the function at store address `func_addr` with `args` (a Trap "type mismatch" if
  /// they do not match its type): the tier's entry into guest code.
  virtual InvokeResult call(uint32_t func_addr, std::span<const Value> args) = 0;

protected:
  /// Validates a decoded module for load(bytes): by default validation only; a tier whose code
  /// the validator can emit in the same pass does so here and keeps it for prepare().
  virtual Result<std::shared_ptr<const ValidatedModule>> validate_for_tier(Module module,
                                                                           const LoadOptions &);
  /// Gives a validated module the tier's code (an error is LoadError Invalid, e.g. "interrupted").
  virtual std::expected<std::shared_ptr<const ValidatedModule>, LoadError>
  prepare(std::shared_ptr<const ValidatedModule> module, const LoadOptions &options) = 0;
  /// Called during instantiation, once the instance's functions exist and before its segments
  /// and start function: the tier attaches its code to them (an error is LoadError
  /// Uninstantiable).
  virtual std::optional<LoadError> link(const ValidatedModule &, ModuleInstance &) {
    return std::nullopt;
  }

private:
  /// decode() (LoadError Malformed) then validate() (Invalid): what every tier starts from.
  std::expected<std::shared_ptr<const ValidatedModule>, LoadError>
  decode_and_validate(std::span<const uint8_t> bytes, const LoadOptions &options, bool for_tier);

  std::optional<ExternVal> resolve(std::string_view module, std::string_view name) const;

  Store m_store;
  std::vector<ModuleInstance *> m_instances;
  std::map<std::string, InstanceId, std::less<>> m_registered;
  std::map<std::string, std::map<std::string, ExternVal, std::less<>>, std::less<>> m_defined;
};

/// A fresh engine (a new, empty store) of `options.tier`; Auto picks the interpreter. Error
/// "the aot tier is not built in" when the build has no such tier.
Result<std::unique_ptr<Engine>> make_engine(const EngineOptions &options = {});

} // namespace isobox::wasm
