// config.json saved under --root at create, and read back by exec, start and delete.
#include "oci/container/saved_spec.hpp"

#include <fcntl.h>
#include <unistd.h>

#include "common/file.hpp"
#include "common/unique_fd.hpp"
#include "oci/spec/parse.hpp"

namespace isobox::oci {
namespace {

constexpr const char *kSavedName = "/config.json";

Result<Spec> parse_and_validate(const std::string &text) {
  Spec spec = ISOBOX_TRY(parse_spec(text));
  ISOBOX_CHECK(validate_spec(spec));
  return spec;
}

} // namespace

Result<BundleSpec> read_bundle_spec(const std::string &bundle) {
  BundleSpec out;
  out.text = ISOBOX_TRY(read_file(bundle + "/config.json"));
  out.spec = ISOBOX_TRY(parse_and_validate(out.text));
  return out;
}

Result<> save_spec_copy(const std::string &state_dir, const std::string &text) {
  std::string path = state_dir + kSavedName;
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd)
    return sys_error("create {}", path);
  return write_all(fd.get(), text, path);
}

Result<Spec> load_saved_spec(const ContainerState &state) {
  std::string path = state.state_dir + kSavedName;
  auto text = read_file(path);
  if (!text && text.error().errno_value == ENOENT)
    return make_error("container \"{}\" was created by an older isobox that kept no copy of its "
                      "config.json: delete it and create it again",
                      state.id);
  if (!text)
    return std::unexpected(text.error());
  auto spec = parse_and_validate(*text);
  if (!spec)
    return make_error("{}: {}", path, spec.error().message);
  return spec;
}

} // namespace isobox::oci
