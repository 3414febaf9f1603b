// What `exec` runs inside a container: a process handler's (a Wasm module runs in the engine, as
// the container's init runs it) or a program to execve, with a plain message when a Wasm
// container's rootfs has no such program.
#pragma once

#include <memory>
#include <string>

#include "oci/handlers/handler.hpp"
#include "oci/spec/spec.hpp"

namespace isobox::oci {

/// The exec'd process, resolved inside the container.
struct ExecTarget {
  Spec spec; ///< the container's spec with the exec'd process in place of the init's
  std::unique_ptr<ProcessHandler> handler; ///< prepared; null: execve `path`
  std::string path;
};

/// Resolves `process` as the init resolves its own (select_handler, then find_executable), with
/// the container's annotations. Called in the container (namespaces joined, root entered, as the
/// process's user). When the program is not in the rootfs and the container's own process is a
/// Wasm module, the error says so: `"sh": not found in the container's rootfs (...)`.
Result<ExecTarget> resolve_exec_target(const Spec &container, const Process &process);

} // namespace isobox::oci
