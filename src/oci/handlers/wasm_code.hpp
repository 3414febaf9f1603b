// Which code runs a Wasm container's process (the isobox.wasm/tier annotation) and where it comes
// from: the runtime's code cache, or a bounded compilation, chosen by the runtime itself (outside
// the container's user namespace and cgroup) for the module the init or an exec'd child found.
#pragma once

#include <optional>
#include <span>
#include <string>

#include "common/error.hpp"
#include "common/unique_fd.hpp"
#include "oci/linux/sync.hpp"
#include "oci/spec/spec.hpp"
#include "wasm/embed/code_choice.hpp"

namespace isobox::oci {

inline constexpr const char *kTierAnnotation = "isobox.wasm/tier";

/// The annotation's tier (absent: auto, as `isobox wasm run`). Error "annotation isobox.wasm/tier:
/// 'x': expected interp, aot or auto".
Result<wasm::Tier> container_wasm_tier(const Spec &spec);

/// In the init (after the container's mounts are made under `root`, before pivot_root) or in an
/// exec'd child (namespaces joined, root entered: `root` is "/"), before the process's user,
/// capabilities and seccomp profile apply: when the tier is aot or auto and spec.process's
/// args[0], resolved inside `root`, is a core module, sends its descriptor to the runtime
/// (SyncType::WasmModule) and keeps the code it answers for take_prefetched_code. Native processes
/// cost one header read and no message. Errors: a bad annotation, the runtime's error.
Result<void> request_wasm_code(const Spec &spec, const std::string &root, SyncChannel &channel);

/// In the runtime (`create`, `exec`): receives until SyncType::Ready, answering a WasmModule
/// request on the way (serve_wasm_code). Errors: the child's, or the request's (which fail the
/// command: a compilation that fails with tier aot).
Result<void> expect_ready_serving_code(SyncChannel &channel, const Spec &spec);

/// Reads the module through `module` and chooses its code as the runtime's user
/// (embed::choose_code with the runtime's cache: ownership checked against this process's uid; a
/// compilation for tier aot runs in a child bounded by embed::compile_bounds_from_env, which never
/// joins the container's cgroup), then answers SyncType::WasmCode.
Result<void> serve_wasm_code(const Spec &spec, SyncChannel &channel, UniqueFd module);

/// The code received for a module with exactly these bytes (the handler's own read, inside the
/// container), or nullopt (nothing received, or the file seen inside differs).
std::optional<wasm::embed::CodeChoice> take_prefetched_code(std::span<const uint8_t> module);

} // namespace isobox::oci
