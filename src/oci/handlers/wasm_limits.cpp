// Engine limits of a Wasm container from config.json (memory limit, isobox.wasm/* annotations).
#include "oci/handlers/wasm_limits.hpp"

#include <algorithm>

namespace isobox::oci {

std::optional<uint64_t> linear_memory_budget(std::optional<int64_t> cgroup_limit) {
  if (!cgroup_limit || *cgroup_limit <= 0)
    return std::nullopt;
  const auto limit = static_cast<uint64_t>(*cgroup_limit);
  const uint64_t reserve = std::min(kEngineMemoryReserve, limit / 2);
  return std::min(limit - reserve, wasm::embed::kMaxMemoryBytes);
}

Result<wasm::embed::RunLimits> container_wasm_limits(const Spec &spec) {
  wasm::embed::RunLimits limits;
  std::optional<int64_t> cgroup_limit;
  if (spec.linux && spec.linux->resources && spec.linux->resources->memory)
    cgroup_limit = spec.linux->resources->memory->limit;
  if (auto budget = linear_memory_budget(cgroup_limit))
    limits.store.max_memory_bytes = std::min(limits.store.max_memory_bytes, *budget);
  for (const char *name : {"fuel", "timeout", "max-stack"}) {
    const std::string key = std::string("isobox.wasm/") + name;
    const auto it = spec.annotations.find(key);
    if (it == spec.annotations.end())
      continue;
    if (auto r = wasm::embed::set_limit(limits, name, it->second); !r)
      return std::unexpected(r.error().wrap("annotation " + key));
  }
  return limits;
}

} // namespace isobox::oci
