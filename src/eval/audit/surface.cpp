// The attack surface of each backend, measured: a probe held inside the sandbox, read from the
// host (capabilities, seccomp, namespaces) and from its own SURFACE lines (paths, devices).
#include "eval/audit/surface.hpp"

#include <algorithm>
#include <bit>
#include <fstream>
#include <seccomp.h>
#include <sstream>

#include "eval/audit/host_check.hpp"
#include "eval/backends/container_seccomp.hpp"
#include "wasm/embed/confine.hpp"

namespace isobox::eval::audit {

namespace {

using nlohmann::json;

const char *const kNamespaces[] = {"cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"};

// "Field:\tvalue" of /proc/<pid>/status, "" when absent.
std::string status_field(pid_t pid, const std::string &field) {
  for (const auto &line : lines_with(fmt::format("/proc/{}/status", pid), field + ":")) {
    if (!line.starts_with(field + ":"))
      continue;
    const auto start = line.find_first_not_of(" \t", field.size() + 1);
    return start == std::string::npos ? "" : line.substr(start);
  }
  return "";
}

int last_capability() {
  int last = 40;
  std::ifstream("/proc/sys/kernel/cap_last_cap") >> last;
  return last;
}

// Allowed syscalls: all of them without a filter; the engine's own allowlist for isobox's Wasm
// backends when it is the only filter (the list confine.cpp installs, with a directory granted
// as the eval does); the eval's container profile for the *-seccomp backends; otherwise unknown.
json syscalls(const Backend &b, const std::string &seccomp, const std::string &filters) {
  const int total = x86_64_syscall_total();
  json j = {{"total", total}, {"seccomp", seccomp == "0" ? "none" : "filter (" + filters + ")"}};
  if (seccomp == "0") {
    j["allowed"] = total;
    j["source"] = "no seccomp filter: every syscall reaches the kernel";
  } else if (b.name().starts_with("isobox-wasm") && filters == "1") {
    j["allowed"] = wasm::embed::wasm_allowlist(wasm::embed::ConfineOptions{}).size();
    j["source"] = "the engine's allowlist (src/wasm/embed/confine.cpp, a directory granted), the "
                  "only filter";
  } else if (b.name().ends_with("-seccomp") && filters == "1") {
    j["allowed"] = container_seccomp_allowed_x86_64();
    j["source"] =
        "the eval's RuntimeDefault-like profile (src/eval/backends/container_seccomp.cpp; "
        "clone only without namespace flags), the only filter";
  } else {
    j["allowed"] = nullptr;
    j["source"] = "a filter is installed; its rules were not read";
  }
  return j;
}

// The held process's view from the host, plus the probe's SURFACE lines.
json describe(Backend &b, pid_t pid, const std::string &out) {
  const std::string cap_hex = status_field(pid, "CapEff");
  const unsigned long long caps = cap_hex.empty() ? 0 : std::stoull(cap_hex, nullptr, 16);
  json j = {
      {"backend", b.name()},
      {"pid_seen", pid},
      {"syscalls", syscalls(b, status_field(pid, "Seccomp"), status_field(pid, "Seccomp_filters"))},
      {"capabilities",
       {{"held", std::popcount(caps)}, {"total", last_capability() + 1}, {"CapEff", cap_hex}}},
      {"no_new_privs", status_field(pid, "NoNewPrivs") == "1"},
      {"namespaces", json::array()},
      {"writable", json::array()},
      {"devices", json::array()}};
  for (const char *ns : kNamespaces) {
    const std::string mine = link_target(fmt::format("/proc/self/ns/{}", ns));
    const std::string theirs = link_target(fmt::format("/proc/{}/ns/{}", pid, ns));
    if (!theirs.empty() && theirs != mine)
      j["namespaces"].push_back(ns);
  }
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("SURFACE writable "))
      j["writable"].push_back(line.substr(17));
    else if (line.starts_with("SURFACE device "))
      j["devices"].push_back(line.substr(15));
  }
  std::sort(j["devices"].begin(), j["devices"].end()); // readdir order varies per sandbox
  return j;
}

// The held probe: by its nonce in argv, else (isobox's Wasm handler runs the engine inside the
// container's init without an exec, so argv is the runtime's) the process in the backend's
// container cgroup (isobox-eval-<harness pid>-<backend>/, oci_backend.cpp).
pid_t find_probe(const Backend &b, const std::string &nonce) {
  if (const pid_t pid = find_by_nonce(nonce); pid > 0)
    return pid;
  const std::string cgroup = fmt::format("/isobox-eval-{}-{}/", ::getpid(), b.name());
  std::error_code ec;
  for (const auto &entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") == std::string::npos &&
        !lines_with(entry.path().string() + "/cgroup", cgroup).empty())
      return std::stoi(name);
  }
  return -1;
}

} // namespace

int x86_64_syscall_total() {
  int n = 0;
  for (int nr = 0; nr < 1024; nr++) {
    char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, nr);
    n += name != nullptr;
    std::free(name);
  }
  return n;
}

Result<json> measure_surface(Backend &b, HostEnv &host, const std::string &program_dir,
                             double timeout_s) {
  const std::string ext = b.info().kind == "wasm" ? ".wasm" : ".native";
  if (!std::filesystem::exists(program_dir + "/surface_probe" + ext))
    return make_error("surface_probe{} was not built", ext);
  ISOBOX_CHECK(host.reset(false));
  const Command cmd = ISOBOX_TRY(b.command(RunSpec{"surface_probe", {host.nonce(), kDirToken}}));
  RunningChild child = ISOBOX_TRY(spawn_child(cmd));
  auto out = read_until(child.stdout_r.get(), "HOLD", timeout_s);
  const pid_t pid = out ? find_probe(b, host.nonce()) : -1;
  Result<json> result = !out      ? Result<json>(std::unexpected(out.error()))
                        : pid < 0 ? Result<json>(make_error("the probe's process was not found"))
                                  : Result<json>(describe(b, pid, *out));
  finish_child(child, timeout_s);
  host.cleanup_after_run();
  return result;
}

} // namespace isobox::eval::audit
