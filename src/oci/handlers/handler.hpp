// Process handlers of the container init (as crun's custom handlers): a handler that can run the
// container's process takes over where the init would execve; without one the init execs as usual.
#pragma once

#include <memory>
#include <string_view>

#include "common/error.hpp"
#include "oci/spec/spec.hpp"

namespace isobox::oci {

/// Runs a container's process in place of execve. The init calls `prepare` before it reports
/// ready (inside the container, after pivot_root, as the container's user), so that bad input
/// fails `create`; `run` after `start`, once the container's seccomp profile and the
/// startContainer hooks are in force.
class ProcessHandler {
public:
  virtual ~ProcessHandler() = default;
  /// For messages: "wasm".
  [[nodiscard]] virtual std::string_view name() const = 0;
  /// Whether this handler runs the process (annotations, then the file args[0] names). An error
  /// (e.g. a forced handler whose file is missing) fails `create`.
  virtual Result<bool> can_handle(const Spec &spec) = 0;
  /// Reads and checks what `run` needs (called after can_handle answered true).
  virtual Result<void> prepare(const Spec &spec) = 0;
  /// Runs the process in the init's own process; returns its exit status.
  virtual Result<int> run(const Spec &spec) = 0;
};

/// The handler that runs this spec's process, already prepared, or nullptr (execve as usual).
Result<std::unique_ptr<ProcessHandler>> select_handler(const Spec &spec);

/// Before a handler runs in place of execve: closes what execve would, every descriptor from 3
/// on marked close-on-exec (all but --preserve-fds: close_fds_on_exec), except the runtime's log
/// file (the engine logs as the runtime). Without it the engine held, for the container's life,
/// whatever the runtime's caller left open (a pipe its caller reads to EOF, for one).
/// Best effort: without /proc the descriptors stay open.
void close_exec_fds();

} // namespace isobox::oci
