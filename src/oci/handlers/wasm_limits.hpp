// The Wasm engine's limits for a container: its memory limit and the isobox.wasm/* annotations.
#pragma once

#include <cstdint>

#include "common/error.hpp"
#include "oci/spec/spec.hpp"
#include "wasm/embed/run_module.hpp"

namespace isobox::oci {

/// What the engine itself may use inside a container's memory limit (code, decoded module,
/// interpreter stacks): linear memory gets the limit minus this, and at most half of it goes here.
inline constexpr uint64_t kEngineMemoryReserve = uint64_t{16} << 20;

/// The linear-memory budget for a cgroup memory limit (<= 0: unlimited, nullopt).
std::optional<uint64_t> linear_memory_budget(std::optional<int64_t> cgroup_limit);

/// Engine limits from linux.resources.memory.limit and the annotations isobox.wasm/fuel,
/// isobox.wasm/timeout and isobox.wasm/max-stack (strict numbers; errors name the annotation).
Result<wasm::embed::RunLimits> container_wasm_limits(const Spec &spec);

} // namespace isobox::oci
