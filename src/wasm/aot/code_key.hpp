// What compiled code depends on (the module, isobox and its compiler plug-in, LLVM, the CPU, the
// compile options) and the SHA-256 digests that name it: the key of the code cache and artifacts.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "wasm/aot/abi.hpp"

namespace isobox::wasm::aot {

/// Lowercase hex SHA-256 of `bytes` (OpenSSL's libcrypto).
std::string sha256_hex(std::span<const uint8_t> bytes);
inline std::string sha256_hex(std::string_view text) {
  return sha256_hex(std::span(reinterpret_cast<const uint8_t *>(text.data()), text.size()));
}

/// Everything the native code of one module depends on. Two keys are equal only when code
/// compiled for one is valid for the other.
struct CodeKey {
  std::string module_sha256; ///< of the module's bytes
  std::string isobox;        ///< version + GNU build-ids of the executable and the compiler plug-in
  std::string llvm;          ///< LLVM's version the plug-in was built with
  std::string cpu;           ///< CPUID feature words the code may use (LLVM compiles for the host)
  std::string options;       ///< CompileOptions, e.g. "O2 interruptible=0"
  /// SHA-256 of all the fields: the cache entry's file name.
  [[nodiscard]] std::string digest() const;
  bool operator==(const CodeKey &) const = default;
};

/// The key for compiling `module` with `options` on this machine with this build (no LLVM loaded:
/// its version is the one the build found).
CodeKey code_key(std::span<const uint8_t> module, const CompileOptions &options);

/// The CPU part of the key: vendor, family/model/stepping and the CPUID/XCR0 feature words.
std::string cpu_fingerprint();

/// The isobox part of the key: version and build-ids (cached per process).
const std::string &isobox_fingerprint();

} // namespace isobox::wasm::aot
