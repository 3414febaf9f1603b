// Interpreter tests: small modules run end to end, results and spec trap texts.
#include "engine_fixture.hpp"

namespace isobox::wasm {
namespace {

using testing::Instance;

TEST(Interp, RecursionAndLoops) {
  ISOBOX_REQUIRE_WAT2WASM();
  Instance m(R"((module
    (func $fib (export "fib") (param i32) (result i32)
      local.get 0 i32.const 2 i32.lt_s
      if (result i32) local.get 0
      else local.get 0 i32.const 1 i32.sub call $fib
           local.get 0 i32.const 2 i32.sub call $fib i32.add end)
    (func (export "sum") (param i32) (result i64) (local i64)
      block loop
        local.get 0 i32.eqz br_if 1
        local.get 1 local.get 0 i64.extend_i32_u i64.add local.set 1
        local.get 0 i32.const 1 i32.sub local.set 0
        br 0 end end
      local.get 1)))");
  EXPECT_EQ(m.call1("fib", {Value::i32(20)}), 6765u);
  EXPECT_EQ(m.call1("sum", {Value::i32(100000)}), 5000050000u);
}

TEST(Interp, LocalAliasesSeeOldValues) {
  ISOBOX_REQUIRE_WAT2WASM();
  // local.get 0 stays on the stack while local 0 changes: the stacked value must be the old one.
  Instance m(R"((module (func (export "f") (param i32) (result i32)
      local.get 0 i32.const 5 local.set 0 local.get 0 i32.sub)))");
  EXPECT_EQ(m.call1("f", {Value::i32(12)}), 7u);
}

TEST(Interp, MultiValueAndBranchValues) {
  ISOBOX_REQUIRE_WAT2WASM();
  Instance m(R"((module
    (func (export "swap") (param i32 i32) (result i32 i32) local.get 1 local.get 0)
    (func (export "pick") (param i32) (result i32)
      block (result i32) i32.const 10 local.get 0 br_if 0 drop i32.const 20 end)))");
  auto r = m.call("swap", {Value::i32(1), Value::i32(2)});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ((*r)[0].bits, 2u);
  EXPECT_EQ((*r)[1].bits, 1u);
  EXPECT_EQ(m.call1("pick", {Value::i32(1)}), 10u);
  EXPECT_EQ(m.call1("pick", {Value::i32(0)}), 20u);
}

TEST(Interp, ReferenceLocalsStartNull) {
  ISOBOX_REQUIRE_WAT2WASM();
  // Issue 9 item 1: an unset funcref local once read as ref:0, so a module with no imports could
  // table.set it and call_indirect function 0 of the store.
  Instance m(R"((module (type $t (func (result i32))) (table 2 funcref)
    (func $zero (result i32) i32.const 42)
    (func (export "call_unset") (result i32) (local funcref)
      i32.const 0 local.get 0 table.set 0 i32.const 0 call_indirect (type $t))
    (func (export "is_null") (result i32) (local i32 funcref externref)
      local.get 1 ref.is_null local.get 2 ref.is_null i32.add local.get 0 i32.add)
    (func (export "null_after_loop") (param i32) (result i32) (local funcref)
      block loop local.get 0 i32.eqz br_if 1
        local.get 0 i32.const 1 i32.sub local.set 0 br 0 end end
      local.get 1 ref.is_null)))");
  auto r = m.call("call_unset");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message.rfind("uninitialized element", 0), 0u) << r.error().message;
  EXPECT_EQ(m.call1("is_null"), 2u);
  EXPECT_EQ(m.call1("null_after_loop", {Value::i32(3)}), 1u);
}

