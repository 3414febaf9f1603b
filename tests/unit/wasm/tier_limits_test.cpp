// Engine limits in every tier (issue 14): fuel charged exactly as the interpreter charges it,
// the call depth, memory.grow and table.grow at their limits, each run through make_engine.
#include <atomic>
#include <functional>

#include "engine_fixture.hpp"
#include "wasm/engine/engine.hpp"

namespace isobox::wasm {
namespace {

class TierLimits : public ::testing::TestWithParam<Tier> {
protected:
  void SetUp() override {
    ISOBOX_REQUIRE_WAT2WASM();
    if (!tier_built_in(GetParam()))
      GTEST_SKIP() << to_string(GetParam()) << " tier not built";
  }
  /// A fresh engine of the tested tier with `limits`, `text` loaded into it.
  void start(const StoreLimits &limits, const std::string &text,
             const std::function<void(Engine &)> &define = {}) {
    m_engine.reset();
    auto e = make_engine(EngineOptions{.tier = GetParam(), .limits = limits});
    ASSERT_TRUE(e.has_value()) << e.error().message;
    m_engine = std::move(*e);
    if (define)
      define(*m_engine);
    auto id = m_engine->load(testing::wat(text));
    ASSERT_TRUE(id.has_value()) << id.error().message;
    m_id = *id;
  }
  InvokeResult call(std::string_view name, std::vector<Value> args = {}) {
    if (!m_engine) // start() failed (reported there)
      return std::unexpected(Trap{"no engine", std::nullopt});
    return m_engine->invoke(m_id, name, args);
  }
  std::string trap(std::string_view name, std::vector<Value> args = {}) {
    auto r = call(name, std::move(args));
    return r ? "no trap" : r.error().message;
  }
  uint64_t bits(std::string_view name, std::vector<Value> args = {}) {
    auto r = call(name, std::move(args));
    EXPECT_TRUE(r.has_value()) << r.error().message;
    return r && !r->empty() ? r->at(0).bits : ~uint64_t{0};
  }
  uint64_t global(std::string_view name) {
    return m_engine ? m_engine->get(m_id, name).value_or(Value{}).bits : ~uint64_t{0};
  }
  uint64_t fuel_left() {
    return m_engine && m_engine->store().fuel_left() ? *m_engine->store().fuel_left() : 0;
  }

