// Which function a trap names, in every tier (issue 14): each trap kind of compiled code names
// the function the interpreter names (the trap line's "(in function NAME)").
#include <atomic>
#include <functional>

#include "engine_fixture.hpp"
#include "wasm/engine/engine.hpp"

namespace isobox::wasm {
namespace {

class TrapLocation : public ::testing::TestWithParam<Tier> {
protected:
  void SetUp() override {
    ISOBOX_REQUIRE_WAT2WASM();
    if (!tier_built_in(GetParam()))
      GTEST_SKIP() << to_string(GetParam()) << " tier not built";
  }
  /// A fresh engine of the tested tier with `limits` and the host functions env.fail (traps
  /// "host failure") and env.stop (sets the interrupt flag), `text` loaded into it.
  void start(StoreLimits limits, const std::string &text) {
    m_engine.reset();
    m_stop = false;
    limits.interrupt = &m_stop;
    auto e = make_engine(EngineOptions{.tier = GetParam(), .limits = limits});
    ASSERT_TRUE(e.has_value()) << e.error().message;
    m_engine = std::move(*e);
    Store &store = m_engine->store();
    const uint32_t fail =
        store.add_host_func(FuncType{}, [](HostCall &, std::span<const Value>, std::span<Value>) {
          return std::optional<Trap>(Trap{"host failure", std::nullopt});
        });
    const uint32_t stop = store.add_host_func(
        FuncType{}, [this](HostCall &, std::span<const Value>, std::span<Value>) {
          m_stop = true;
          return std::optional<Trap>();
        });
    m_engine->define("env", "fail", ExternVal{ExternKind::Func, fail});
    m_engine->define("env", "stop", ExternVal{ExternKind::Func, stop});
    auto id = m_engine->load(testing::wat(text));
    ASSERT_TRUE(id.has_value()) << id.error().message;
    m_id = *id;
  }
  /// "TEXT in NAME" (an export's name), "TEXT in #INDEX" (no name), "TEXT" (no function), or
  /// "no trap".
  std::string where(std::string_view name) {
    if (!m_engine)
      return "no engine";
    auto r = m_engine->invoke(m_id, name, {});
    if (r)
      return "no trap";
    const Trap &t = r.error();
    if (t.func_name)
      return t.message + " in " + *t.func_name;
    if (t.func_index)
      return t.message + " in #" + std::to_string(*t.func_index);
    return t.message;
  }

  std::unique_ptr<Engine> m_engine;
  InstanceId m_id = 0;
  std::atomic<bool> m_stop{false};
};

// Imports are functions 0 and 1, so $callee is #2 and $leaf #3 (not exported: no name). Small
// callees: an inliner would move their traps into the exports calling them.
constexpr const char *kTraps = R"((module
    (type $v (func))
    (type $i (func (result i32)))
    (import "env" "fail" (func $fail))
    (import "env" "stop" (func $stop))
    (memory 1)
    (table 4 funcref)
    (elem (i32.const 0) $leaf $callee)
    (func $callee (i32.store (i32.const 65534) (i32.const 1)))
    (func $leaf (drop (i32.const 1)))
    (func (export "unreachable") unreachable)
    (func (export "div") (drop (i32.div_u (i32.const 1) (i32.const 0))))
    (func (export "overflow") (drop (i32.div_s (i32.const 0x80000000) (i32.const -1))))
    (func (export "convert") (drop (i32.trunc_f32_s (f32.const nan))))
    (func (export "load") (drop (i32.load (i32.const 65536))))
    (func (export "in_callee") (call $callee))
    (func (export "indirect_callee") (call_indirect (type $v) (i32.const 1)))
    (func (export "fill") (memory.fill (i32.const 65530) (i32.const 0) (i32.const 10)))
    (func (export "table_get") (drop (table.get 0 (i32.const 9))))
    (func (export "undefined") (call_indirect (type $v) (i32.const 9)))
    (func (export "uninitialized") (call_indirect (type $v) (i32.const 2)))
    (func (export "mismatch") (drop (call_indirect (type $i) (i32.const 0))))
    (func (export "host") (call $fail))
    (func (export "stop_then_loop") (call $stop) (loop (br 0)))
    (func (export "stop_then_call") (call $stop) (call $leaf))
    (func (export "stop_then_indirect") (call $stop) (call_indirect (type $v) (i32.const 0)))
    (func (export "spin") (loop (br 0)))))";

