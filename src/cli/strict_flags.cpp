// UID[:GID] parsing for `exec --user` and the list of runc verbs (see strict_flags.hpp).
#include "cli/strict_flags.hpp"

#include <algorithm>
#include <array>

namespace isobox::cli {

Result<UserSpec> parse_user_spec(std::string_view text) {
  size_t colon = text.find(':');
  auto uid = parse_number<uint32_t>(text.substr(0, colon), 0, kMaxId);
  if (!uid)
    return make_error("uid {}", uid.error().message);
  UserSpec spec{*uid, std::nullopt};
  if (colon == std::string_view::npos)
    return spec;
  auto gid = parse_number<uint32_t>(text.substr(colon + 1), 0, kMaxId);
  if (!gid)
    return make_error("gid {}", gid.error().message);
  spec.gid = *gid;
  return spec;
}

CLI::Validator user_spec_check() {
  return CLI::Validator(
      [](std::string &text) -> std::string {
        auto spec = parse_user_spec(text);
        return spec ? std::string() : spec.error().message;
      },
      "UID[:GID]");
}

bool is_runc_verb(std::string_view name) {
  static constexpr std::array<std::string_view, 13> kVerbs{
      "create", "start", "state", "kill",   "delete", "run",     "exec",
      "list",   "ps",    "pause", "resume", "spec",   "features"};
  return std::find(kVerbs.begin(), kVerbs.end(), name) != kVerbs.end();
}

} // namespace isobox::cli
