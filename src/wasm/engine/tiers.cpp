// The tiers this build has (the interpreter; the aot tier plugs in here) and the factory.
#include <utility>

#include <fmt/format.h>

#include "wasm/aot/aot.hpp"
#include "wasm/aot/aot_engine.hpp"
#include "wasm/engine/engine.hpp"
#include "wasm/interp/interp_module.hpp"
#include "wasm/interp/invoke.hpp"

namespace isobox::wasm {
namespace {

/// The interpreter tier: the validator emits its code (InterpEmitter) while it validates; the
/// engine keeps that code until the module's instance is linked.
class InterpEngine final : public Engine {
public:
  explicit InterpEngine(const StoreLimits &limits) : Engine(limits) {}

  Tier tier() const override { return Tier::Interp; }

  InvokeResult call(uint32_t func_addr, std::span<const Value> args) override {
    return wasm::invoke(store(), func_addr, args);
  }

protected:
  Result<std::shared_ptr<const ValidatedModule>>
  validate_for_tier(Module module, const LoadOptions &options) override {
    auto both = ISOBOX_TRY(validate_for_interp(std::move(module), options.interrupt));
    m_validated = both; // holds the module: no other can take its address meanwhile
    return both.validated;
  }

  std::expected<std::shared_ptr<const ValidatedModule>, LoadError>
  prepare(std::shared_ptr<const ValidatedModule> module, const LoadOptions &options) override {
    InterpModule mine = std::exchange(m_validated, {});
    if (mine.validated != module) { // validated elsewhere (a container, at create)
      auto code = compile_for_interp(*module, options.interrupt);
      if (!code)
        return std::unexpected(LoadError{LoadError::Kind::Invalid, code.error().message});
      mine = InterpModule{module, std::move(*code)};
    }
    m_prepared = std::move(mine);
    return module;
  }

  std::optional<LoadError> link(const ValidatedModule &module, ModuleInstance &inst) override {
    InterpModule prepared = std::exchange(m_prepared, {});
    if (prepared.validated.get() != &module)
      return LoadError{LoadError::Kind::Uninstantiable, "interp: module was not compiled"};
    attach_interp_code(store(), inst, std::move(prepared.code));
    return std::nullopt;
  }

private:
  InterpModule m_validated; ///< validate_for_tier()'s result, until prepare()
  InterpModule m_prepared;  ///< prepare()'s, until link()
};

} // namespace

std::string_view to_string(Tier tier) {
  switch (tier) {
  case Tier::Interp: return "interp";
  case Tier::Aot: return "aot";
  case Tier::Auto: return "auto";
  }
  return "?";
}

Result<Tier> parse_tier(std::string_view text) {
  for (Tier t : {Tier::Interp, Tier::Aot, Tier::Auto})
    if (text == to_string(t))
      return t;
  return make_error("'{}': expected interp, aot or auto", text);
}

bool tier_built_in(Tier tier) { return tier != Tier::Aot || aot::available(); }

Result<std::unique_ptr<Engine>> make_engine(const EngineOptions &options) {
  switch (options.tier) {
  case Tier::Interp:
  case Tier::Auto: return std::make_unique<InterpEngine>(options.limits);
  case Tier::Aot: return aot::make_aot_engine(options.limits, !options.precompiled);
  }
  return make_error("the {} tier is not built in", to_string(options.tier));
}

} // namespace isobox::wasm
