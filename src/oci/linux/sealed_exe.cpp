// Re-exec from a read-only bind mount of ourselves (runc uses a memfd copy; a bind mount costs
// one execve instead of copying a 50 MB binary per container).
#include "oci/linux/sealed_exe.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "common/file.hpp"
#include "common/log.hpp"

extern char **environ;

namespace isobox::oci {
namespace {

Result<std::vector<std::string>> own_argv() {
  std::string cmdline = ISOBOX_TRY(read_file("/proc/self/cmdline"));
  std::vector<std::string> args;
  size_t pos = 0;
  while (pos < cmdline.size()) {
    size_t end = cmdline.find('\0', pos);
    if (end == std::string::npos)
      end = cmdline.size();
    args.push_back(cmdline.substr(pos, end - pos));
    pos = end + 1;
  }
  return args;
}

// statvfs of /proc/self/exe is about the mount we were executed from; of a path, about the
// mount that path reaches now (the read-only bind, once made).
bool is_read_only(const char *path) {
  struct statvfs sv {};
  return ::statvfs(path, &sv) == 0 && (sv.f_flag & ST_RDONLY) != 0;
}

} // namespace

Result<> ensure_sealed_exe() {
  // Decided from the executable itself, never from the environment: a caller (or anything that
  // sets our environment) must not be able to turn the protection off.
  if (is_read_only("/proc/self/exe"))
    return {};
  if (::geteuid() != 0) {
    log::debug("not sealing /proc/self/exe: not root");
    return {};
  }
  char exe[4096];
  ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0)
    return sys_error("readlink /proc/self/exe");
  exe[n] = '\0';
  auto args = ISOBOX_TRY(own_argv());
  if (::unshare(CLONE_NEWNS) < 0)
    return sys_error("unshare mount namespace to seal the runtime binary");
  if (::mount(nullptr, "/", nullptr, MS_SLAVE | MS_REC, nullptr) < 0)
    return sys_error("make / rslave");
  if (::mount(exe, exe, nullptr, MS_BIND, nullptr) < 0 ||
      ::mount(nullptr, exe, nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY, nullptr) < 0)
    return sys_error("bind {} read-only", exe);
  if (!is_read_only(exe)) // the re-exec below would seal again, forever
    return make_error("{} is still writable after its read-only bind", exe);
  std::vector<char *> argv;
  for (auto &a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  ::execve(exe, argv.data(), environ);
  return sys_error("re-exec {}", exe);
}

} // namespace isobox::oci
