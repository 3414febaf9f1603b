// The isobox.wasm/tier annotation and the code of a Wasm container, chosen in the init before
// pivot_root (the runtime user's code cache, LLVM if it compiles) and used by the handler after.
#include "oci/handlers/wasm_code.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <atomic>

#include "common/log.hpp"
#include "oci/handlers/wasm_detect.hpp"
#include "oci/handlers/wasm_limits.hpp"
#include "oci/linux/secure_path.hpp"
#include "wasm/aot/aot_engine.hpp"
#include "wasm/aot/code_key.hpp"
#include "wasm/embed/run_module.hpp"

namespace isobox::oci {
namespace {

struct Prefetched {
  std::string module_sha256;
  wasm::embed::CodeChoice code;
};
std::optional<Prefetched> g_prefetched; // the init runs one container process

/// args[0] as the handler will find it (find_module), opened inside the rootfs: an absolute
/// path, a path relative to process.cwd, or a name searched in process.env's PATH.
std::optional<UniqueFd> open_module(int root_fd, const Process &p) {
  std::vector<std::string> candidates;
  const std::string &name = p.args[0];
  if (name.find('/') != std::string::npos) {
    candidates.push_back(name.starts_with("/") ? name : p.cwd + "/" + name);
  } else {
    std::string dirs = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    for (const auto &e : p.env)
      if (e.starts_with("PATH="))
        dirs = e.substr(5);
    for (size_t pos = 0; pos <= dirs.size();) {
      const size_t end = std::min(dirs.find(':', pos), dirs.size());
      candidates.push_back((end == pos ? "." : dirs.substr(pos, end - pos)) + "/" + name);
      pos = end + 1;
    }
  }
  for (const auto &c : candidates) {
    auto path_fd = open_in_root(root_fd, c);
    if (!path_fd)
      continue;
    UniqueFd fd(::open(fd_path(path_fd->get()).c_str(), O_RDONLY | O_CLOEXEC));
    struct stat st {};
    if (fd && ::fstat(fd.get(), &st) == 0 && S_ISREG(st.st_mode))
      return fd;
  }
  return std::nullopt;
}

Result<std::vector<uint8_t>> read_all(int fd) {
  std::vector<uint8_t> bytes;
  uint8_t buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return sys_error("read module");
    if (n == 0)
      return bytes;
    bytes.insert(bytes.end(), buf, buf + n);
  }
}

} // namespace

Result<wasm::Tier> container_wasm_tier(const Spec &spec) {
  const auto it = spec.annotations.find(kTierAnnotation);
  if (it == spec.annotations.end())
    return wasm::Tier::Auto;
  auto tier = wasm::parse_tier(it->second);
  if (!tier)
    return std::unexpected(tier.error().wrap(std::string("annotation ") + kTierAnnotation));
  return tier;
}

Result<void> prefetch_wasm_code(const Spec &spec, const std::string &rootfs) {
  const wasm::Tier tier = ISOBOX_TRY(container_wasm_tier(spec));
  if (tier == wasm::Tier::Interp || !spec.process || spec.process->args.empty())
    return {};
  UniqueFd root(::open(rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root)
    return sys_error("open {}", rootfs);
  auto fd = open_module(root.get(), *spec.process);
  if (!fd)
    return {}; // the handler (or the exec path) reports it
  const auto bytes = ISOBOX_TRY(read_all(fd->get()));
  if (classify_header(bytes) != WasmHeader::CoreModule)
    return {};
  const wasm::embed::RunLimits limits = ISOBOX_TRY(container_wasm_limits(spec));
  wasm::StoreLimits store = limits.store;
  static const std::atomic<bool> flag{false}; // only its presence counts (compile options)
  if (limits.timeout_ms)
    store.interrupt = &flag;
  auto code = ISOBOX_TRY(wasm::embed::choose_code(tier, bytes, spec.process->args[0],
                                                  wasm::aot::compile_options(store), {}));
  log::debug("wasm: container code: tier {} ({})", wasm::to_string(code.tier), code.origin);
  code.validated = nullptr; // validated again inside, where the module is read for the run
  g_prefetched = Prefetched{wasm::aot::sha256_hex(bytes), std::move(code)};
  return {};
}

std::optional<wasm::embed::CodeChoice> take_prefetched_code(std::span<const uint8_t> module) {
  if (!g_prefetched || g_prefetched->module_sha256 != wasm::aot::sha256_hex(module))
    return std::nullopt;
  auto code = std::move(g_prefetched->code);
  g_prefetched.reset();
  return code;
}

} // namespace isobox::oci
