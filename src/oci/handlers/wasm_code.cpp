// The isobox.wasm/tier annotation and the code of a Wasm container's process: the init (or an
// exec'd child) finds the module and hands its descriptor to the runtime, which chooses the code
// with its own cache and identity (a compilation bounded, in a child outside the container's
// cgroup) and sends it back; the handler uses it inside for the same bytes.
#include "oci/handlers/wasm_code.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <atomic>
#include <cstdint>
#include <sstream>

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
std::optional<Prefetched> g_prefetched; // the init (or exec child) runs one process

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

/// The most of a container's module the runtime reads into its own memory (a file in the image,
/// so of any size): larger modules run interpreted, or fail `create` with tier aot.
constexpr size_t kMaxModuleBytes = size_t{512} << 20;

/// The file's bytes; nullopt when it holds more than `max`.
Result<std::optional<std::vector<uint8_t>>> read_all(int fd, size_t max = SIZE_MAX) {
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
    if (bytes.size() + static_cast<size_t>(n) > max)
      return std::nullopt;
    bytes.insert(bytes.end(), buf, buf + n);
  }
}

/// Whether the file starts like a core module (read without moving the offset).
bool is_core_module(int fd) {
  uint8_t head[8];
  const ssize_t n = ::pread(fd, head, sizeof head, 0);
  return n > 0 && classify_header({head, static_cast<size_t>(n)}) == WasmHeader::CoreModule;
}

/// The object in a sealed memfd: the child can read it, no one can change it.
Result<UniqueFd> sealed_memfd(std::span<const uint8_t> bytes) {
  UniqueFd fd(::memfd_create("isobox-aot-code", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (!fd)
    return sys_error("memfd_create");
  for (size_t done = 0; done < bytes.size();) {
    const ssize_t n = ::write(fd.get(), bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return sys_error("write the compiled code");
    done += static_cast<size_t>(n);
  }
  if (::fcntl(fd.get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0)
    return sys_error("seal the compiled code");
  return fd;
}

/// What compile options a run of this container uses (its timeout and fuel annotations).
Result<wasm::aot::CompileOptions> container_compile_options(const Spec &spec) {
  const wasm::embed::RunLimits limits = ISOBOX_TRY(container_wasm_limits(spec));
  wasm::StoreLimits store = limits.store;
  static const std::atomic<bool> flag{false}; // only its presence counts (compile options)
  if (limits.timeout_ms)
    store.interrupt = &flag;
  return wasm::aot::compile_options(store);
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

Result<void> request_wasm_code(const Spec &spec, const std::string &root, SyncChannel &channel) {
  const wasm::Tier tier = ISOBOX_TRY(container_wasm_tier(spec));
  if (tier == wasm::Tier::Interp || !spec.process || spec.process->args.empty())
    return {};
  UniqueFd root_fd(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root_fd)
    return sys_error("open {}", root);
  auto fd = open_module(root_fd.get(), *spec.process);
  if (!fd || !is_core_module(fd->get()))
    return {}; // a native program, or the handler (or the exec path) reports what is wrong
  ISOBOX_CHECK(channel.send(SyncType::WasmModule, {}, fd->get()));
  SyncMessage answer = ISOBOX_TRY(channel.expect(SyncType::WasmCode));
  std::istringstream words(answer.payload);
  std::string tier_name, origin, sha;
  words >> tier_name >> origin >> sha;
  wasm::embed::CodeChoice code;
  code.tier = ISOBOX_TRY(wasm::parse_tier(tier_name));
  code.origin = origin == "-" ? "" : origin;
  if (code.tier == wasm::Tier::Aot) {
    if (!answer.fd)
      return make_error("the runtime sent no compiled code");
    ::lseek(answer.fd.get(), 0, SEEK_SET);
    code.object = std::move(*ISOBOX_TRY(read_all(answer.fd.get())));
  }
  log::debug("wasm: container code: tier {} ({})", wasm::to_string(code.tier), origin);
  g_prefetched = Prefetched{std::move(sha), std::move(code)};
  return {};
}

Result<void> serve_wasm_code(const Spec &spec, SyncChannel &channel, UniqueFd module) {
  const wasm::Tier tier = ISOBOX_TRY(container_wasm_tier(spec));
  struct stat st {};
  if (!module || ::fstat(module.get(), &st) != 0 || !S_ISREG(st.st_mode))
    return make_error("wasm: the container's module is not a regular file");
  const std::string name = spec.process && !spec.process->args.empty() ? spec.process->args[0] : "";
  const auto read = ISOBOX_TRY(read_all(module.get(), kMaxModuleBytes));
  if (!read && tier == wasm::Tier::Aot)
    return make_error("{}: larger than the {} MiB the runtime compiles", name,
                      kMaxModuleBytes >> 20);
  if (!read)
    log::debug("wasm: {}: larger than {} MiB: interpreted", name, kMaxModuleBytes >> 20);
  const std::vector<uint8_t> bytes = read ? std::move(*read) : std::vector<uint8_t>{};
  module.reset();
  wasm::embed::CodeChoice code;
  if (classify_header(bytes) == WasmHeader::CoreModule) {
    wasm::embed::CacheOptions cache;
    if (tier == wasm::Tier::Aot) // (auto never compiles)
      cache.bounds = ISOBOX_TRY(wasm::embed::compile_bounds_from_env());
    const auto options = ISOBOX_TRY(container_compile_options(spec));
    code = ISOBOX_TRY(wasm::embed::choose_code(tier, bytes, name, options, cache));
  }
  UniqueFd object;
  if (code.tier == wasm::Tier::Aot)
    object = ISOBOX_TRY(sealed_memfd(code.object));
  const std::string payload =
      fmt::format("{} {} {}", wasm::to_string(code.tier), code.origin.empty() ? "-" : code.origin,
                  wasm::aot::sha256_hex(bytes));
  return channel.send(SyncType::WasmCode, payload, object.get());
}

Result<void> expect_ready_serving_code(SyncChannel &channel, const Spec &spec) {
  for (;;) {
    SyncMessage m = ISOBOX_TRY(channel.receive());
    if (m.type == SyncType::Error)
      return make_error("{}", m.payload);
    if (m.type == SyncType::Ready)
      return {};
    if (m.type != SyncType::WasmModule)
      return make_error("unexpected sync message {} (wanted {})", static_cast<uint32_t>(m.type),
                        static_cast<uint32_t>(SyncType::Ready));
    ISOBOX_CHECK(serve_wasm_code(spec, channel, std::move(m.fd)));
  }
}

std::optional<wasm::embed::CodeChoice> take_prefetched_code(std::span<const uint8_t> module) {
  if (!g_prefetched || g_prefetched->module_sha256 != wasm::aot::sha256_hex(module))
    return std::nullopt;
  auto code = std::move(g_prefetched->code);
  g_prefetched.reset();
  return code;
}

} // namespace isobox::oci
