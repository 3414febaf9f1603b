// The engine the spec runner and the differential test drive: a wasm::Engine (src/wasm/engine/)
// of one tier, with the spectest host module defined in its store.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "wasm/engine/engine.hpp"

namespace isobox::spec {

using wasm::Engine;
using wasm::InstanceId;
using wasm::LoadError;
using wasm::to_string;

/// Names accepted by make_engine: the tiers ("interp", "aot", "auto"; the first is the default).
std::vector<std::string_view> engine_names();

/// A fresh engine (a new, empty store) of the tier `name`, with `spectest` importable. Error for
/// an unknown name or a tier this build does not have.
Result<std::unique_ptr<Engine>> make_engine(std::string_view name);

} // namespace isobox::spec
