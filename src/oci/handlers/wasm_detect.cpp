// Wasm detection rules (crun's conventions) and the header sniffing of the container's file.
#include "oci/handlers/wasm_detect.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>

#include "common/unique_fd.hpp"

namespace isobox::oci {
namespace {

bool ends_with_wasm(const std::string &arg0) { return arg0.ends_with(".wasm"); }

/// Whether a CRI runtime marked this container as a pod's sandbox ("pause") container: the
/// forcing annotations are pod annotations, which containerd and CRI-O also give it.
bool is_pod_sandbox(const std::map<std::string, std::string> &annotations) {
  for (const char *key : {kCriContainerType, kCrioContainerType})
    if (auto it = annotations.find(key); it != annotations.end() && it->second == "sandbox")
      return true;
  return false;
}

} // namespace

Result<WasmIntent> wasm_intent(const std::map<std::string, std::string> &annotations,
                               const std::string &arg0) {
  if (is_pod_sandbox(annotations))
    return WasmIntent::Sniff;
  if (auto it = annotations.find(kHandlerAnnotation); it != annotations.end()) {
    if (it->second == "wasm" || (it->second == "wasm-smart" && ends_with_wasm(arg0)))
      return WasmIntent::Forced;
    if (it->second != "wasm-smart")
      return make_error("annotation {}: unknown handler '{}' (isobox knows wasm, wasm-smart)",
                        kHandlerAnnotation, it->second);
  }
  if (auto it = annotations.find(kVariantAnnotation); it != annotations.end()) {
    if (it->second == "compat" || (it->second == "compat-smart" && ends_with_wasm(arg0)))
      return WasmIntent::Forced;
  }
  return WasmIntent::Sniff;
}

WasmHeader classify_header(std::span<const uint8_t> b) {
  static constexpr std::array<uint8_t, 4> magic{0x00, 0x61, 0x73, 0x6d};
  if (b.size() < 8 || !std::equal(magic.begin(), magic.end(), b.begin()))
    return WasmHeader::Other;
  if (b[4] == 1 && b[5] == 0 && b[6] == 0 && b[7] == 0)
    return WasmHeader::CoreModule;
  if (b[6] == 1 && b[7] == 0) // a 16-bit version (0x0d today) then layer 1: a component
    return WasmHeader::Component;
  return WasmHeader::Other;
}

Result<WasmHeader> read_header(const std::string &path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd)
    return sys_error("{}", path);
  struct stat st {};
  if (::fstat(fd.get(), &st) < 0)
    return sys_error("{}", path);
  if (!S_ISREG(st.st_mode))
    return WasmHeader::Other;
  std::array<uint8_t, 8> buf{};
  ssize_t n;
  while ((n = ::pread(fd.get(), buf.data(), buf.size(), 0)) < 0 && errno == EINTR) {
  }
  if (n < 0)
    return sys_error("read {}", path);
  return classify_header(std::span<const uint8_t>(buf.data(), static_cast<size_t>(n)));
}

} // namespace isobox::oci
