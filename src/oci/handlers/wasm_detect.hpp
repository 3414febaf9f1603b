// Whether a container's process is a WebAssembly module: crun's annotations, then the file's
// first bytes (README "WebAssembly containers").
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>

#include "common/error.hpp"

namespace isobox::oci {

inline constexpr const char *kHandlerAnnotation = "run.oci.handler";
inline constexpr const char *kVariantAnnotation = "module.wasm.image/variant";
/// How containerd and CRI-O mark a pod's sandbox ("pause") container: value "sandbox".
inline constexpr const char *kCriContainerType = "io.kubernetes.cri.container-type";
inline constexpr const char *kCrioContainerType = "io.kubernetes.cri-o.ContainerType";

/// What the annotations ask for.
enum class WasmIntent {
  Forced, ///< run as Wasm whatever the file looks like (wasm, compat, or a -smart with .wasm)
  Sniff,  ///< no say: run as Wasm when the file starts with the core-module header
};

/// The intent from `run.oci.handler` (wasm, wasm-smart) and `module.wasm.image/variant`
/// (compat, compat-smart); the -smart forms force Wasm only when args[0] ends in ".wasm". An
/// unknown run.oci.handler value is an error; other variant values are ignored. A pod's sandbox
/// container (the CRI's container-type annotation is "sandbox") is never forced: the annotations
/// it inherits from its pod are meant for the pod's workloads, and its pause program is native.
Result<WasmIntent> wasm_intent(const std::map<std::string, std::string> &annotations,
                               const std::string &arg0);

/// What a file's first 8 bytes are.
enum class WasmHeader { CoreModule, Component, Other };

/// Classifies a file's first bytes: "\0asm" then version 1 (core module) or a component
/// (version 0x0d, layer 1); anything else, a shorter file included, is Other.
WasmHeader classify_header(std::span<const uint8_t> first_bytes);

/// Reads the first bytes of a regular file and classifies them (errors: open/read/not regular).
Result<WasmHeader> read_header(const std::string &path);

} // namespace isobox::oci
