// The code cache's key: SHA-256 of the module, isobox's and the plug-in's build-ids, LLVM's
// version, the CPUID feature words and the compile options; none of it loads LLVM.
#include "wasm/aot/code_key.hpp"

#include <cpuid.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
// SHA256_Init/Update/Final are deprecated in OpenSSL 3 in favour of EVP, but EVP's first use
// initialises the library's providers: 0.7 ms, on the start-up path of every `wasm run`. The
// low-level functions are the same implementation without that (0.02 ms for a 20 KB module).
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include <cstring>

#include <fmt/format.h>

#include "common/unique_fd.hpp"
#include "wasm/aot/aot.hpp"

#ifndef ISOBOX_VERSION
#define ISOBOX_VERSION "unknown"
#endif
#ifndef ISOBOX_LLVM_VERSION
#define ISOBOX_LLVM_VERSION "none"
#endif

namespace isobox::wasm::aot {
namespace {

/// The NT_GNU_BUILD_ID of a note segment, as hex (empty if there is none).
std::string build_id_in_notes(const uint8_t *p, size_t size) {
  size_t off = 0;
  while (off + sizeof(Elf64_Nhdr) <= size) {
    Elf64_Nhdr n;
    std::memcpy(&n, p + off, sizeof n);
    const size_t name_at = off + sizeof n;
    const size_t desc_at = name_at + ((n.n_namesz + 3) & ~3u);
    const size_t next = desc_at + ((n.n_descsz + 3) & ~3u);
    if (next > size)
      break;
    if (n.n_type == NT_GNU_BUILD_ID && n.n_namesz == 4 && std::memcmp(p + name_at, "GNU", 4) == 0) {
      std::string hex;
      for (size_t i = 0; i < n.n_descsz; ++i)
        hex += fmt::format("{:02x}", p[desc_at + i]);
      return hex;
    }
    off = next;
  }
  return {};
}

/// The running executable's build-id, from its loaded note segment.
std::string executable_build_id() {
  std::string id;
  dl_iterate_phdr(
      [](dl_phdr_info *info, size_t, void *out) {
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const ElfW(Phdr) &ph = info->dlpi_phdr[i];
          if (ph.p_type == PT_NOTE) {
            const auto *p = reinterpret_cast<const uint8_t *>(info->dlpi_addr + ph.p_vaddr);
            *static_cast<std::string *>(out) = build_id_in_notes(p, ph.p_memsz);
            if (!static_cast<std::string *>(out)->empty())
              break;
          }
        }
        return 1; // the first object is the executable
      },
      &id);
  return id.empty() ? "no-build-id" : id;
}

/// The compiler plug-in's build-id, read from the file's first pages (it is not loaded).
std::string plugin_build_id() {
  const auto path = compiler_plugin_path();
  if (!path)
    return "no-plugin";
  UniqueFd fd(::open(path->c_str(), O_RDONLY | O_CLOEXEC));
  uint8_t buf[16384];
  const ssize_t n = fd ? ::pread(fd.get(), buf, sizeof buf, 0) : -1;
  Elf64_Ehdr eh;
  if (n < static_cast<ssize_t>(sizeof eh))
    return "unreadable-plugin";
  std::memcpy(&eh, buf, sizeof eh);
  for (unsigned i = 0; i < eh.e_phnum; ++i) {
    Elf64_Phdr ph;
    const size_t at = eh.e_phoff + i * sizeof ph;
    if (at + sizeof ph > static_cast<size_t>(n))
      break;
    std::memcpy(&ph, buf + at, sizeof ph);
    if (ph.p_type == PT_NOTE && ph.p_offset + ph.p_filesz <= static_cast<size_t>(n))
      if (auto id = build_id_in_notes(buf + ph.p_offset, ph.p_filesz); !id.empty())
        return id;
  }
  return "no-build-id";
}

} // namespace

std::string sha256_hex(std::span<const uint8_t> bytes) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, bytes.data(), bytes.size());
  SHA256_Final(md, &ctx);
  std::string hex;
  hex.reserve(2 * sizeof md);
  for (unsigned i = 0; i < sizeof md; ++i)
    hex += fmt::format("{:02x}", md[i]);
  return hex;
}

std::string CodeKey::digest() const {
  return sha256_hex(
      fmt::format("isobox-aot-key 1\nmodule {}\nisobox {}\nllvm {}\ncpu {}\noptions {}\n",
                  module_sha256, isobox, llvm, cpu, options));
}

std::string cpu_fingerprint() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  __get_cpuid(0, &a, &b, &c, &d);
  const unsigned max_leaf = a;
  std::string vendor(12, ' ');
  std::memcpy(vendor.data(), &b, 4);
  std::memcpy(vendor.data() + 4, &d, 4);
  std::memcpy(vendor.data() + 8, &c, 4);
  __get_cpuid(1, &a, &b, &c, &d);
  std::string out = fmt::format("x86_64 {} 1:{:08x}.{:08x}.{:08x}", vendor, a, c, d);
  const bool osxsave = (c & (1u << 27)) != 0;
  if (max_leaf >= 7) {
    __get_cpuid_count(7, 0, &a, &b, &c, &d);
    out += fmt::format(" 7:{:08x}.{:08x}.{:08x}", b, c, d);
  }
  if (__get_cpuid(0x80000001, &a, &b, &c, &d))
    out += fmt::format(" e1:{:08x}.{:08x}", c, d);
  if (osxsave) { // which register states the OS saves: LLVM uses AVX/AVX-512 only when it does
    unsigned lo = 0, hi = 0;
    __asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    out += fmt::format(" xcr0:{:08x}", lo);
  }
  return out;
}

const std::string &isobox_fingerprint() {
  static const std::string id =
      fmt::format("{} exe:{} plugin:{}", ISOBOX_VERSION, executable_build_id(), plugin_build_id());
  return id;
}

CodeKey code_key(std::span<const uint8_t> module, const CompileOptions &options) {
  // Every field of CompileOptions changes the code: a new one must be added here (this fails to
  // compile when the struct gains a field).
  const auto &[opt_level, interruptible, metered, count_depth] = options;
  return CodeKey{.module_sha256 = sha256_hex(module),
                 .isobox = isobox_fingerprint(),
                 .llvm = ISOBOX_LLVM_VERSION,
                 .cpu = cpu_fingerprint(),
                 .options =
                     fmt::format("O{} interruptible={} metered={} depth={}", opt_level,
                                 interruptible ? 1 : 0, metered ? 1 : 0, count_depth ? 1 : 0)};
}

} // namespace isobox::wasm::aot
