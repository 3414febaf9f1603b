// Compiling in a bounded child (what a container runtime does for a container's module): the
// object comes back, LLVM never enters this process, a deadline kills and reaps the child, a
// memory bound too small to compile in is an error, and the module's own errors pass through.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "../module_bytes.hpp"
#include "wasm/aot/aot.hpp"
#include "wasm/embed/bounded_compile.hpp"

namespace isobox::wasm::embed {
namespace {

using testing::Bytes;

/// (func (result i32) (i32.const 42)).
Bytes small_module() {
  return testing::module({testing::func_type({}, {0x7f})}, testing::body({}, {0x41, 42, 0x0b}));
}

/// One function of `ops` dependent i32 operations over 400 locals: cheap to decode and validate,
/// slow for LLVM (register pressure, a huge basic block through every O2 pass).
Bytes huge_function_module(uint32_t ops) {
  Bytes code;
  uint32_t x = 12345;
  auto local = [&] {
    x = x * 1103515245 + 12345;
    return (x >> 8) % 400;
  };
  auto op = [&](uint8_t opcode, uint32_t index) {
    code.push_back(opcode);
    testing::put_uleb(code, index);
  };
  for (uint32_t i = 0; i < ops; ++i) {
    op(0x20, local()); // local.get
    op(0x20, local());
    code.push_back(i % 2 ? 0x6c : 0x73); // i32.mul, i32.xor
    op(0x21, local());                   // local.set
  }
  op(0x20, 0);
  code.push_back(0x0b);
  return testing::module({testing::func_type({}, {0x7f})}, testing::body({{400, 0x7f}}, code));
}

bool llvm_mapped() {
  std::ifstream maps("/proc/self/maps");
  std::stringstream text;
  text << maps.rdbuf();
  return text.str().find("LLVM") != std::string::npos;
}

/// No child of this process is left (running or unreaped).
bool no_children() { return ::waitpid(-1, nullptr, WNOHANG) < 0 && errno == ECHILD; }

TEST(BoundedCompile, ReturnsTheObjectWithoutLoadingLlvmHere) {
  if (!aot::available())
    GTEST_SKIP() << "aot tier not built";
  auto compiled = compile_bounded(small_module(), "small.wasm", {}, CompileBounds{});
  ASSERT_TRUE(compiled) << compiled.error().message;
  ASSERT_GE(compiled->object.size(), 4u);
  EXPECT_EQ(compiled->object[1], 'E'); // an ELF object
  EXPECT_GT(compiled->compile_ms, 0.0);
  EXPECT_FALSE(llvm_mapped());
  EXPECT_TRUE(no_children());
}

TEST(BoundedCompile, DeadlineKillsAndReapsTheCompiler) {
  if (!aot::available())
    GTEST_SKIP() << "aot tier not built";
  const auto start = std::chrono::steady_clock::now();
  auto compiled = compile_bounded(huge_function_module(200'000), "huge.wasm", {},
                                  CompileBounds{.timeout_ms = 300});
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(compiled);
  EXPECT_EQ(compiled.error().message,
            "huge.wasm: compilation exceeded its time bound of 300 ms (killed)");
  EXPECT_LT(took, std::chrono::seconds(5));
  EXPECT_TRUE(no_children());
}

TEST(BoundedCompile, TooLittleMemoryIsAnErrorNotACrash) {
  if (!aot::available())
    GTEST_SKIP() << "aot tier not built";
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "no address-space bound under AddressSanitizer";
#endif
  auto compiled = compile_bounded(huge_function_module(50'000), "huge.wasm", {},
                                  CompileBounds{.max_memory = 64ull << 20});
  ASSERT_FALSE(compiled);
  EXPECT_NE(compiled.error().message.find("huge.wasm"), std::string::npos)
      << compiled.error().message;
  EXPECT_EQ(compiled.error().message.find('\n'), std::string::npos);
  EXPECT_TRUE(no_children());
}

TEST(BoundedCompile, AnInvalidModuleGivesItsOwnError) {
  if (!aot::available())
    GTEST_SKIP() << "aot tier not built";
  // (func (result i32)) with an empty body: a type mismatch.
  const Bytes bad = testing::module({testing::func_type({}, {0x7f})}, testing::body({}, {0x0b}));
  auto compiled = compile_bounded(bad, "bad.wasm", {}, CompileBounds{});
  ASSERT_FALSE(compiled);
  EXPECT_NE(compiled.error().message.find("bad.wasm: "), std::string::npos);
  EXPECT_NE(compiled.error().message.find("type mismatch"), std::string::npos)
      << compiled.error().message;
  EXPECT_TRUE(no_children());
}

TEST(BoundedCompile, BoundsFromTheEnvironment) {
  ::setenv("ISOBOX_COMPILE_TIMEOUT", "1500ms", 1);
  ::setenv("ISOBOX_COMPILE_MAX_MEMORY", "536870912", 1);
  auto b = compile_bounds_from_env();
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(b->timeout_ms, 1500u);
  EXPECT_EQ(b->max_memory, 536870912u);
  ::setenv("ISOBOX_COMPILE_TIMEOUT", "soon", 1);
  EXPECT_FALSE(compile_bounds_from_env());
  ::unsetenv("ISOBOX_COMPILE_TIMEOUT");
  ::setenv("ISOBOX_COMPILE_MAX_MEMORY", "12abc", 1);
  EXPECT_FALSE(compile_bounds_from_env());
  ::unsetenv("ISOBOX_COMPILE_MAX_MEMORY");
  b = compile_bounds_from_env();
  ASSERT_TRUE(b);
  EXPECT_EQ(b->timeout_ms, CompileBounds{}.timeout_ms);
}

} // namespace
} // namespace isobox::wasm::embed
