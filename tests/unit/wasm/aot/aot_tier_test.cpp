// The LLVM tier on small modules: results equal to the interpreter's, each trap with the spec's
// text (guard-page faults, explicit checks, native stack exhaustion), host calls, W^X.
#include <gtest/gtest.h>

#include <atomic>
#include <bit>
#include <chrono>
#include <cmath>
#include <fstream>
#include <string>
#include <thread>

#include "../engine_fixture.hpp"
#include "wasm/aot/aot.hpp"

namespace isobox::wasm::aot {
namespace {

using testing::wat;

/// One module compiled by the aot tier in a store with guard regions.
struct AotInstance {
  Linkage linkage; // before the store: outlives it
  Store store{StoreLimits{.guard_regions = true}};
  ModuleInstance *inst = nullptr;
  double compile_ms = 0;

  explicit AotInstance(const std::string &text, const ImportResolver &resolve = {}) {
    load(text, resolve);
  }
  void load(const std::string &text, const ImportResolver &resolve) {
    auto bytes = wat(text);
    ASSERT_FALSE(bytes.empty()) << "wat2wasm failed";
    auto m = decode(bytes);
    ASSERT_TRUE(m) << m.error().message;
    auto v = validate(std::move(*m));
    ASSERT_TRUE(v) << v.error().message;
    auto code = compile(**v);
    ASSERT_TRUE(code) << code.error().message;
    compile_ms = (*code)->compile_ms;
    auto none = [](auto, auto) { return std::optional<ExternVal>(); };
    auto i = instantiate(store, *v, resolve ? resolve : ImportResolver(none), false);
    ASSERT_TRUE(i) << i.error().message;
    inst = *i;
    auto a = attach(store, *inst, *code, linkage);
    ASSERT_TRUE(a) << a.error().message;
  }
  std::expected<std::vector<Value>, Trap> call(const std::string &name,
                                               std::vector<Value> args = {}) {
    auto e = inst->find_export(name);
    EXPECT_TRUE(e.has_value()) << name;
    return invoke(store, e->addr, args);
  }
  std::string trap(const std::string &name, std::vector<Value> args = {}) {
    auto r = call(name, std::move(args));
    return r ? "no trap" : r.error().message;
  }
};

#define REQUIRE_AOT()                                                                              \
  ISOBOX_REQUIRE_WAT2WASM();                                                                       \
  if (!available())                                                                                \
  GTEST_SKIP() << "aot tier not built"

TEST(AotTier, ArithmeticLoopsAndCalls) {
  REQUIRE_AOT();
  AotInstance m(R"((module
    (func $fib (export "fib") (param i32) (result i32)
      (if (result i32) (i32.lt_u (local.get 0) (i32.const 2)) (then (local.get 0))
        (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                       (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
    (func (export "sum") (param i64) (result i64) (local i64)
      (block (loop
        (br_if 1 (i64.eqz (local.get 0)))
        (local.set 1 (i64.add (local.get 1) (local.get 0)))
        (local.set 0 (i64.sub (local.get 0) (i64.const 1)))
        (br 0)))
      (local.get 1))
    (func (export "fmin") (param f64 f64) (result f64) (f64.min (local.get 0) (local.get 1)))
    (func (export "two") (result i32 i64) (i32.const 7) (i64.const -1))))");
  EXPECT_EQ(m.call("fib", {Value::i32(20)}).value().at(0), Value::i32(6765));
  EXPECT_EQ(m.call("sum", {Value::i64(100000)}).value().at(0), Value::i64(5000050000));
  auto r = m.call("fmin", {Value::f64_bits(std::bit_cast<uint64_t>(-0.0)),
                           Value::f64_bits(std::bit_cast<uint64_t>(0.0))});
  EXPECT_EQ(r.value().at(0).bits, std::bit_cast<uint64_t>(-0.0));
  auto two = m.call("two").value();
  EXPECT_EQ(two.at(0), Value::i32(7));
  EXPECT_EQ(two.at(1), Value::i64(~uint64_t{0}));
}

TEST(AotTier, MemoryAndGuardPageTrap) {
  REQUIRE_AOT();
  AotInstance m(R"((module (memory 1)
    (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
    (func (export "load") (param i32) (result i32) (i32.load offset=4 (local.get 0)))
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
    (func (export "size") (result i32) (memory.size))))");
  ASSERT_TRUE(m.call("store", {Value::i32(100), Value::i32(42)}));
  EXPECT_EQ(m.call("load", {Value::i32(96)}).value().at(0), Value::i32(42));
  EXPECT_EQ(m.trap("load", {Value::i32(65532)}), "out of bounds memory access");
  EXPECT_EQ(m.trap("load", {Value::i32(0xffffffff)}), "out of bounds memory access");
  EXPECT_EQ(m.trap("store", {Value::i32(65533), Value::i32(1)}), "out of bounds memory access");
  EXPECT_EQ(m.call("grow", {Value::i32(1)}).value().at(0), Value::i32(1));
  EXPECT_EQ(m.call("size").value().at(0), Value::i32(2));
  EXPECT_EQ(m.call("load", {Value::i32(65532)}).value().at(0), Value::i32(0)); // grown: inside
  EXPECT_EQ(m.trap("load", {Value::i32(2 * 65536 - 4)}), "out of bounds memory access");
}

TEST(AotTier, ExplicitTraps) {
  REQUIRE_AOT();
  AotInstance m(R"((module
    (type $t (func (result i32)))
    (table 2 funcref) (elem (i32.const 0) $one)
    (func $one (type $t) (i32.const 1))
    (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
    (func (export "rem") (param i32 i32) (result i32) (i32.rem_s (local.get 0) (local.get 1)))
    (func (export "conv") (param f64) (result i32) (i32.trunc_f64_s (local.get 0)))
    (func (export "unreachable") (unreachable))
    (func (export "indirect") (param i32) (result i32) (call_indirect (type $t) (local.get 0)))
    (func (export "bad_type") (param i32) (call_indirect (param i32) (i32.const 0) (local.get 0)))
    (func $rec (export "recurse") (param i32) (result i32)
      (i32.add (call $rec (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))))");
  EXPECT_EQ(m.trap("div", {Value::i32(1), Value::i32(0)}), "integer divide by zero");
  EXPECT_EQ(m.trap("div", {Value::i32(0x80000000), Value::i32(0xffffffff)}), "integer overflow");
  EXPECT_EQ(m.call("rem", {Value::i32(0x80000000), Value::i32(0xffffffff)}).value().at(0),
            Value::i32(0));
  EXPECT_EQ(m.trap("conv", {Value::f64_bits(std::bit_cast<uint64_t>(std::nan("")))}),
            "invalid conversion to integer");
  EXPECT_EQ(m.trap("conv", {Value::f64_bits(std::bit_cast<uint64_t>(3e9))}), "integer overflow");
  EXPECT_EQ(m.call("conv", {Value::f64_bits(std::bit_cast<uint64_t>(-2147483648.9))}).value().at(0),
            Value::i32(0x80000000));
  EXPECT_EQ(m.trap("unreachable"), "unreachable");
  EXPECT_EQ(m.call("indirect", {Value::i32(0)}).value().at(0), Value::i32(1));
  EXPECT_EQ(m.trap("indirect", {Value::i32(1)}), "uninitialized element 1"); // as the interpreter
  EXPECT_EQ(m.trap("indirect", {Value::i32(2)}), "undefined element");
  EXPECT_EQ(m.trap("bad_type", {Value::i32(0)}), "indirect call type mismatch");
  EXPECT_EQ(m.trap("recurse", {Value::i32(0)}), "call stack exhausted");
  // The engine is still usable after every trap.
  EXPECT_EQ(m.call("indirect", {Value::i32(0)}).value().at(0), Value::i32(1));
}

TEST(AotTier, HostCallsAndTrapsFromHost) {
  REQUIRE_AOT();
  std::vector<int32_t> seen;
  // A host function imported by the module: it sees the caller's memory and can trap.
  struct Fixture {
    Linkage linkage;
    Store store{StoreLimits{.guard_regions = true}};
  } f;
  uint32_t log = f.store.add_host_func(FuncType{{ValType::I32}, {ValType::I32}},
                                       [&](HostCall &hc, std::span<const Value> args,
                                           std::span<Value> results) -> std::optional<Trap> {
                                         if (args[0].bits == 99)
                                           return Trap{"host says no", std::nullopt};
                                         seen.push_back(static_cast<int32_t>(args[0].bits));
                                         results[0] =
                                             Value::i32(hc.memory ? hc.memory->pages() : 0);
                                         return std::nullopt;
                                       });
  auto bytes = wat(R"((module (import "env" "log" (func $log (param i32) (result i32)))
    (memory 3)
    (func (export "go") (param i32) (result i32) (call $log (local.get 0)))))");
  ASSERT_FALSE(bytes.empty());
  auto v = validate(std::move(*decode(bytes)));
  ASSERT_TRUE(v);
  auto code = compile(**v);
  ASSERT_TRUE(code) << code.error().message;
  auto i = instantiate(
      f.store, *v,
      [&](auto, auto) {
        return std::optional(ExternVal{ExternKind::Func, log});
      },
      false);
  ASSERT_TRUE(i);
  ASSERT_TRUE(attach(f.store, **i, *code, f.linkage));
  const uint32_t go = (*i)->find_export("go")->addr;
  EXPECT_EQ(invoke(f.store, go, std::vector{Value::i32(5)}).value().at(0), Value::i32(3));
  EXPECT_EQ(seen, std::vector<int32_t>{5});
  auto r = invoke(f.store, go, std::vector{Value::i32(99)});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "host says no");
}

// --timeout: with an interrupt flag, loop headers and function entries check it.
TEST(AotTier, InterruptFlagEndsAnEndlessLoop) {
  REQUIRE_AOT();
  std::atomic<bool> flag{false};
  Linkage linkage;
  Store store{StoreLimits{.interrupt = &flag, .guard_regions = true}};
  auto v = validate(std::move(*decode(wat(R"((module
    (func (export "spin") (param i32) (result i32)
      (loop (br_if 0 (local.get 0))) (i32.const 7))))"))));
  ASSERT_TRUE(v);
  auto code = compile(**v, CompileOptions{.interruptible = true});
  ASSERT_TRUE(code) << code.error().message;
  auto i = instantiate(
      store, *v, [](auto, auto) { return std::optional<ExternVal>(); }, false);
  ASSERT_TRUE(i);
  ASSERT_TRUE(attach(store, **i, *code, linkage));
  const uint32_t spin = (*i)->find_export("spin")->addr;
  EXPECT_EQ(invoke(store, spin, std::vector{Value::i32(0)}).value().at(0), Value::i32(7));
  std::thread setter([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    flag = true;
  });
  auto r = invoke(store, spin, std::vector{Value::i32(1)}); // endless until the flag is set
  setter.join();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "interrupted");
}

TEST(AotTier, CodeIsNeverWritableAndExecutable) {
  REQUIRE_AOT();
  AotInstance m(R"((module (func (export "f") (result i32) (i32.const 1))))");
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    const auto perms = line.substr(line.find(' ') + 1, 4);
    EXPECT_FALSE(perms[1] == 'w' && perms[2] == 'x') << line;
  }
}

} // namespace
} // namespace isobox::wasm::aot
