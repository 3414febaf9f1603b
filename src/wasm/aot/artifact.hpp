// The on-disk form of compiled code (a code cache entry, or the `.cwasm` file of `isobox wasm
// compile -o`): a magic line, a JSON header with the key and sizes, then module and object bytes.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "wasm/aot/code_key.hpp"

namespace isobox::wasm::aot {

/// The first line of every artifact.
inline constexpr std::string_view kArtifactMagic = "isobox-aot 1\n";

/// Native code for one module and what it was compiled for.
struct Artifact {
  CodeKey key;
  std::vector<uint8_t> module; ///< the module's bytes (in `-o` files; empty in cache entries)
  std::vector<uint8_t> object; ///< the ELF relocatable object the plug-in emitted
  double compile_ms = 0;
};

/// Whether `bytes` start like an artifact (not a Wasm module).
bool is_artifact(std::span<const uint8_t> bytes);

/// The file's bytes: magic, header (key, sizes, SHA-256 of the payload), module, object.
std::string serialize(const Artifact &artifact);

/// Parses and checks a file: magic, header, sizes (a truncated or padded file is refused) and the
/// payload's SHA-256 (a flipped byte is refused). Errors say which check failed, in one line.
Result<Artifact> parse_artifact(std::span<const uint8_t> bytes);

/// Checks that `artifact` was compiled for `expected`; the error names the first field that
/// differs ("compiled for another CPU").
Result<void> check_key(const Artifact &artifact, const CodeKey &expected);

} // namespace isobox::wasm::aot