  std::unique_ptr<Engine> m_engine;
  InstanceId m_id = 0;
};

// The figures of Limits.FuelCountsInstructions (the interpreter's unit test), with a global
// counting loop iterations as an observable side effect.
constexpr const char *kFuel = R"((module
    (global $iters (export "iters") (mut i32) (i32.const 0))
    (func (export "spin") (loop br 0))
    (func (export "count") (param i32) (result i32)
      block loop
        local.get 0 i32.eqz br_if 1
        local.get 0 i32.const 1 i32.sub local.set 0
        br 0 end end
      i32.const 7)
    (func $rec (export "rec") (param i32) (result i32)
      local.get 0 i32.eqz if (result i32) i32.const 0
      else local.get 0 i32.const 1 i32.sub call $rec end)
    (func (export "nested") (param i32) (local i32)
      loop
        i32.const 3 local.set 1
        loop local.get 1 i32.const 1 i32.sub local.tee 1 br_if 0 end
        local.get 0 i32.const 1 i32.sub local.tee 0 br_if 0
      end)
    (func (export "side_effects")
      (loop $l
        (global.set $iters (i32.add (global.get $iters) (i32.const 1)))
        (br $l)))
    (func $leaf (result i32) (i32.const 1))
    (func (export "loop_calls") (param i32) (result i32) (local i32)
      (loop $l
        (local.set 1 (i32.add (local.get 1) (call $leaf)))
        (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
      (local.get 1))
    (func (export "calls_then_loop") (param i32) (result i32) (local i32)
      (local.set 1 (call $leaf))
      (if (local.get 0) (then (local.set 1 (i32.add (local.get 1) (call $leaf)))))
      (loop $l (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
      (local.get 1))
    (func (export "dead_code") (result i32)
      (return (i32.const 1))
      (loop (br 0)) (drop (i32.const 2)) (drop (i32.const 3)))))";

TEST_P(TierLimits, FuelIsChargedAsTheInterpreterCharges) {
  start(StoreLimits{.fuel = 1'000'000}, kFuel);
  auto used = [&](std::string_view name, uint32_t arg) {
    const uint64_t before = fuel_left();
    EXPECT_TRUE(call(name, {Value::i32(arg)}).has_value());
    return before - fuel_left();
  };
  EXPECT_EQ(used("count", 0), 1u + 8u);
  EXPECT_EQ(used("count", 10), 1u + 11u * 8u);
  EXPECT_EQ(used("count", 1000), 1u + 1001u * 8u);
  EXPECT_EQ(used("rec", 0), 8u);
  EXPECT_EQ(used("rec", 20), 21u * 8u);
  EXPECT_EQ(used("nested", 1), 1u * (7u + 3u * 5u));
  EXPECT_EQ(used("nested", 4), 4u * (7u + 3u * 5u));
  // A loop calling a function: 1 outside the loop, 9 per iteration, 1 per leaf call (the aot
  // tier keeps the loop's fuel in a register and hands it to the callee at each call).
  EXPECT_EQ(used("loop_calls", 10), 1u + 10u * 9u + 10u * 1u);
  // Calls before the first loop: 9 outside the loop, 5 per iteration, 1 per leaf call (the
  // aot tier reads the body once, so the register-held fuel begins at the loop and the calls
  // already emitted must still hand it over).
  EXPECT_EQ(used("calls_then_loop", 3), 9u + 3u * 5u + 2u * 1u);
  // Dead code is charged too (the interpreter counts it), a dead loop's body not: 2 + 4.
  const uint64_t before = fuel_left();
  EXPECT_EQ(bits("dead_code"), 1u);
  EXPECT_EQ(before - fuel_left(), 6u);
}

TEST_P(TierLimits, FuelRunsOutAtTheSameIterationWithTheSameSideEffects) {
  // side_effects: nothing for the body (loop and end are free), 5 per iteration (global.get,
  // i32.const, i32.add, global.set, br). 1003 = 200 * 5 + 3: the 201st iteration traps.
  start(StoreLimits{.fuel = 1003}, kFuel);
  EXPECT_EQ(trap("side_effects"), "all fuel consumed");
  EXPECT_EQ(global("iters"), 200u);
  EXPECT_EQ(fuel_left(), 0u);
  EXPECT_EQ(trap("rec", {Value::i32(0)}), "all fuel consumed"); // fuel stays used up
  // A budget too small for the body traps before its first side effect.
  start(StoreLimits{.fuel = 4}, kFuel);
  EXPECT_EQ(trap("side_effects"), "all fuel consumed");
  EXPECT_EQ(global("iters"), 0u);
  start(StoreLimits{.fuel = 500}, kFuel);
  EXPECT_EQ(trap("spin"), "all fuel consumed");
  EXPECT_EQ(trap("rec", {Value::i32(100)}), "all fuel consumed");
}

TEST_P(TierLimits, NoFuelLimitMeansUnmetered) {
  start(StoreLimits{}, kFuel);
  ASSERT_TRUE(m_engine);
  EXPECT_EQ(m_engine->store().fuel_left(), nullptr);
  EXPECT_EQ(bits("count", {Value::i32(100000)}), 7u);
}

// Unbounded recursion counting its depth in a global; `down` recurses n deep and returns.
constexpr const char *kDepth = R"((module
    (global $depth (export "depth") (mut i32) (i32.const 0))
    (func $f (export "f")
      (global.set $depth (i32.add (global.get $depth) (i32.const 1)))
      (call $f))
    (func $down (export "down") (param i32) (result i32)
      (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
        (else (i32.add (call $down (i32.sub (local.get 0) (i32.const 1))) (i32.const 1)))))
    (func (export "reset") (global.set $depth (i32.const 0)))))";

TEST_P(TierLimits, CallDepthIsTheInterpretersFrameCount) {
  start(StoreLimits{.max_call_depth = 500}, kDepth);
  EXPECT_EQ(trap("f"), "call stack exhausted");
  EXPECT_EQ(global("depth"), 500u); // 500 frames entered, the 501st call traps
  // After a trap the depth is whole again; calls that return give their frames back.
  ASSERT_TRUE(call("reset").has_value());
  EXPECT_EQ(trap("f"), "call stack exhausted");
  EXPECT_EQ(global("depth"), 500u);
  EXPECT_EQ(bits("down", {Value::i32(499)}), 499u);
  EXPECT_EQ(bits("down", {Value::i32(499)}), 499u);
  EXPECT_EQ(trap("down", {Value::i32(500)}), "call stack exhausted");
  // The default limit holds in every tier too.
  start(StoreLimits{}, kDepth);
  EXPECT_EQ(trap("f"), "call stack exhausted");
  EXPECT_EQ(global("depth"), StoreLimits{}.max_call_depth);
}

TEST_P(TierLimits, CallDepthCountsFramesOfNestedInvokes) {
  // outer(100) is 101 frames deep when it calls the host, which invokes f again: f continues
  // above them (frames 102..500), as the interpreter's invokes nested in host calls do.
  auto host = [this](Engine &engine) {
    const uint32_t addr = engine.store().add_host_func(
        FuncType{}, [this](HostCall &, std::span<const Value>, std::span<Value>) {
          auto r = m_engine->invoke(m_id, "f", {});
          return r ? std::nullopt : std::optional<Trap>(r.error());
        });
    engine.define("env", "reenter", ExternVal{ExternKind::Func, addr});
  };
  start(StoreLimits{.max_call_depth = 500}, R"((module
      (import "env" "reenter" (func $reenter))
      (global $depth (export "depth") (mut i32) (i32.const 0))
      (func $f (export "f")
        (global.set $depth (i32.add (global.get $depth) (i32.const 1)))
        (call $f))
      (func $outer (export "outer") (param i32)
        (if (i32.eqz (local.get 0)) (then (call $reenter))
          (else (call $outer (i32.sub (local.get 0) (i32.const 1))))))))",
        host);
  EXPECT_EQ(trap("outer", {Value::i32(100)}), "call stack exhausted");
  EXPECT_EQ(global("depth"), 399u);
  // The trap left nothing behind: a fresh invoke has all 500 frames again.
  EXPECT_EQ(trap("f"), "call stack exhausted");
  EXPECT_EQ(global("depth"), 399u + 500u);
}

