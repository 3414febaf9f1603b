// Native stack exhaustion in the aot tier: deep recursion on small thread stacks is the trap
// "call stack exhausted", never a SIGSEGV; an overflow in a host function ends with one line.
#include <gtest/gtest.h>
#include <pthread.h>

#include <functional>

#include "../engine_fixture.hpp"
#include "wasm/engine/engine.hpp"

namespace isobox::wasm {
namespace {

/// Runs `fn` on a new thread whose stack is `stack_bytes` (its guard page below it).
void run_on_stack(size_t stack_bytes, std::function<void()> fn) {
  pthread_attr_t attr;
  ASSERT_EQ(pthread_attr_init(&attr), 0);
  ASSERT_EQ(pthread_attr_setstacksize(&attr, stack_bytes), 0);
  pthread_t t;
  auto body = [](void *p) -> void * {
    (*static_cast<std::function<void()> *>(p))();
    return nullptr;
  };
  ASSERT_EQ(pthread_create(&t, &attr, body, &fn), 0);
  pthread_join(t, nullptr);
  pthread_attr_destroy(&attr);
}

/// An aot engine without a call-depth limit worth the name: only the native stack bounds
/// recursion. The module is compiled here, on the test's own (large) stack.
std::unique_ptr<Engine> deep_engine(const std::string &text, InstanceId &id) {
  auto e = make_engine(
      EngineOptions{.tier = Tier::Aot, .limits = StoreLimits{.max_call_depth = 1'000'000'000}});
  EXPECT_TRUE(e.has_value()) << e.error().message;
  if (!e)
    return nullptr;
  auto loaded = (*e)->load(testing::wat(text));
  EXPECT_TRUE(loaded.has_value()) << loaded.error().message;
  id = loaded.value_or(0);
  return std::move(*e);
}

#define REQUIRE_AOT_TIER()                                                                         \
  ISOBOX_REQUIRE_WAT2WASM();                                                                       \
  if (!tier_built_in(Tier::Aot))                                                                   \
  GTEST_SKIP() << "aot tier not built"

TEST(AotNativeStack, DeepRecursionOnSmallThreadStacksTraps) {
  REQUIRE_AOT_TIER();
  InstanceId id = 0;
  auto engine = deep_engine(R"((module
      (func $f (export "f") (param i64) (result i64)
        (i64.add (call $f (i64.add (local.get 0) (i64.const 1))) (local.get 0)))))",
                            id);
  ASSERT_TRUE(engine);
  for (size_t kib : {64, 128, 256, 512, 2048}) {
    std::string message = "no trap";
    run_on_stack(kib * 1024, [&] {
      auto r = engine->invoke(id, "f", std::vector{Value::i64(0)});
      if (!r)
        message = r.error().message;
    });
    EXPECT_EQ(message, "call stack exhausted") << kib << " KiB stack";
  }
}

TEST(AotNativeStackDeathTest, HostFunctionOverflowEndsWithOneLine) {
  REQUIRE_AOT_TIER();
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  auto overflow = [] {
    InstanceId id = 0;
    auto e = make_engine(EngineOptions{.tier = Tier::Aot});
    if (!e)
      return;
    Engine &engine = **e;
    // A host function that recurses natively until its thread's stack is gone.
    std::function<uint64_t(uint64_t)> dig = [&](uint64_t n) -> uint64_t {
      volatile char pad[4096];
      pad[0] = static_cast<char>(n);
      return dig(n + 1) + static_cast<uint64_t>(pad[0]);
    };
    const uint32_t host = engine.store().add_host_func(
        FuncType{{}, {ValType::I64}},
        [&](HostCall &, std::span<const Value>, std::span<Value> out) -> std::optional<Trap> {
          out[0] = Value::i64(dig(0));
          return std::nullopt;
        });
    engine.define("env", "dig", ExternVal{ExternKind::Func, host});
    auto loaded = engine.load(testing::wat(R"((module
        (import "env" "dig" (func $dig (result i64)))
        (func (export "go") (result i64) (call $dig))))"));
    if (!loaded)
      return;
    id = *loaded;
    run_on_stack(256 * 1024, [&] { (void)engine.invoke(id, "go", {}); });
  };
  EXPECT_EXIT(overflow(), ::testing::ExitedWithCode(134),
              "isobox: trap: call stack exhausted [(]native stack overflow in a host function[)]");
}

} // namespace
} // namespace isobox::wasm
