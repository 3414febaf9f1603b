// wast2json runs as a child process at test time; the engine optionally runs in a forked child.
#include "spec/script_file.hpp"

#include <array>
#include <cstdlib>

#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace isobox::spec {
namespace {

namespace fs = std::filesystem;

Result<int> run_program(const std::vector<std::string> &argv) {
  std::vector<char *> args;
  for (const auto &a : argv)
    args.push_back(const_cast<char *>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0)
    return sys_error("fork");
  if (pid == 0) {
    execvp(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) < 0)
    return sys_error("waitpid");
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// The child writes its counts as four numbers; anything else means it did not finish.
bool read_counts(int fd, Counts &c) {
  std::string text;
  std::array<char, 256> buf{};
  ssize_t n;
  while ((n = read(fd, buf.data(), buf.size())) > 0)
    text.append(buf.data(), static_cast<size_t>(n));
  unsigned long long p, f, s, e;
  if (std::sscanf(text.c_str(), "%llu %llu %llu %llu", &p, &f, &s, &e) != 4)
    return false;
  c = Counts{p, f, s, e};
  return true;
}

} // namespace

Result<ConvertedScript> ConvertedScript::convert(const fs::path &wast,
                                                 const std::string &wast2json) {
  const char *tmp = std::getenv("TMPDIR");
  std::string templ = fmt::format("{}/isobox-spec-XXXXXX", tmp ? tmp : "/tmp");
  if (!mkdtemp(templ.data()))
    return sys_error("mkdtemp {}", templ);
  ConvertedScript script;
  script.m_dir = templ;
  const fs::path json = script.m_dir / (wast.stem().string() + ".json");
  const int rc = ISOBOX_TRY(run_program({wast2json, wast.string(), "-o", json.string()}));
  if (rc != 0)
    return make_error("{} {} failed (exit {})", wast2json, wast.string(), rc);
  script.m_commands = ISOBOX_TRY(read_script(json));
  return script;
}

ConvertedScript::ConvertedScript(ConvertedScript &&other) noexcept
    : m_dir(std::move(other.m_dir)), m_commands(std::move(other.m_commands)) {
  other.m_dir.clear();
}

ConvertedScript::~ConvertedScript() {
  std::error_code ec;
  if (!m_dir.empty())
    fs::remove_all(m_dir, ec);
}

Counts ConvertedScript::all_failed() const {
  Counts c;
  for (const auto &cmd : m_commands) {
    if (!cmd.is_assertion())
      continue;
    if (cmd.type == Command::Type::AssertMalformed && cmd.text_module)
      ++c.skipped;
    else
      ++c.failed;
  }
  c.errors = 1;
  return c;
}

Result<Counts> run_in_process(const ConvertedScript &script, const FileOptions &options) {
  auto engine = ISOBOX_TRY(make_engine(options.engine));
  Runner runner(*engine, script.dir(), options.run);
  return runner.run(script.commands());
}

Counts run_isolated(const ConvertedScript &script, const FileOptions &options, std::string &note) {
  std::fflush(stdout);
  int fds[2];
  if (pipe(fds) != 0) {
    note = "pipe failed";
    return script.all_failed();
  }
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    auto c = run_in_process(script, options);
    std::fflush(stdout);
    if (c) {
      auto text = fmt::format("{} {} {} {}", c->passed, c->failed, c->skipped, c->errors);
      (void)!write(fds[1], text.data(), text.size());
    }
    _exit(0);
  }
  close(fds[1]);
  pollfd pfd{fds[0], POLLIN, 0};
  const int ready = pid > 0 ? poll(&pfd, 1, static_cast<int>(options.timeout.count() * 1000)) : -1;
  if (ready == 0) {
    kill(pid, SIGKILL);
    note = fmt::format("timed out after {} s", options.timeout.count());
  }
  Counts c;
  const bool got = ready > 0 && read_counts(fds[0], c);
  close(fds[0]);
  int status = 0;
  if (pid > 0)
    waitpid(pid, &status, 0);
  if (got)
    return c;
  if (note.empty())
    note = WIFSIGNALED(status) ? fmt::format("crashed ({})", strsignal(WTERMSIG(status)))
                               : "child produced no result";
  return script.all_failed();
}

} // namespace isobox::spec