TEST_P(TierLimits, MemoryGrowFailsAtTheMemoryLimit) {
  start(StoreLimits{.max_memory_bytes = 1 << 20}, R"((module (memory 15)
      (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
      (func (export "last") (result i32) (i32.load8_u (i32.const 1048575)))))");
  EXPECT_EQ(trap("last"), "out of bounds memory access");
  EXPECT_EQ(bits("grow", {Value::i32(2)}), 0xffffffffu);
  EXPECT_EQ(bits("grow", {Value::i32(1)}), 15u);
  EXPECT_EQ(bits("grow", {Value::i32(1)}), 0xffffffffu);
  EXPECT_EQ(bits("grow", {Value::i32(0)}), 16u);
  EXPECT_EQ(bits("last"), 0u);
}

TEST_P(TierLimits, TableGrowFailsAtTheTableLimit) {
  start(StoreLimits{.max_table_elems = 1000}, R"((module (table $a 400 funcref)
      (table $b 400 funcref)
      (func (export "grow_a") (param i32) (result i32) ref.null func local.get 0 table.grow $a)
      (func (export "grow_b") (param i32) (result i32) ref.null func local.get 0 table.grow $b)))");
  EXPECT_EQ(bits("grow_a", {Value::i32(150)}), 400u);
  EXPECT_EQ(bits("grow_b", {Value::i32(51)}), 0xffffffffu);
  EXPECT_EQ(bits("grow_b", {Value::i32(50)}), 400u);
  EXPECT_EQ(bits("grow_a", {Value::i32(1)}), 0xffffffffu);
}

TEST_P(TierLimits, InterruptFlagEndsAnEndlessLoop) {
  std::atomic<bool> stop{true};
  start(StoreLimits{.interrupt = &stop}, kFuel);
  EXPECT_EQ(trap("spin"), "interrupted");
}

INSTANTIATE_TEST_SUITE_P(Tiers, TierLimits, ::testing::Values(Tier::Interp, Tier::Aot),
                         [](const auto &p) { return std::string(to_string(p.param)); });

} // namespace
} // namespace isobox::wasm
