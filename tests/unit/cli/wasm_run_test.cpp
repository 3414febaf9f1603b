// `isobox wasm run` helpers: durations for --timeout, --tcp-listen parsing, bad-input errors.
#include <gtest/gtest.h>

#include "cli/wasm_run.hpp"

namespace isobox::cli {
namespace {

TEST(WasmRun, ParsesDurations) {
  EXPECT_EQ(parse_duration_ms("1500ms").value(), 1500u);
  EXPECT_EQ(parse_duration_ms("10s").value(), 10'000u);
  EXPECT_EQ(parse_duration_ms("7").value(), 7'000u);
  EXPECT_EQ(parse_duration_ms("2m").value(), 120'000u);
  EXPECT_EQ(parse_duration_ms("1h").value(), 3'600'000u);
  for (const char *bad : {"", "ms", "10x", "-1s", "1.5s"})
    EXPECT_FALSE(parse_duration_ms(bad).has_value()) << bad;
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

} // namespace
} // namespace isobox::cli