TEST_P(TrapLocation, ExplicitTrapsNameTheirFunction) {
  start({}, kTraps);
  EXPECT_EQ(where("unreachable"), "unreachable in unreachable");
  EXPECT_EQ(where("div"), "integer divide by zero in div");
  EXPECT_EQ(where("overflow"), "integer overflow in overflow");
  EXPECT_EQ(where("convert"), "invalid conversion to integer in convert");
}

TEST_P(TrapLocation, MemoryFaultsNameTheFunctionThatAccessed) {
  start({}, kTraps);
  EXPECT_EQ(where("load"), "out of bounds memory access in load");
  EXPECT_EQ(where("in_callee"), "out of bounds memory access in #2");
  EXPECT_EQ(where("indirect_callee"), "out of bounds memory access in #2");
  EXPECT_EQ(where("fill"), "out of bounds memory access in fill"); // a runtime helper's check
}

TEST_P(TrapLocation, TableAndIndirectCallTrapsNameTheCaller) {
  start({}, kTraps);
  EXPECT_EQ(where("table_get"), "out of bounds table access in table_get");
  EXPECT_EQ(where("undefined"), "undefined element in undefined");
  EXPECT_EQ(where("uninitialized"), "uninitialized element 2 in uninitialized");
  EXPECT_EQ(where("mismatch"), "indirect call type mismatch in mismatch");
}

TEST_P(TrapLocation, HostFunctionTrapsNameTheCallingFunction) {
  start({}, kTraps);
  EXPECT_EQ(where("host"), "host failure in host");
}

TEST_P(TrapLocation, InterruptNamesTheFunctionThatChecked) {
  start({}, kTraps);
  EXPECT_EQ(where("stop_then_loop"), "interrupted in stop_then_loop"); // a loop header
  start({}, kTraps);
  EXPECT_EQ(where("stop_then_call"), "interrupted in #3"); // the callee's entry
  start({}, kTraps);
  EXPECT_EQ(where("stop_then_indirect"), "interrupted in #3");
  start({}, kTraps);
  m_stop = true; // before the invoke: the function that runs first
  EXPECT_EQ(where("spin"), "interrupted in spin");
}

TEST_P(TrapLocation, FuelNamesTheFunctionCharged) {
  // in_callee costs 1 (call), $callee 3 (i32.const, i32.const, i32.store): with 2 units the
  // callee's entry runs out; with 0 the invoke's own entry does, before any function runs.
  start({.fuel = 2}, kTraps);
  EXPECT_EQ(where("in_callee"), "all fuel consumed in #2");
  start({.fuel = 0}, kTraps);
  EXPECT_EQ(where("in_callee"), "all fuel consumed");
  start({.fuel = 100}, kTraps);
  EXPECT_EQ(where("spin"), "all fuel consumed in spin"); // a loop header
}

// a -> $b -> $c -> $d (#1, #2, #3), and $c -> $d through the table.
constexpr const char *kChain = R"((module
    (type $v (func))
    (table 1 funcref)
    (elem (i32.const 0) $d)
    (func (export "a") (call $b))
    (func $b (call $c))
    (func $c (call $d))
    (func $d (nop))
    (func (export "a_indirect") (call $b_indirect))
    (func $b_indirect (call $c_indirect))
    (func $c_indirect (call_indirect (type $v) (i32.const 0)))))";

TEST_P(TrapLocation, CallStackExhaustedNamesTheCaller) {
  // Three frames fit: the call from the third (#2) traps, as the interpreter's call does.
  start({.max_call_depth = 3}, kChain);
  EXPECT_EQ(where("a"), "call stack exhausted in #2");
  EXPECT_EQ(where("a_indirect"), "call stack exhausted in #6");
  start({.max_call_depth = 4}, kChain);
  EXPECT_EQ(where("a"), "no trap");
}

INSTANTIATE_TEST_SUITE_P(Tiers, TrapLocation, ::testing::Values(Tier::Interp, Tier::Aot),
                         [](const auto &p) { return std::string(to_string(p.param)); });

} // namespace
} // namespace isobox::wasm
