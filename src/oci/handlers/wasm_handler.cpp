// WasmHandler: detection, module loading and the WASI mapping of a Wasm container's process.
#include "oci/handlers/wasm_handler.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.hpp"
#include "oci/handlers/wasm_code.hpp"
#include "oci/handlers/wasm_detect.hpp"
#include "oci/handlers/wasm_limits.hpp"
#include "oci/linux/process_setup.hpp"

namespace isobox::oci {
namespace {

std::string path_of(const std::vector<std::string> &env) {
  for (const auto &e : env)
    if (e.starts_with("PATH="))
      return e.substr(5);
  return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}

Result<void> check_header(const std::string &path, bool forced) {
  switch (ISOBOX_TRY(read_header(path))) {
  case WasmHeader::CoreModule: return {};
  case WasmHeader::Component:
    return make_error("{}: a WebAssembly component: components are not supported yet", path);
  case WasmHeader::Other: break;
  }
  if (forced)
    return make_error("{}: not a WebAssembly module (the annotations ask for the Wasm handler)",
                      path);
  return make_error("{}: not a WebAssembly module", path);
}

// The process ends as a native one with default dispositions would, at once (a guest blocked in
// a host call, a sleep or a read, included), with the status a shell or containerd gives a process
// killed by the signal. The interpreter's interrupt flag would stop a guest at a loop head only,
// and would put every loop of every container through the metering path.
extern "C" void exit_on_signal(int sig) { ::_exit(128 + sig); }

// The engine is often the pid namespace's init, which the kernel spares every signal it has no
// handler for: without these, `kill <id>` (SIGTERM) and ^C would do nothing.
Result<void> exit_on_stop_signals() {
  struct sigaction sa {};
  sa.sa_handler = exit_on_signal;
  sigset_t set;
  ::sigemptyset(&set);
  for (int sig : kWasmStopSignals) {
    if (::sigaction(sig, &sa, nullptr) < 0)
      return sys_error("sigaction({})", sig);
    ::sigaddset(&set, sig);
  }
  if (::sigprocmask(SIG_UNBLOCK, &set, nullptr) < 0)
    return sys_error("sigprocmask");
  return {};
}

} // namespace

Result<std::string> find_module(const Process &process) {
  if (auto path = find_executable(process))
    return path;
  const std::string &name = process.args[0];
  if (name.find('/') != std::string::npos)
    return name; // read_header reports what is wrong with it
  const std::string dirs = path_of(process.env);
  for (size_t pos = 0; pos <= dirs.size();) {
    const size_t end = std::min(dirs.find(':', pos), dirs.size());
    const std::string dir = dirs.substr(pos, end - pos);
    const std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode))
      return candidate;
    pos = end + 1;
  }
  return make_error("\"{}\": module not found in $PATH", name);
}

Result<bool> WasmHandler::can_handle(const Spec &spec) {
  const Process &p = *spec.process;
  if (p.args.empty())
    return false;
  if (ISOBOX_TRY(wasm_intent(spec.annotations, p.args[0])) == WasmIntent::Forced) {
    m_path = ISOBOX_TRY(find_module(p));
    ISOBOX_CHECK(check_header(m_path, true));
    return true;
  }
  auto path = find_executable(p);
  if (!path)
    return false; // the exec path reports it
  auto header = read_header(*path);
  if (!header || *header == WasmHeader::Other)
    return false;
  m_path = *path;
  ISOBOX_CHECK(check_header(m_path, false)); // a component: a clear error, not ENOEXEC
  return true;
}

Result<void> WasmHandler::prepare(const Spec &spec) {
  m_request.name = m_path;
  m_request.limits = ISOBOX_TRY(container_wasm_limits(spec));
  const wasm::Tier tier = ISOBOX_TRY(container_wasm_tier(spec));
  // Decoded and validated here, so that an invalid module fails `create` (nothing is left) and
  // `start` goes straight to instantiation.
  const auto bytes = ISOBOX_TRY(wasm::embed::read_module_file(m_path));
  log::phase("wasm: module read");
  m_request.validated = ISOBOX_TRY(wasm::embed::load_module(bytes, m_path));
  log::phase("wasm: module decoded and validated");
  // The code was chosen before pivot_root (prefetch_wasm_code), for these very bytes.
  m_request.code = take_prefetched_code(bytes);
  if (!m_request.code && tier == wasm::Tier::Aot)
    return make_error("annotation {}=aot: {}: no compiled code (the module was not found in the "
                      "rootfs before entering the container)",
                      kTierAnnotation, m_path);
  if (!m_request.code)
    m_request.code = wasm::embed::CodeChoice{}; // the interpreter
  return exit_on_stop_signals();
}

Result<int> WasmHandler::run(const Spec &spec) {
  const Process &p = *spec.process;
  m_request.wasi.args = p.args;
  m_request.wasi.env = p.env;
  m_request.wasi.dirs.push_back({.host = "/", .guest = "/", .read_only = spec.root.readonly});
  return wasm::embed::run_module(std::move(m_request));
}

} // namespace isobox::oci
