// The Wasm process handler: runs a container's WebAssembly module in isobox's own engine, in
// the init's process, inside the container it built (README "WebAssembly containers").
#pragma once

#include <csignal>
#include <string>

#include "oci/handlers/handler.hpp"
#include "wasm/embed/run_module.hpp"

namespace isobox::oci {

/// The signals that end a Wasm container's engine with exit status 128 + signal (installed by
/// `prepare`): those whose default action ends a native process and that a container is sent to
/// stop it (SIGTERM: `kill`, the kubelet; SIGINT: ^C; SIGHUP: a closed terminal).
inline constexpr int kWasmStopSignals[] = {SIGTERM, SIGINT, SIGHUP};

class WasmHandler final : public ProcessHandler {
public:
  [[nodiscard]] std::string_view name() const override { return "wasm"; }
  /// Annotations first (wasm_intent), else a regular executable file with the core-module header.
  /// A component is an error, as is a forced handler whose file is not a module.
  Result<bool> can_handle(const Spec &spec) override;
  /// Parses the limits (container_wasm_limits), reads the module, decodes and validates it, and
  /// makes kWasmStopSignals end the process.
  Result<void> prepare(const Spec &spec) override;
  /// The WASI command: process.args as argv, process.env as environ, the container's / preopened
  /// as /, the init's stdio; the engine confines itself on top of the container's seccomp profile.
  Result<int> run(const Spec &spec) override;

private:
  std::string m_path; ///< the module, as the init resolved it inside the container
  wasm::embed::RunRequest m_request;
};

/// Finds args[0] for a forced Wasm handler: as the exec path would (PATH of process.env), but any
/// readable regular file will do (a module need not be executable).
Result<std::string> find_module(const Process &process);

} // namespace isobox::oci
