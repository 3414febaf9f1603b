// Which code runs a Wasm container (the isobox.wasm/tier annotation) and where it comes from:
// looked up in the runtime's code cache, or compiled, before the init enters the container.
#pragma once

#include <optional>
#include <span>
#include <string>

#include "common/error.hpp"
#include "oci/spec/spec.hpp"
#include "wasm/embed/code_choice.hpp"

namespace isobox::oci {

inline constexpr const char *kTierAnnotation = "isobox.wasm/tier";

/// The annotation's tier (absent: auto, as `isobox wasm run`). Error "annotation isobox.wasm/tier:
/// 'x': expected interp, aot or auto".
Result<wasm::Tier> container_wasm_tier(const Spec &spec);

/// In the init, after the container's mounts are made under `rootfs` and before pivot_root (the
/// runtime's cache is still reachable, the user and seccomp profile not applied yet): when the
/// process's args[0], resolved inside `rootfs`, is a core module and the tier is aot or auto,
/// chooses its code (embed::choose_code: the cache, or a compilation for aot) and keeps it for
/// take_prefetched_code. Native processes cost one header read. Errors: a bad annotation, an
/// invalid module or a failed compilation with tier aot.
Result<void> prefetch_wasm_code(const Spec &spec, const std::string &rootfs);

/// The code prefetched for a module with exactly these bytes (the handler's own read, inside the
/// container), or nullopt (nothing prefetched, or the file seen inside differs).
std::optional<wasm::embed::CodeChoice> take_prefetched_code(std::span<const uint8_t> module);

} // namespace isobox::oci
