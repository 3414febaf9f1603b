// Test helper: text module -> wat2wasm (run at test time) -> decode -> validate -> instantiate.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include "wasm/binary/decoder.hpp"
#include "wasm/interp/interp_module.hpp"
#include "wasm/interp/invoke.hpp"
#include "wasm/runtime/instantiate.hpp"
#include "wasm/validator/validator.hpp"

namespace isobox::wasm::testing {

/// Binary of a text module, made by wabt's wat2wasm; empty if wat2wasm is missing or fails.
inline std::vector<uint8_t> wat(const std::string &text) {
  char dir[] = "/tmp/isobox-wat-XXXXXX";
  if (!mkdtemp(dir))
    return {};
  const std::string in = std::string(dir) + "/m.wat", out = std::string(dir) + "/m.wasm";
  std::ofstream(in) << text;
  const std::string cmd = "wat2wasm --no-check " + in + " -o " + out + " 2>/dev/null";
  std::vector<uint8_t> bytes;
  if (std::system(cmd.c_str()) == 0) {
    std::ifstream f(out, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(f), {});
  }
  std::remove(in.c_str());
  std::remove(out.c_str());
  std::remove(dir);
  return bytes;
}

/// True if wabt's wat2wasm can be run (tests skip otherwise).
inline bool have_wat2wasm() { return std::system("wat2wasm --version >/dev/null 2>&1") == 0; }

#define ISOBOX_REQUIRE_WAT2WASM()                                                                  \
  if (!::isobox::wasm::testing::have_wat2wasm())                                                   \
  GTEST_SKIP() << "wat2wasm unavailable"

/// Error text of validating `text` ("ok" if valid).
inline std::string validate_error(const std::string &text) {
  auto bytes = wat(text);
  if (bytes.empty())
    return "wat2wasm failed";
  auto m = decode(bytes);
  if (!m)
    return "malformed: " + m.error().message;
  auto v = validate(std::move(*m));
  return v ? "ok" : v.error().message;
}

/// One instantiated module in its own store.
struct Instance {
  Store store;
  ModuleInstance *inst = nullptr;

  explicit Instance(const std::string &text) {
    auto bytes = wat(text);
    if (bytes.empty()) {
      ADD_FAILURE() << "wat2wasm failed";
      return;
    }
    auto m = decode(bytes);
    EXPECT_TRUE(m.has_value()) << m.error().message;
    auto v = validate_for_interp(std::move(*m));
    EXPECT_TRUE(v.has_value()) << v.error().message;
    auto i = instantiate(
        store, v->validated, [](auto, auto) { return std::nullopt; }, true, v->code);
    EXPECT_TRUE(i.has_value()) << i.error().message;
    inst = *i;
  }
  std::expected<std::vector<Value>, Trap> call(const std::string &name,
                                               std::vector<Value> args = {}) {
    auto e = inst->find_export(name);
    EXPECT_TRUE(e.has_value()) << name;
    return invoke(store, e->addr, args);
  }
  uint64_t call1(const std::string &name, std::vector<Value> args = {}) {
    auto r = call(name, std::move(args));
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
    return r && !r->empty() ? (*r)[0].bits : ~uint64_t{0};
  }
};

} // namespace isobox::wasm::testing
