// The privileged helpers of the setuid and file-capability scenarios, placed by the harness.
#include "eval/audit/privileged_helper.hpp"

#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

#include "eval/backend.hpp"

namespace isobox::eval::audit {

namespace fs = std::filesystem;

std::string privileged_helper_name(const std::string &kind) { return "audit-" + kind + "-helper"; }

namespace {

Result<void> grant(const std::string &path, const std::string &kind) {
  if (::chown(path.c_str(), 0, 0) != 0)
    return sys_error("chown root {}", path);
  if (kind == "suid")
    return ::chmod(path.c_str(), 04755) == 0 ? Result<void>{} : sys_error("chmod 4755 {}", path);
  if (::chmod(path.c_str(), 0755) != 0)
    return sys_error("chmod 755 {}", path);
  const std::string setcap = find_in_path("setcap");
  if (setcap.empty())
    return make_error("setcap not found (Debian package libcap2-bin)");
  const RunResult r = ISOBOX_TRY(run_command(Command{{setcap, "cap_setuid+ep", path}, ""}, 10));
  if (r.exit_code != 0)
    return make_error("setcap cap_setuid+ep {}: {}", path, r.err.substr(0, r.err.find('\n')));
  return {};
}

} // namespace

Result<void> place_privileged_helper(const std::string &program_dir, const std::string &kind,
                                     const std::vector<std::string> &dirs) {
  if (kind != "suid" && kind != "fcap")
    return make_error("unknown privileged helper \"{}\"", kind);
  if (::geteuid() != 0)
    return make_error("placing a root-owned helper needs root");
  const std::string source = program_dir + "/setuid_gain.native";
  for (const auto &dir : dirs) {
    const std::string path = dir + "/" + privileged_helper_name(kind);
    std::error_code ec;
    fs::copy_file(source, path, fs::copy_options::overwrite_existing, ec);
    if (ec)
      return make_error("copy {} to {}: {}", source, path, ec.message());
    ISOBOX_CHECK(grant(path, kind));
  }
  return {};
}

} // namespace isobox::eval::audit
