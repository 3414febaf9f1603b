// `isobox spec [--bundle DIR] [--rootless]` (runc-spec.8): writes a default config.json;
// `isobox features`: the runtime-spec features document.
#include <fcntl.h>
#include <unistd.h>

#include <memory>

#include <nlohmann/json.hpp>

#include "cli/oci_verbs.hpp"
#include "common/unique_fd.hpp"
#include "oci/features/features.hpp"
#include "oci/spec/parse.hpp"

namespace isobox::cli {
namespace {

Result<int> write_spec(const std::string &bundle, bool rootless) {
  std::string path = bundle + "/config.json";
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666));
  if (!fd) {
    if (errno == EEXIST)
      return make_error("File {} exists. Remove it first", path);
    return sys_error("create {}", path);
  }
  std::string text = oci::default_spec_json(rootless).dump(1, '\t') + "\n";
  if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()))
    return sys_error("write {}", path);
  return 0;
}

} // namespace

void register_oci_spec(CLI::App &app, Context &ctx) {
  auto bundle = std::make_shared<std::string>(".");
  auto rootless = std::make_shared<bool>(false);
  CLI::App *cmd = app.add_subcommand("spec", "write a default config.json");
  cmd->add_option("-b,--bundle", *bundle, "bundle directory")->capture_default_str();
  cmd->add_flag("--rootless", *rootless, "a spec for an unprivileged user (user namespace)");
  cmd->callback(
      [&ctx, bundle, rootless] { ctx.exit_code = finish("spec", write_spec(*bundle, *rootless)); });
}

void register_oci_features(CLI::App &app, Context &ctx) {
  CLI::App *cmd = app.add_subcommand("features", "print the runtime's features as JSON");
  cmd->callback([&ctx] {
    fmt::print("{}", oci::features_json());
    ctx.exit_code = 0;
  });
}

} // namespace isobox::cli
