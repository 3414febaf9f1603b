// The tiers this build has (the interpreter; the aot tier plugs in here) and the factory.
#include <fmt/format.h>

#include "wasm/aot/aot.hpp"
#include "wasm/aot/aot_engine.hpp"
#include "wasm/engine/engine.hpp"
#include "wasm/interp/invoke.hpp"

namespace isobox::wasm {
namespace {

/// The interpreter tier: validation already produced its code (a CompiledFunc per function).
class InterpEngine final : public Engine {
public:
  explicit InterpEngine(const StoreLimits &limits) : Engine(limits) {}

  Tier tier() const override { return Tier::Interp; }

  InvokeResult call(uint32_t func_addr, std::span<const Value> args) override {
    return wasm::invoke(store(), func_addr, args);
  }

protected:
  std::expected<std::shared_ptr<const ValidatedModule>, LoadError>
  prepare(std::shared_ptr<const ValidatedModule> module, const LoadOptions &) override {
    return module;
  }
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
