// A compilation in a forked child under RLIMIT_AS and a deadline; its object comes back over a
// pipe. The parent never loads LLVM and never holds more than the object.
#include "wasm/embed/bounded_compile.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>

#include "common/parse_number.hpp"
#include "common/unique_fd.hpp"
#include "wasm/embed/compiler_sandbox.hpp"
#include "wasm/embed/run_module.hpp"

namespace isobox::wasm::embed {
namespace {

#if defined(__SANITIZE_ADDRESS__)
// AddressSanitizer reserves terabytes of shadow memory: under RLIMIT_AS every later allocation
// would fail, so a sanitizer build bounds the compilation's time only.
constexpr bool kBoundAddressSpace = false;
#else
constexpr bool kBoundAddressSpace = true;
#endif

constexpr char kOk = 'O';
constexpr char kFailed = 'E';

bool write_all(int fd, const void *data, size_t size) {
  const auto *p = static_cast<const char *>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

/// The child: bounded, it validates, compiles and writes [kOk][compile_ms][object] or
/// [kFailed][message], then exits. Never returns.
[[noreturn]] void compile_child(int out, std::span<const uint8_t> module, std::string_view name,
                                const aot::CompileOptions &options, const CompileBounds &bounds) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0); // dies with the runtime
  ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);        // not ptrace-able from where the runtime stands
  const rlimit as{bounds.max_memory, bounds.max_memory};
  const rlim_t cpu_s = bounds.timeout_ms / 1000 + 2; // a backstop to the parent's deadline
  const rlimit cpu{cpu_s, cpu_s};
  if ((kBoundAddressSpace && ::setrlimit(RLIMIT_AS, &as) != 0) ||
      ::setrlimit(RLIMIT_CPU, &cpu) != 0)
    ::_exit(2);
  // The compiler is loaded while files can still be opened; then the child is confined before
  // it reads a byte of the module.
  Result<aot::CompiledObject> compiled = [&]() -> Result<aot::CompiledObject> {
    if (auto loaded = aot::load_compiler(); !loaded)
      return make_error("{}: the compiler could not be loaded within {} MiB of address space: {}",
                        name, bounds.max_memory >> 20, loaded.error().message);
    if (auto confined = confine_compiler(out); !confined)
      return std::unexpected(
          confined.error().wrap(fmt::format("{}: confining the compiler", name)));
    const auto validated = ISOBOX_TRY(load_module(module, name));
    auto object = aot::compile_object(*validated, options);
    if (!object)
      return std::unexpected(object.error().wrap(name));
    return object;
  }();
  bool ok;
  if (compiled) {
    ok = write_all(out, &kOk, 1) &&
         write_all(out, &compiled->compile_ms, sizeof compiled->compile_ms) &&
         write_all(out, compiled->object.data(), compiled->object.size());
  } else {
    const std::string &m = compiled.error().message;
    ok = write_all(out, &kFailed, 1) && write_all(out, m.data(), m.size());
  }
  ::_exit(ok ? 0 : 3);
}

/// Reads the child's answer until EOF or the deadline; false when the deadline passed first.
Result<bool> read_until(int fd, std::chrono::steady_clock::time_point deadline, uint64_t max,
                        std::string &out) {
  char buf[65536];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      return false;
    pollfd p{fd, POLLIN, 0};
    const int r = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left.count(), 1 << 30)));
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0)
      return sys_error("poll");
    if (r == 0)
      continue; // the loop head sees the deadline
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return sys_error("read from the compiler process");
    if (n == 0)
      return true;
    if (out.size() + static_cast<size_t>(n) > max)
      return make_error("the compiler process wrote more than its memory bound");
    out.append(buf, static_cast<size_t>(n));
  }
}

/// `exec` joins a container's pid namespace for its children before it forks; the compiler is
/// forked back in the runtime's own, where nothing in the container can see or signal it. Returns
/// the namespace to restore afterwards (empty: nothing was switched).
UniqueFd leave_childrens_pid_namespace() {
  struct stat own {
  }, kids{};
  if (::stat("/proc/self/ns/pid", &own) != 0 ||
      ::stat("/proc/self/ns/pid_for_children", &kids) != 0 || own.st_ino == kids.st_ino)
    return {};
  UniqueFd own_fd(::open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC));
  UniqueFd kids_fd(::open("/proc/self/ns/pid_for_children", O_RDONLY | O_CLOEXEC));
  if (!own_fd || !kids_fd || ::setns(own_fd.get(), CLONE_NEWPID) != 0)
    return {};
  return kids_fd;
}

int reap(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

} // namespace

Result<CompileBounds> compile_bounds_from_env() {
  CompileBounds b;
  if (const char *m = std::getenv("ISOBOX_COMPILE_MAX_MEMORY"); m && *m) {
    auto v = parse_number<uint64_t>(m, 16ull << 20, 1ull << 40);
    if (!v)
      return std::unexpected(v.error().wrap("ISOBOX_COMPILE_MAX_MEMORY"));
    b.max_memory = *v;
  }
  if (const char *t = std::getenv("ISOBOX_COMPILE_TIMEOUT"); t && *t) {
    auto v = parse_duration_ms(t, 1, 24ull * 3600 * 1000);
    if (!v)
      return std::unexpected(v.error().wrap("ISOBOX_COMPILE_TIMEOUT"));
    b.timeout_ms = *v;
  }
  return b;
}

Result<aot::CompiledObject> compile_bounded(std::span<const uint8_t> module, std::string_view name,
                                            const aot::CompileOptions &options,
                                            const CompileBounds &bounds) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    return sys_error("pipe");
  UniqueFd in(fds[0]), out(fds[1]);
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(bounds.timeout_ms);
  const UniqueFd restore = leave_childrens_pid_namespace();
  const pid_t pid = ::fork();
  if (restore && pid != 0)
    ::setns(restore.get(), CLONE_NEWPID);
  if (pid < 0)
    return sys_error("fork the compiler process");
  if (pid == 0) {
    in.reset();
    compile_child(out.get(), module, name, options, bounds);
  }
  out.reset();
  std::string answer;
  auto finished = read_until(in.get(), deadline, bounds.max_memory, answer);
  if (!finished || !*finished)
    ::kill(pid, SIGKILL);
  const int status = reap(pid);
  if (!finished)
    return std::unexpected(finished.error().wrap(name));
  if (!*finished)
    return make_error("{}: compilation exceeded its time bound of {} ms (killed)", name,
                      bounds.timeout_ms);
  if (!answer.empty() && answer[0] == kFailed)
    return make_error("{}", answer.substr(1));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || answer.size() < 1 + sizeof(double) ||
      answer[0] != kOk) {
    const std::string how =
        !WIFSIGNALED(status)         ? fmt::format("exit status {}", WEXITSTATUS(status))
        : WTERMSIG(status) == SIGSYS ? "killed by its seccomp filter: a system call outside the "
                                       "compiler's allowlist"
                                     : fmt::format("killed by signal {}", WTERMSIG(status));
    return make_error("{}: compilation failed ({}; bounded to {} MiB of address space)", name, how,
                      bounds.max_memory >> 20);
  }
  aot::CompiledObject result;
  std::memcpy(&result.compile_ms, answer.data() + 1, sizeof result.compile_ms);
  result.object.assign(answer.begin() + 1 + sizeof(double), answer.end());
  return result;
}

} // namespace isobox::wasm::embed
