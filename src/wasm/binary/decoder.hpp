// Binary decoder: bytes -> Module, with the spec's "malformed" texts as errors (spec 5).
#pragma once

#include <cstdint>
#include <span>

#include "common/error.hpp"
#include "wasm/binary/module.hpp"

namespace isobox::wasm {

/// Decodes a whole binary module. Function bodies are checked to be well-formed instruction
/// sequences (opcodes, immediates, nesting) but not validated. Error.message is the spec's
/// malformed text ("unexpected end", "magic header not detected", "integer too large", ...).
Result<Module> decode(std::span<const uint8_t> bytes);

} // namespace isobox::wasm
