// spec_runner: runs official .wast scripts against an isobox engine (one file, or the suite).
//   spec_runner [--engine E] [--verbose] [--xfail] [--wast2json P] FILE.wast
//   spec_runner [--engine E] --suite DIR [--expected-failures LIST]
// Exit: 0 pass, 1 failure, 2 usage, 77 test data missing (CTest's skip code).
#include <algorithm>
#include <fstream>
#include <set>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "spec/script_file.hpp"

namespace isobox::spec {
namespace {

namespace fs = std::filesystem;
constexpr int kSkip = 77;

struct Args {
  FileOptions file;
  std::string wast2json = "wast2json";
  std::string suite_dir;
  std::string expected_failures;
  std::vector<std::string> files;
  bool xfail = false;
};

// One name per line ("i32.wast" or "i32"); '#' starts a comment.
std::set<std::string> read_expected_failures(const std::string &path) {
  std::set<std::string> names;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    line = line.substr(0, line.find('#'));
    line.erase(std::remove_if(line.begin(), line.end(), ::isspace), line.end());
    if (line.ends_with(".wast"))
      line.resize(line.size() - 5);
    if (!line.empty())
      names.insert(line);
  }
  return names;
}

int run_one(const Args &args, const fs::path &wast) {
  if (!fs::exists(wast)) {
    fmt::print("{}: not found (spec test data missing), skipped\n", wast.string());
    return kSkip;
  }
  auto script = ConvertedScript::convert(wast, args.wast2json);
  if (!script) {
    fmt::print(stderr, "spec_runner: {}\n", script.error().message);
    return 1;
  }
  FileOptions opts = args.file;
  opts.run.script_name = wast.filename().string();
  const std::string label = fmt::format("{} ({})", opts.run.script_name, opts.engine);
  if (!args.xfail) {
    auto counts = run_in_process(*script, opts);
    if (!counts) {
      fmt::print(stderr, "spec_runner: {}\n", counts.error().message);
      return 2;
    }
    fmt::print("{}: {}\n", label, format_counts(*counts));
    return counts->ok() ? 0 : 1;
  }
  std::string note;
  const Counts c = run_isolated(*script, opts, note);
  fmt::print("{}: {}{}\n", label, format_counts(c), note.empty() ? "" : " (" + note + ")");
  if (c.ok()) {
    fmt::print("XPASS: {} passes now; remove it from tests/spec/expected_failures.txt\n",
               opts.run.script_name);
    return 1;
  }
  fmt::print("expected failure (listed in tests/spec/expected_failures.txt)\n");
  return 0;
}

int run_suite(const Args &args) {
  if (!fs::is_directory(args.suite_dir)) {
    fmt::print("{}: not found (spec test data missing), skipped\n", args.suite_dir);
    return kSkip;
  }
  std::vector<fs::path> files;
  for (const auto &e : fs::directory_iterator(args.suite_dir))
    if (e.path().extension() == ".wast" && !e.path().filename().string().starts_with("simd_"))
      files.push_back(e.path());
  std::sort(files.begin(), files.end());
  const auto xfail = read_expected_failures(args.expected_failures);
  Counts total;
  int passing_files = 0, unexpected = 0;
  for (const auto &wast : files) {
    auto script = ConvertedScript::convert(wast, args.wast2json);
    if (!script) {
      fmt::print("{}: {}\n", wast.filename().string(), script.error().message);
      ++unexpected;
      continue;
    }
    FileOptions opts = args.file;
    opts.run.script_name = wast.filename().string();
    std::string note;
    const Counts c = run_isolated(*script, opts, note);
    total += c;
    const bool listed = xfail.contains(wast.stem().string());
    passing_files += c.ok();
    unexpected += !c.ok() && !listed;
    fmt::print("  {:28} {}{}{}\n", opts.run.script_name, format_counts(c),
               note.empty() ? "" : " (" + note + ")",
               c.ok() ? "" : (listed ? " [expected failure]" : " [UNEXPECTED FAILURE]"));
  }
  fmt::print("spec suite ({}): {} assertions, {} passed, {} failed, {} skipped; {} of {} files "
             "pass, {} listed as expected failures\n",
             args.file.engine, total.assertions(), total.passed, total.failed, total.skipped,
             passing_files, files.size(), xfail.size());
  return unexpected == 0 ? 0 : 1;
}

} // namespace
} // namespace isobox::spec

int main(int argc, char **argv) {
  using namespace isobox::spec;
  Args args;
  CLI::App app{"Runs WebAssembly spec .wast scripts (via wast2json) against an isobox engine"};
  app.add_option("--engine,--tier", args.file.engine, "tier to test: interp, aot or auto")
      ->capture_default_str();
  app.add_flag("-v,--verbose", args.file.run.verbose, "print each failure with its line");
  app.add_flag("--xfail", args.xfail,
               "the file is expected to fail: succeed on failure, fail if it passes");
  app.add_option("--wast2json", args.wast2json, "wast2json binary")->capture_default_str();
  app.add_option("--suite", args.suite_dir, "run every core .wast in DIR and print a summary");
  app.add_option("--expected-failures", args.expected_failures, "list of files allowed to fail");
  int timeout = 120;
  app.add_option("--timeout", timeout, "seconds per file in isolated runs")->capture_default_str();
  app.add_option("files", args.files, ".wast files");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &e) {
    return app.exit(e);
  }
  args.file.timeout = std::chrono::seconds(timeout);
  if (auto engine = make_engine(args.file.engine); !engine) {
    fmt::print(stderr, "spec_runner: {}\n", engine.error().message);
    return 2;
  }
  if (!args.suite_dir.empty())
    return run_suite(args);
  if (args.files.size() != 1) {
    fmt::print(stderr, "spec_runner: give one .wast file or --suite DIR\n");
    return 2;
  }
  return run_one(args, args.files.front());
}