TEST(Interp, HostReferenceResultsDefaultToNull) {
  ISOBOX_REQUIRE_WAT2WASM();
  // A host function that does not set its funcref result: the guest must see null, not ref:0.
  auto bytes = testing::wat(R"((module (import "env" "get" (func $get (result funcref)))
      (type $t (func (result i32))) (table 1 funcref)
      (func (export "is_null") (result i32) call $get ref.is_null)
      (func (export "call_it") (result i32)
        i32.const 0 call $get table.set 0 i32.const 0 call_indirect (type $t))
      (func (export "fresh_table") (result i32) i32.const 0 table.get 0 ref.is_null)))");
  ASSERT_FALSE(bytes.empty());
  Store store;
  const uint32_t get = store.add_host_func(
      FuncType{{}, {ValType::FuncRef}},
      [](HostCall &, std::span<const Value>, std::span<Value>) { return std::optional<Trap>(); });
  auto v = validate_for_interp(*decode(bytes));
  ASSERT_TRUE(v.has_value());
  auto inst = instantiate(
      store, v->validated,
      [&](auto, auto) {
        return std::optional(ExternVal{ExternKind::Func, get});
      },
      true, v->code);
  ASSERT_TRUE(inst.has_value());
  auto call = [&](const char *name) { return invoke(store, (*inst)->find_export(name)->addr, {}); };
  EXPECT_EQ(call("fresh_table")->at(0).bits, 1u);
  EXPECT_EQ(call("is_null")->at(0).bits, 1u);
  auto r = call("call_it");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message.rfind("uninitialized element", 0), 0u) << r.error().message;
  // Invoked directly from the host, too.
  auto direct = invoke(store, get, {});
  ASSERT_TRUE(direct.has_value());
  EXPECT_TRUE(direct->at(0).is_null());
}

TEST(Interp, MemoryAndTraps) {
  ISOBOX_REQUIRE_WAT2WASM();
  Instance m(R"((module (memory 1)
    (func (export "store_load") (param i32 i32) (result i32)
      local.get 0 i32.const 4 i32.add local.get 1 i32.store
      local.get 0 i32.load offset=4)
    (func (export "div") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s)
    (func (export "trunc") (param f32) (result i32) local.get 0 i32.trunc_f32_s)
    (func (export "boom") unreachable)
    (func $inf (export "inf") call $inf)))");
  EXPECT_EQ(m.call1("store_load", {Value::i32(100), Value::i32(0xdeadbeef)}), 0xdeadbeefu);
  auto oob = m.call("store_load", {Value::i32(65532), Value::i32(1)});
  ASSERT_FALSE(oob.has_value());
  EXPECT_EQ(oob.error().message, "out of bounds memory access");
  EXPECT_EQ(m.call("div", {Value::i32(1), Value::i32(0)}).error().message,
            "integer divide by zero");
  EXPECT_EQ(m.call("div", {Value::i32(0x80000000u), Value::i32(~0u)}).error().message,
            "integer overflow");
  EXPECT_EQ(m.call("trunc", {Value::f32_bits(0x7fc00000u)}).error().message,
            "invalid conversion to integer");
  EXPECT_EQ(m.call("boom").error().message, "unreachable");
  EXPECT_EQ(m.call("inf").error().message, "call stack exhausted");
}

/// A module whose "outer" calls the host function env.cb between setting and using its locals;
/// cb (made by the test) invokes "inner" of the same instance: a re-entrant invoke.
constexpr const char *kReentry = R"((module
    (import "env" "cb" (func $cb (param i32) (result i32)))
    (func $helper (param i32) (result i32) local.get 0 i32.const 100 i32.add)
    (func (export "inner") (param i32) (result i32) (local i32 i32)
      local.get 0 i32.const 7 i32.mul local.set 1
      local.get 0 call $helper local.set 2
      local.get 1 local.get 2 i32.add)
    (func (export "outer") (param i32) (result i32) (local i32 i32)
      local.get 0 i32.const 3 i32.mul local.set 1
      local.get 0 i32.const 11 i32.add local.set 2
      local.get 0 call $cb local.get 1 i32.add local.get 2 i32.mul)
    (func (export "wrap") (param i32) (result i32) local.get 0 call 3 i32.const 1 i32.add)))";

