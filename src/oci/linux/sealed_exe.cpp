// Re-exec from a read-only bind mount of ourselves (runc uses a memfd copy; a bind mount costs
// one execve instead of copying a 50 MB binary per container): a detached bind executed by fd,
// or on old kernels a bind in a private mount namespace.
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
#include "common/unique_fd.hpp"

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

// A detached read-only bind of the binary (open_tree + mount_setattr, Linux 5.12), executed
// through its fd: no mount namespace is entered, so containers start from the caller's own (its
// shared mounts keep their peers; a config without a mount namespace inherits it). Returns
// false when the kernel lacks these calls; otherwise only on failure.
Result<bool> reexec_from_detached_bind(const char *exe, char *const argv[]) {
  UniqueFd tree(::open_tree(AT_FDCWD, exe, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC));
  if (!tree && errno == ENOSYS)
    return false;
  if (!tree)
    return sys_error("clone a bind of {}", exe);
  mount_attr attr{};
  attr.attr_set = MOUNT_ATTR_RDONLY;
  if (::mount_setattr(tree.get(), "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
    return errno == ENOSYS ? Result<bool>(false) : sys_error("make the bind of {} read-only", exe);
  struct statvfs sv {};
  if (::fstatvfs(tree.get(), &sv) < 0 || !(sv.f_flag & ST_RDONLY))
    return make_error("the bind of {} is still writable", exe);
  ::execveat(tree.get(), "", argv, environ, AT_EMPTY_PATH);
  return sys_error("re-exec {}", exe);
}

// Kernels before 5.12: a private mount namespace holding a read-only bind of the binary. The
// containers then start from that copy, whose "/" is a slave: rshared mounts do not reach the
// caller's namespace, and a config without a mount namespace gets the copy.
Result<> reexec_from_namespace_bind(const char *exe, char *const argv[]) {
  if (::unshare(CLONE_NEWNS) < 0)
    return sys_error("unshare mount namespace to seal the runtime binary");
  if (::mount(nullptr, "/", nullptr, MS_SLAVE | MS_REC, nullptr) < 0)
    return sys_error("make / rslave");
  if (::mount(exe, exe, nullptr, MS_BIND, nullptr) < 0 ||
      ::mount(nullptr, exe, nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY, nullptr) < 0)
    return sys_error("bind {} read-only", exe);
  if (!is_read_only(exe)) // the re-exec below would seal again, forever
    return make_error("{} is still writable after its read-only bind", exe);
  ::execve(exe, argv, environ);
  return sys_error("re-exec {}", exe);
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
  std::vector<char *> argv;
  for (auto &a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  if (!ISOBOX_TRY(reexec_from_detached_bind(exe, argv.data())))
    ISOBOX_CHECK(reexec_from_namespace_bind(exe, argv.data()));
  return make_error("re-exec {} returned", exe);
}

} // namespace isobox::oci
