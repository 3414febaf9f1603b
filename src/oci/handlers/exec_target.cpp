// resolve_exec_target: the handler or the program `exec` runs in a container.
#include "oci/handlers/exec_target.hpp"

#include <sys/stat.h>

#include <cerrno>

#include "oci/handlers/wasm_detect.hpp"
#include "oci/handlers/wasm_handler.hpp"
#include "oci/linux/process_setup.hpp"

namespace isobox::oci {
namespace {

// No file by that name in the rootfs (found as the Wasm handler looks: any regular file in $PATH).
bool program_absent(const Process &process) {
  auto found = find_module(process);
  if (!found)
    return true;
  struct stat st {};
  return ::stat(found->c_str(), &st) < 0 && errno == ENOENT;
}

// Whether the container's own process is run by the Wasm handler (read as the exec'd user).
bool is_wasm_container(const Spec &container) {
  WasmHandler wasm;
  auto handled = wasm.can_handle(container);
  return handled && *handled;
}

Error explain_missing(const Spec &container, const Process &process, Error error) {
  if (!program_absent(process) || !is_wasm_container(container))
    return error;
  return Error{fmt::format("\"{}\": not found in the container's rootfs (a Wasm container "
                           "has no shell or tools unless its image ships them)",
                           process.args[0]),
               ENOENT};
}

// An exec'd program is named by whoever runs `exec` (kubectl exec, a debugging shell), not by the
// image: a forcing annotation counts as its -smart form, so a `.wasm` (or a file with the module
// header) runs in the engine and a native program of the rootfs is exec'd.
void soften_forcing_annotations(std::map<std::string, std::string> &annotations) {
  if (auto it = annotations.find(kHandlerAnnotation);
      it != annotations.end() && it->second == "wasm")
    it->second = "wasm-smart";
  if (auto it = annotations.find(kVariantAnnotation);
      it != annotations.end() && it->second == "compat")
    it->second = "compat-smart";
}

} // namespace

Result<ExecTarget> resolve_exec_target(const Spec &container, const Process &process) {
  ExecTarget target{.spec = container, .handler = nullptr, .path = {}};
  target.spec.process = process;
  soften_forcing_annotations(target.spec.annotations);
  auto handler = select_handler(target.spec);
  if (!handler)
    return std::unexpected(explain_missing(container, process, handler.error()));
  target.handler = std::move(*handler);
  if (target.handler)
    return target;
  auto path = find_executable(process);
  if (!path)
    return std::unexpected(explain_missing(container, process, path.error()));
  target.path = std::move(*path);
  return target;
}

} // namespace isobox::oci