/// Instantiates kReentry with cb(x) = invoke(export `target`, x - 1) + 1000 (0 when x is 0).
struct Reentry {
  Store store;
  ModuleInstance *inst = nullptr;
  uint32_t target = 0;
  explicit Reentry(StoreLimits limits) : store(limits) {}
  void load(const std::string &target_name) {
    auto bytes = testing::wat(kReentry);
    ASSERT_FALSE(bytes.empty());
    const uint32_t cb =
        store.add_host_func(FuncType{{ValType::I32}, {ValType::I32}},
                            [this](HostCall &hc, std::span<const Value> args,
                                   std::span<Value> results) -> std::optional<Trap> {
                              const auto x = static_cast<uint32_t>(args[0].bits);
                              if (x == 0)
                                return std::nullopt;
                              Value arg = Value::i32(x - 1);
                              auto r = invoke(hc.store, target, std::span<const Value>(&arg, 1));
                              if (!r)
                                return r.error();
                              results[0] = Value::i32(static_cast<uint32_t>((*r)[0].bits) + 1000);
                              return std::nullopt;
                            });
    auto v = validate_for_interp(*decode(bytes));
    ASSERT_TRUE(v.has_value());
    auto i = instantiate(
        store, v->validated,
        [&](auto, auto) {
          return std::optional(ExternVal{ExternKind::Func, cb});
        },
        true, v->code);
    ASSERT_TRUE(i.has_value());
    inst = *i;
    target = inst->find_export(target_name)->addr;
  }
  std::expected<std::vector<Value>, Trap> call(const char *name, uint32_t x) {
    Value arg = Value::i32(x);
    return invoke(store, inst->find_export(name)->addr, std::span<const Value>(&arg, 1));
  }
};

TEST(Interp, ReentrantInvokeKeepsTheOuterFrames) {
  ISOBOX_REQUIRE_WAT2WASM();
  // Issue 9 item 10: the inner invoke restarted at the base of the frame and value stacks,
  // overwriting the locals of "outer" and the return frame of "wrap".
  Reentry m(StoreLimits{});
  ASSERT_NO_FATAL_FAILURE(m.load("inner"));
  // cb(6) = inner(5) + 1000 = 7*5 + 105 + 1000 = 1140; outer(6) = (1140 + 18) * 17.
  auto r = m.call("wrap", 6);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ((*r)[0].bits, (1140u + 18) * 17 + 1);
  // The inner result alone, and the outer again after the re-entry.
  EXPECT_EQ(m.call("inner", 5)->at(0).bits, 140u);
  EXPECT_EQ(m.call("outer", 6)->at(0).bits, (1140u + 18) * 17);
}

TEST(Interp, ReentrantInvokesShareTheCallDepth) {
  ISOBOX_REQUIRE_WAT2WASM();
  // outer -> cb -> outer -> cb ...: the frames of all nested invokes count against one limit.
  Reentry m(StoreLimits{.max_call_depth = 40});
  ASSERT_NO_FATAL_FAILURE(m.load("outer"));
  EXPECT_TRUE(m.call("outer", 10).has_value());
  auto deep = m.call("outer", 100);
  ASSERT_FALSE(deep.has_value());
  EXPECT_EQ(deep.error().message, "call stack exhausted");
  EXPECT_EQ(m.call("inner", 5)->at(0).bits, 140u); // the store is usable afterwards
}

TEST(Interp, HostFunctionImport) {
  ISOBOX_REQUIRE_WAT2WASM();
  auto bytes = testing::wat(R"((module (import "env" "twice" (func $t (param i32) (result i32)))
      (func (export "f") (param i32) (result i32) local.get 0 call $t i32.const 1 i32.add)))");
  if (bytes.empty())
    GTEST_SKIP() << "wat2wasm unavailable";
  Store store;
  const uint32_t twice = store.add_host_func(
      FuncType{{ValType::I32}, {ValType::I32}},
      [](HostCall &, std::span<const Value> args, std::span<Value> results) -> std::optional<Trap> {
        results[0] = Value::i32(static_cast<uint32_t>(args[0].bits) * 2);
        return std::nullopt;
      });
  auto v = validate_for_interp(*decode(bytes));
  ASSERT_TRUE(v.has_value());
  auto inst = instantiate(
      store, v->validated,
      [&](std::string_view mod, std::string_view name) {
        return mod == "env" && name == "twice" ? std::optional(ExternVal{ExternKind::Func, twice})
                                               : std::nullopt;
      },
      true, v->code);
  ASSERT_TRUE(inst.has_value());
  Value arg = Value::i32(21);
  auto r = invoke(store, (*inst)->find_export("f")->addr, std::span<const Value>(&arg, 1));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ((*r)[0].bits, 43u);
  auto bad = instantiate(store, v->validated, [](auto, auto) { return std::nullopt; });
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message, "unknown import");
}

} // namespace
} // namespace isobox::wasm
