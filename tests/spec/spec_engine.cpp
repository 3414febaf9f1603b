// The spec runner's engines: wasm::make_engine of a tier, plus the spectest host module.
#include "spec/engine.hpp"
#include "spec/spectest.hpp"

namespace isobox::spec {

std::vector<std::string_view> engine_names() {
  return {to_string(wasm::Tier::Interp), to_string(wasm::Tier::Aot), to_string(wasm::Tier::Auto)};
}

Result<std::unique_ptr<Engine>> make_engine(std::string_view name) {
  const wasm::Tier tier = ISOBOX_TRY(wasm::parse_tier(name));
  auto engine = ISOBOX_TRY(wasm::make_engine(wasm::EngineOptions{.tier = tier}));
  for (const auto &[field, value] : add_spectest(engine->store()))
    engine->define("spectest", field, value);
  return engine;
}

} // namespace isobox::spec
