// wasm_tier_diff: generated modules (or saved module files) run in the interpreter and in the aot
// tier; every export's results or trap and the final memories, globals and tables must agree.
// With --limits, each module also runs under fuel budgets and small call depths (limit_diff.hpp).
//   wasm_tier_diff [--seeds N] [--first S] [--limits] [--choices INPUT...] [--keep DIR]
//                  [--write DIR] [-v] [FILE.wasm...]
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "diff/limit_diff.hpp"
#include "diff/module_gen.hpp"
#include "diff/tier_diff.hpp"

namespace isobox::diff {
namespace {

namespace fs = std::filesystem;
namespace wasm = isobox::wasm;

struct Options {
  uint64_t seeds = 200, first = 1;
  std::string keep, write;
  std::vector<std::string> files;
  std::vector<std::string> choices; ///< fuzzer inputs: each drives the generator (choices.hpp)
  bool verbose = false;
  bool limits = false;
};

struct Tally {
  uint64_t modules = 0, divergent = 0, calls = 0, traps = 0, unloadable = 0;
  LimitTally limited;
};

/// Counts calls and traps; a generated module that does not load is a generator bug.
void count(const Observation &obs, Tally &t) {
  for (const std::string &line : obs.lines) {
    t.calls += line.starts_with("call ");
    t.traps += line.find(": trap: ") != std::string::npos;
    t.unloadable += line.starts_with("load: ");
  }
}

void keep_module(const Options &o, const std::string &name, std::span<const uint8_t> bytes) {
  if (o.keep.empty())
    return;
  fs::create_directories(o.keep);
  std::ofstream(fs::path(o.keep) / name, std::ios::binary)
      .write(reinterpret_cast<const char *>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
}

/// The module under limits too (--limits); false if a tier could not be made.
bool check_limits(const Options &o, const std::string &name, std::span<const uint8_t> bytes,
                  uint64_t seed, Tally &t) {
  auto diff = compare_tiers_with_limits(bytes, seed, t.limited);
  if (!diff) {
    fmt::print(stderr, "wasm_tier_diff: {}: {}\n", name, diff.error().message);
    return false;
  }
  if (*diff) {
    ++t.divergent;
    fmt::print("{}: {}\n", name, **diff);
    keep_module(o, name, bytes);
  }
  return true;
}

/// One module through both tiers; false if a tier could not be made.
bool check(const Options &o, const std::string &name, std::span<const uint8_t> bytes, Tally &t,
           uint64_t seed) {
  auto interp = observe(wasm::Tier::Interp, bytes);
  auto aot = interp ? observe(wasm::Tier::Aot, bytes) : interp;
  if (!aot) {
    fmt::print(stderr, "wasm_tier_diff: {}\n", aot.error().message);
    return false;
  }
  ++t.modules;
  count(*interp, t);
  if (auto diff = first_difference(*interp, *aot)) {
    ++t.divergent;
    fmt::print("{}: {}\n", name, *diff);
    keep_module(o, name, bytes);
    for (size_t i = 0; o.verbose && i < interp->lines.size() && i < aot->lines.size(); ++i)
      fmt::print("  {} | aot {}\n", interp->lines[i], aot->lines[i]);
    return true;
  } else if (o.verbose) {
    fmt::print("{}: agree\n", name);
    for (const std::string &line : interp->lines)
      fmt::print("  {}\n", line);
  }
  const bool loads = interp->lines.empty() || !interp->lines.front().starts_with("load: ");
  return !o.limits || !loads || check_limits(o, name, bytes, seed, t);
}

std::vector<uint8_t> read_file(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// The given files, or the seeds; false if a tier could not be made.
bool run_all(const Options &o, Tally &t) {
  for (const std::string &f : o.files)
    if (!check(o, fs::path(f).filename().string(), read_file(f), t, 1))
      return false;
  for (const std::string &f : o.choices) { // as wasm_tier_diff_fuzz runs its input
    const std::vector<uint8_t> input = read_file(f);
    const auto bytes = generate_module(input).bytes;
    if (!check(o, fs::path(f).filename().string() + ".wasm", bytes, t, input.size()))
      return false;
  }
  for (uint64_t s = o.first; o.files.empty() && o.choices.empty() && s < o.first + o.seeds; ++s) {
    const std::string name = fmt::format("seed{}.wasm", s);
    const auto bytes = generate_module(s).bytes;
    if (!o.write.empty())
      keep_module({.keep = o.write}, name, bytes);
    if (!check(o, name, bytes, t, s))
      return false;
  }
  return true;
}

} // namespace
} // namespace isobox::diff

int main(int argc, char **argv) {
  using namespace isobox::diff;
  Options o;
  CLI::App app{"Differential test: generated modules in the interpreter vs the aot tier"};
  app.add_option("--seeds", o.seeds, "number of generated modules (0 with FILEs)")
      ->capture_default_str();
  app.add_option("--first", o.first, "first seed")->capture_default_str();
  app.add_flag("--limits", o.limits,
               "also run each module under fuel budgets around each export's cost and call "
               "depths 1-3");
  app.add_option("--keep", o.keep, "write modules whose tiers disagree into DIR");
  app.add_option("--write", o.write, "write every generated module into DIR (to read them)");
  app.add_flag("-v,--verbose", o.verbose, "print every module");
  app.add_option("--choices", o.choices,
                 "generate from these files' bytes as wasm_tier_diff_fuzz does (replays an input)")
      ->check(CLI::ExistingFile);
  app.add_option("files", o.files, "module files to compare instead of generated ones")
      ->check(CLI::ExistingFile);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &e) {
    return app.exit(e);
  }
  if (!isobox::wasm::tier_built_in(isobox::wasm::Tier::Aot)) {
    fmt::print("wasm_tier_diff: the aot tier is not built in, skipped\n");
    return 77;
  }
  const auto start = std::chrono::steady_clock::now();
  Tally t;
  if (!run_all(o, t))
    return 2;
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  fmt::print("wasm_tier_diff (interp vs aot): {} modules, {} calls ({} traps), {} modules diverge, "
             "{} do not load ({:.1f} s)\n",
             t.modules, t.calls, t.traps, t.divergent, t.unloadable, secs);
  if (o.limits)
    fmt::print("  under limits: {} runs, {} out of fuel, {} calls out of stack\n", t.limited.runs,
               t.limited.fuel_traps, t.limited.depth_traps);
  return t.divergent == 0 && (t.unloadable == 0 || !o.files.empty()) ? 0 : 1;
}
