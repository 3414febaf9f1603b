// `isobox wasm run` helpers: flag ranges, --tcp-listen parsing, bad-input errors.
#include <gtest/gtest.h>

#include "cli/wasm_run.hpp"

namespace isobox::cli {
namespace {

// Issue 9 item 6: every numeric flag has a checked range and one error line; before, 0 and
// 2^32-1 reached the interpreter (frame block overflow, crash) and a 2^64-1 ms timeout wrapped.
TEST(WasmRun, NumericFlagsAreRangeChecked) {
  const std::pair<std::optional<std::string> WasmRunOptions::*, const char *> bad[] = {
      {&WasmRunOptions::max_stack, "0"},
      {&WasmRunOptions::max_stack, "4294967295"},
      {&WasmRunOptions::max_stack, "-1"},
      {&WasmRunOptions::max_table, "4294967295"},
      {&WasmRunOptions::max_memory, "4294967297"},
      {&WasmRunOptions::max_memory, "1e9"},
      {&WasmRunOptions::fuel, "-5"},
      {&WasmRunOptions::fuel, "18446744073709551616"},
      {&WasmRunOptions::timeout, "18446744073709551615ms"},
      {&WasmRunOptions::timeout, "0s"},
      {&WasmRunOptions::timeout, "721h"},
  };
  for (const auto &[field, text] : bad) {
    WasmRunOptions opts;
    opts.*field = text;
    auto r = run_limits(opts);
    ASSERT_FALSE(r.has_value()) << text;
    EXPECT_TRUE(r.error().message.starts_with("--")) << r.error().message;
    EXPECT_NE(r.error().message.find("expected a"), std::string::npos) << r.error().message;
    EXPECT_EQ(r.error().message.find('\n'), std::string::npos);
  }
}

TEST(WasmRun, NumericFlagsAtTheirBoundsAreAccepted) {
  WasmRunOptions opts;
  opts.max_stack = "1000000";
  opts.max_table = "0";
  opts.max_memory = "4294967296";
  opts.fuel = "18446744073709551615";
  opts.timeout = "720h";
  auto r = run_limits(opts);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->store.max_call_depth, 1'000'000u);
  EXPECT_EQ(r->store.max_table_elems, 0u);
  EXPECT_EQ(r->store.max_memory_bytes, uint64_t{1} << 32);
  EXPECT_EQ(r->store.fuel, UINT64_MAX);
  EXPECT_EQ(r->timeout_ms, uint64_t{720} * 3'600'000);
}

TEST(WasmRun, TcpListenRejectsBadSpecs) {
  for (const char *bad : {"nope", "127.0.0.1", "127.0.0.1:", "127.0.0.1:99999", "host:80", ":80"})
    EXPECT_FALSE(listen_tcp(bad).has_value()) << bad;
  auto fd = listen_tcp("127.0.0.1:0"); // port 0: any free port
  ASSERT_TRUE(fd.has_value()) << fd.error().message;
  EXPECT_TRUE(fd->valid());
}

TEST(WasmRun, MissingModuleIsOneLineError) {
  WasmRunOptions opts;
  opts.module = "/no/such/module.wasm";
  auto r = wasm_run(opts);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("/no/such/module.wasm"), std::string::npos);
  opts.module = "/tmp";
  EXPECT_FALSE(wasm_run(opts).has_value());
  opts.module = "/no/such/module.wasm";
  opts.dirs = {"::x"};
  EXPECT_FALSE(wasm_run(opts).has_value());
  opts.dirs.clear();
  opts.env = {"NOEQUALS"};
  EXPECT_FALSE(wasm_run(opts).has_value());
}

// Issue 14: the tier is chosen by name; a tier the build lacks is one error line, no guest code.
TEST(WasmRun, TierIsCheckedBeforeTheModuleRuns) {
  WasmRunOptions opts;
  opts.module = "/no/such/module.wasm";
  opts.tier = "jit";
  auto bad = wasm_run(opts);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message, "'jit': expected interp, aot or auto");
  if (wasm::tier_built_in(wasm::Tier::Aot))
    return;
  wasm::embed::RunRequest req{.name = "m.wasm", .bytes = {0, 'a', 's', 'm', 1, 0, 0, 0}};
  req.confine = false;
  req.tier = wasm::Tier::Aot;
  auto aot = wasm::embed::run_module(std::move(req));
  ASSERT_FALSE(aot.has_value());
  EXPECT_EQ(aot.error().message, "the aot tier is not built in");
}

} // namespace
} // namespace isobox::cli
