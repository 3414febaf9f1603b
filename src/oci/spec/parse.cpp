// Parser for config.json (config.md): root, process, mounts, hooks, annotations; the linux
// object is in parse_linux.cpp. Exceptions stay inside this file; callers get Result.
#include "oci/spec/parse.hpp"

#include "common/file.hpp"
#include "oci/spec/parse_detail.hpp"

namespace isobox::oci {
namespace detail {
namespace {

User parse_user(const nlohmann::json &v, const std::string &path) {
  expect_object(v, path);
  User u;
  opt_int(v, "uid", path, u.uid);
  opt_int(v, "gid", path, u.gid);
  opt_int(v, "umask", path, u.umask);
  opt_array(v, "additionalGids", path, u.additional_gids,
            [](const nlohmann::json &g, const std::string &p) { return as_int<uint32_t>(g, p); });
  if (member(v, "username"))
    fail(child(path, "username"), "is for Windows; use uid and gid");
  return u;
}

Rlimit parse_rlimit(const nlohmann::json &v, const std::string &path) {
  expect_object(v, path);
  Rlimit r;
  opt_string(v, "type", path, r.type);
  std::optional<uint64_t> hard, soft;
  opt_int(v, "hard", path, hard);
  opt_int(v, "soft", path, soft);
  if (r.type.empty() || !hard || !soft)
    fail(path, "type, hard and soft are required");
  r.hard = *hard;
  r.soft = *soft;
  return r;
}

LinuxCapabilities parse_caps(const nlohmann::json &v, const std::string &path) {
  expect_object(v, path);
  LinuxCapabilities c;
  opt_strings(v, "bounding", path, c.bounding);
  opt_strings(v, "effective", path, c.effective);
  opt_strings(v, "inheritable", path, c.inheritable);
  opt_strings(v, "permitted", path, c.permitted);
  opt_strings(v, "ambient", path, c.ambient);
  return c;
}

Mount parse_mount(const nlohmann::json &v, const std::string &path) {
  expect_object(v, path);
  Mount m;
  opt_string(v, "destination", path, m.destination);
  if (m.destination.empty())
    fail(child(path, "destination"), "missing");
  opt_string(v, "type", path, m.type);
  opt_string(v, "source", path, m.source);
  opt_strings(v, "options", path, m.options);
  return m;
}

Hook parse_hook(const nlohmann::json &v, const std::string &path) {
  expect_object(v, path);
  Hook h;
  opt_string(v, "path", path, h.path);
  if (h.path.empty())
    fail(child(path, "path"), "missing");
  opt_strings(v, "args", path, h.args);
  opt_strings(v, "env", path, h.env);
  opt_int(v, "timeout", path, h.timeout);
  if (h.timeout && *h.timeout <= 0)
    fail(child(path, "timeout"), "must be greater than zero");
  return h;
}

Hooks parse_hooks(const nlohmann::json &v, const std::string &path) {
  expect_object(v, path);
  Hooks h;
  opt_array(v, "prestart", path, h.prestart, parse_hook);
  opt_array(v, "createRuntime", path, h.create_runtime, parse_hook);
  opt_array(v, "createContainer", path, h.create_container, parse_hook);
  opt_array(v, "startContainer", path, h.start_container, parse_hook);
  opt_array(v, "poststart", path, h.poststart, parse_hook);
  opt_array(v, "poststop", path, h.poststop, parse_hook);
  return h;
}

Root parse_root(const nlohmann::json &v, const std::string &path) {
  expect_object(v, path);
  Root r;
  opt_string(v, "path", path, r.path);
  opt_bool(v, "readonly", path, r.readonly);
  return r;
}

ConsoleSize parse_console_size(const nlohmann::json &v, const std::string &path) {
  expect_object(v, path);
  ConsoleSize c;
  opt_int(v, "height", path, c.height);
  opt_int(v, "width", path, c.width);
  return c;
}

Spec parse_spec_object(const nlohmann::json &v) {
  expect_object(v, "");
  Spec s;
  opt_string(v, "ociVersion", "", s.oci_version);
  if (s.oci_version.empty())
    fail("ociVersion", "missing");
  opt_object(v, "root", "", s.root, parse_root);
  opt_object(v, "process", "", s.process, parse_process_object);
  opt_string(v, "hostname", "", s.hostname);
  opt_string(v, "domainname", "", s.domainname);
  opt_array(v, "mounts", "", s.mounts, parse_mount);
  opt_object(v, "hooks", "", s.hooks, parse_hooks);
  opt_object(v, "annotations", "", s.annotations, as_string_map);
  opt_object(v, "linux", "", s.linux, parse_linux);
  return s;
}

} // namespace

Process parse_process_object(const nlohmann::json &v, const std::string &path) {
  expect_object(v, path);
  Process p;
  opt_bool(v, "terminal", path, p.terminal);
  opt_object(v, "consoleSize", path, p.console_size, parse_console_size);
  opt_object(v, "user", path, p.user, parse_user);
  opt_strings(v, "args", path, p.args);
  opt_strings(v, "env", path, p.env);
  opt_string(v, "cwd", path, p.cwd);
  opt_object(v, "capabilities", path, p.capabilities, parse_caps);
  opt_array(v, "rlimits", path, p.rlimits, parse_rlimit);
  opt_bool(v, "noNewPrivileges", path, p.no_new_privileges);
  opt_string(v, "apparmorProfile", path, p.apparmor_profile);
  opt_int(v, "oomScoreAdj", path, p.oom_score_adj);
  opt_string(v, "selinuxLabel", path, p.selinux_label);
  return p;
}

} // namespace detail

namespace {

template <typename T, typename Fn>
Result<T> parse_with(std::string_view what, std::string_view text, Fn fn) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded())
    return make_error("{}: not valid JSON", what);
  try {
    return fn(doc);
  } catch (const detail::SpecError &e) {
    if (e.path.empty())
      return make_error("{}: {}", what, e.message);
    return make_error("{}: {}: {}", what, e.path, e.message);
  } catch (const nlohmann::json::exception &e) {
    return make_error("{}: {}", what, e.what());
  }
}

} // namespace

Result<Spec> parse_spec(std::string_view text) {
  return parse_with<Spec>("config.json", text,
                          [](const nlohmann::json &d) { return detail::parse_spec_object(d); });
}

Result<Process> parse_process(std::string_view text) {
  return parse_with<Process>("process.json", text, [](const nlohmann::json &d) {
    return detail::parse_process_object(d, "");
  });
}

Result<LinuxResources> parse_resources(std::string_view text, std::string_view source) {
  return parse_with<LinuxResources>(std::string(source), text, [](const nlohmann::json &d) {
    return detail::parse_resources(d, "");
  });
}

Result<Spec> load_spec(const std::string &bundle) {
  auto text = read_file(bundle + "/config.json");
  if (!text)
    return std::unexpected(text.error());
  Spec spec = ISOBOX_TRY(parse_spec(*text));
  ISOBOX_CHECK(validate_spec(spec));
  return spec;
}

} // namespace isobox::oci
