// wasm_diff: generated modules run in isobox (through the spec Engine interface) and in wabt's
// wasm-interp; every export's result or trap must agree.
//   wasm_diff [--seeds N] [--first S] [--engine E] [--wasm-interp PATH] [--keep DIR] [-v]
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include "diff/module_gen.hpp"
#include "spec/engine.hpp"

namespace isobox::diff {
namespace {

namespace fs = std::filesystem;

/// One export's outcome, normalised: "i32:N" / "i64:N" (unsigned decimal) or "trap:<text>".
using Outcome = std::string;

struct Options {
  uint64_t seeds = 200, first = 1;
  std::string engine = "interp", wasm_interp = "wasm-interp", keep;
  bool verbose = false;
};

Outcome from_isobox(const std::expected<std::vector<wasm::Value>, wasm::Trap> &r) {
  if (!r)
    return "trap:" + r.error().message;
  if (r->size() != 1)
    return fmt::format("{} results", r->size());
  const auto &v = r->front();
  return v.type == wasm::ValType::I32 ? fmt::format("i32:{}", static_cast<uint32_t>(v.bits))
                                      : fmt::format("i64:{}", v.bits);
}

// wasm-interp --run-all-exports prints "f0() => i32:5" or "f0() => error: integer overflow".
std::map<std::string, Outcome> run_wasm_interp(const Options &o, const fs::path &file) {
  std::map<std::string, Outcome> out;
  const std::string cmd =
      fmt::format("'{}' '{}' --run-all-exports 2>&1", o.wasm_interp, file.string());
  std::unique_ptr<FILE, int (*)(FILE *)> pipe(popen(cmd.c_str(), "r"), pclose);
  if (!pipe)
    return out;
  char line[4096];
  while (fgets(line, sizeof line, pipe.get())) {
    std::string s(line);
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r'))
      s.pop_back();
    const auto arrow = s.find("() => ");
    if (arrow == std::string::npos)
      continue;
    const std::string name = s.substr(0, arrow), rest = s.substr(arrow + 6);
    if (rest.starts_with("error: ")) {
      out[name] = "trap:" + rest.substr(7);
    } else if (rest.size() > 4 && rest[3] == ':') {
      const std::string num = rest.substr(4);
      const uint64_t bits =
          num.starts_with('-') ? static_cast<uint64_t>(std::stoll(num)) : std::stoull(num);
      out[name] = rest.starts_with("i32") ? fmt::format("i32:{}", static_cast<uint32_t>(bits))
                                          : fmt::format("i64:{}", bits);
    } else {
      out[name] = rest;
    }
  }
  return out;
}

// wabt's names for three table traps, and the spec's.
Outcome spec_text(const Outcome &wabt) {
  static const std::pair<std::string_view, std::string_view> kNames[] = {
      {"trap:indirect call signature mismatch", "trap:indirect call type mismatch"},
      {"trap:undefined table index", "trap:undefined element"},
      {"trap:uninitialized table element", "trap:uninitialized element"}};
  for (const auto &[theirs, spec] : kNames)
    if (wabt.starts_with(theirs))
      return std::string(spec);
  return wabt;
}

// Trap texts agree when one starts with the other: wabt may add detail ("out of bounds memory
// access: access at ..."), as may isobox ("uninitialized element 5").
bool agree(const Outcome &isobox, const Outcome &wabt) {
  if (isobox.starts_with("trap:") && wabt.starts_with("trap:")) {
    const Outcome spec = spec_text(wabt);
    return spec.starts_with(isobox) || isobox.starts_with(spec);
  }
  return isobox == wabt;
}

struct Tally {
  uint64_t modules = 0, calls = 0, traps = 0, mismatches = 0;
};

void check_seed(const Options &o, uint64_t seed, const fs::path &dir, Tally &t) {
  const GeneratedModule gm = generate_module(seed, {.integer_results = true});
  const fs::path file = dir / fmt::format("seed{}.wasm", seed);
  std::ofstream(file, std::ios::binary)
      .write(reinterpret_cast<const char *>(gm.bytes.data()),
             static_cast<std::streamsize>(gm.bytes.size()));
  const auto wabt = run_wasm_interp(o, file);
  auto engine = std::move(*spec::make_engine(o.engine)); // checked in main
  auto id = engine->load(gm.bytes);
  ++t.modules;
  bool bad = false;
  for (const auto &e : gm.exports) {
    Outcome mine =
        id ? from_isobox(engine->invoke(*id, e.name, {})) : "load failed: " + id.error().message;
    auto it = wabt.find(e.name);
    const Outcome theirs = it == wabt.end() ? "(no output)" : it->second;
    ++t.calls;
    t.traps += theirs.starts_with("trap:");
    if (!agree(mine, theirs)) {
      bad = true;
      fmt::print("seed {}: {}: isobox {} / wasm-interp {}\n", seed, e.name, mine, theirs);
    } else if (o.verbose) {
      fmt::print("seed {}: {}: {}\n", seed, e.name, mine);
    }
  }
  t.mismatches += bad;
  if (bad && !o.keep.empty()) {
    fs::create_directories(o.keep);
    fs::copy_file(file, fs::path(o.keep) / file.filename(), fs::copy_options::overwrite_existing);
  }
  fs::remove(file);
}

} // namespace
} // namespace isobox::diff

int main(int argc, char **argv) {
  using namespace isobox::diff;
  Options o;
  CLI::App app{"Differential test: generated modules in isobox vs wabt's wasm-interp"};
  app.add_option("--seeds", o.seeds, "number of modules")->capture_default_str();
  app.add_option("--first", o.first, "first seed")->capture_default_str();
  app.add_option("--engine", o.engine, "isobox engine")->capture_default_str();
  app.add_option("--wasm-interp", o.wasm_interp, "wabt's wasm-interp")->capture_default_str();
  app.add_option("--keep", o.keep, "copy modules that disagree into DIR");
  app.add_flag("-v,--verbose", o.verbose, "print every outcome");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &e) {
    return app.exit(e);
  }
  if (auto engine = isobox::spec::make_engine(o.engine); !engine) {
    fmt::print(stderr, "wasm_diff: {}\n", engine.error().message);
    return 2;
  }
  if (std::system(fmt::format("'{}' --version >/dev/null 2>&1", o.wasm_interp).c_str()) != 0) {
    fmt::print("wasm_diff: {} not available, skipped\n", o.wasm_interp);
    return 77;
  }
  std::string templ = (std::filesystem::temp_directory_path() / "isobox-diff-XXXXXX").string();
  if (!mkdtemp(templ.data())) {
    fmt::print(stderr, "wasm_diff: mkdtemp failed\n");
    return 1;
  }
  Tally t;
  for (uint64_t s = o.first; s < o.first + o.seeds; ++s)
    check_seed(o, s, templ, t);
  std::filesystem::remove_all(templ);
  fmt::print(
      "wasm_diff ({} vs wasm-interp): {} modules, {} calls ({} traps), {} modules disagree\n",
      o.engine, t.modules, t.calls, t.traps, t.mismatches);
  return t.mismatches == 0 ? 0 : 1;
}
