// Serialising compiled code and checking it on the way back in: every size and the payload's
// SHA-256 are verified before an object is handed to the loader.
#include "wasm/aot/artifact.hpp"

#include <cstring>

#include <nlohmann/json.hpp>

namespace isobox::wasm::aot {
namespace {

constexpr size_t kMaxHeader = 64 * 1024;

std::span<const uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t *>(s.data()), s.size()};
}

nlohmann::json header_of(const Artifact &a, const std::string &payload_sha256) {
  return {{"key", a.key.digest()},
          {"module_sha256", a.key.module_sha256},
          {"isobox", a.key.isobox},
          {"llvm", a.key.llvm},
          {"cpu", a.key.cpu},
          {"options", a.key.options},
          {"compile_ms", a.compile_ms},
          {"module_size", a.module.size()},
          {"object_size", a.object.size()},
          {"payload_sha256", payload_sha256}};
}

/// Reads the header's fields into `a` and the sizes it announces.
Result<std::string> read_header(const nlohmann::json &h, Artifact &a, size_t &module_size,
                                size_t &object_size) {
  try {
    a.key = CodeKey{h.at("module_sha256").get<std::string>(), h.at("isobox").get<std::string>(),
                    h.at("llvm").get<std::string>(), h.at("cpu").get<std::string>(),
                    h.at("options").get<std::string>()};
    a.compile_ms = h.at("compile_ms").get<double>();
    module_size = h.at("module_size").get<size_t>();
    object_size = h.at("object_size").get<size_t>();
    if (h.at("key").get<std::string>() != a.key.digest())
      return make_error("header does not match its key");
    return h.at("payload_sha256").get<std::string>();
  } catch (const nlohmann::json::exception &e) {
    return make_error("bad header ({})", e.what());
  }
}

} // namespace

bool is_artifact(std::span<const uint8_t> bytes) {
  return bytes.size() >= kArtifactMagic.size() &&
         std::memcmp(bytes.data(), kArtifactMagic.data(), kArtifactMagic.size()) == 0;
}

std::string serialize(const Artifact &a) {
  std::string payload(a.module.begin(), a.module.end());
  payload.append(a.object.begin(), a.object.end());
  std::string out(kArtifactMagic);
  out += header_of(a, sha256_hex(payload)).dump();
  out += '\n';
  out += payload;
  return out;
}

Result<Artifact> parse_artifact(std::span<const uint8_t> bytes) {
  if (!is_artifact(bytes))
    return make_error("not an isobox compiled-code file");
  const std::string_view text(reinterpret_cast<const char *>(bytes.data()), bytes.size());
  const size_t start = kArtifactMagic.size();
  const size_t end = text.find('\n', start);
  if (end == std::string_view::npos || end - start > kMaxHeader)
    return make_error("truncated header");
  const auto header = nlohmann::json::parse(text.substr(start, end - start), nullptr, false);
  if (header.is_discarded() || !header.is_object())
    return make_error("header is not JSON");
  Artifact a;
  size_t module_size = 0, object_size = 0;
  const std::string payload_sha256 = ISOBOX_TRY(read_header(header, a, module_size, object_size));
  const std::string_view payload = text.substr(end + 1);
  if (module_size > payload.size() || payload.size() - module_size != object_size)
    return make_error("{} bytes of payload, the header says {} (truncated?)", payload.size(),
                      module_size + object_size);
  if (sha256_hex(as_bytes(payload)) != payload_sha256)
    return make_error("payload checksum mismatch");
  a.module.assign(payload.begin(), payload.begin() + static_cast<ptrdiff_t>(module_size));
  a.object.assign(payload.begin() + static_cast<ptrdiff_t>(module_size), payload.end());
  return a;
}

Result<void> check_key(const Artifact &a, const CodeKey &expected) {
  if (a.key.module_sha256 != expected.module_sha256)
    return make_error("compiled from another module");
  if (a.key.isobox != expected.isobox)
    return make_error("compiled by another isobox build ({})", a.key.isobox);
  if (a.key.llvm != expected.llvm)
    return make_error("compiled with LLVM {}, this isobox has {}", a.key.llvm, expected.llvm);
  if (a.key.cpu != expected.cpu)
    return make_error("compiled for another CPU ({})", a.key.cpu);
  if (a.key.options != expected.options)
    return make_error("compiled with other options ({})", a.key.options);
  return {};
}

} // namespace isobox::wasm::aot
