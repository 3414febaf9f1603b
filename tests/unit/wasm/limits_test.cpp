// Engine limits (issue 4): initial sizes against StoreLimits, fuel, the interrupt flag, the
// lazily mapped value stack.
#include <atomic>

#include "engine_fixture.hpp"

namespace isobox::wasm {
namespace {

/// Decodes, validates and instantiates `text` in `store`.
std::expected<ModuleInstance *, InstantiateError> load(Store &store, const std::string &text) {
  auto bytes = testing::wat(text);
  EXPECT_FALSE(bytes.empty());
  auto m = decode(bytes);
  EXPECT_TRUE(m.has_value());
  auto v = validate_for_interp(std::move(*m));
  EXPECT_TRUE(v.has_value());
  return instantiate(
      store, v->validated, [](auto, auto) { return std::nullopt; }, true, v->code);
}

std::expected<std::vector<Value>, Trap> call(Store &store, ModuleInstance *inst,
                                             std::string_view name, std::vector<Value> args = {}) {
  return invoke(store, inst->find_export(name)->addr, args);
}

TEST(Limits, InitialMemoryAboveLimitIsUninstantiable) {
  ISOBOX_REQUIRE_WAT2WASM();
  Store store(StoreLimits{.max_memory_bytes = 1 << 20});
  auto big = load(store, "(module (memory 17))");
  ASSERT_FALSE(big.has_value());
  EXPECT_EQ(big.error().kind, InstantiateError::Uninstantiable);
  EXPECT_NE(big.error().message.find("memory limit"), std::string::npos) << big.error().message;
  auto ok = load(store, R"((module (memory 16) (func (export "grow") (param i32) (result i32)
      local.get 0 memory.grow)))");
  ASSERT_TRUE(ok.has_value()) << ok.error().message;
  EXPECT_EQ((*ok)->memory0->pages(), 16u);
  // memory.grow past the limit fails with -1 and leaves the size alone.
  EXPECT_EQ(call(store, *ok, "grow", {Value::i32(1)})->at(0).bits, 0xffffffffu);
  EXPECT_EQ(call(store, *ok, "grow", {Value::i32(0)})->at(0).bits, 16u);
}

TEST(Limits, InitialTableAboveLimitIsUninstantiable) {
  ISOBOX_REQUIRE_WAT2WASM();
  Store store(StoreLimits{.max_table_elems = 1000});
  auto big = load(store, "(module (table 1001 funcref))");
  ASSERT_FALSE(big.has_value());
  EXPECT_EQ(big.error().kind, InstantiateError::Uninstantiable);
  EXPECT_NE(big.error().message.find("table limit"), std::string::npos) << big.error().message;
  auto ok = load(store, R"((module (table 1000 funcref)
      (func (export "grow") (param i32) (result i32) ref.null func local.get 0 table.grow 0)))");
  ASSERT_TRUE(ok.has_value()) << ok.error().message;
  EXPECT_EQ(call(store, *ok, "grow", {Value::i32(1)})->at(0).bits, 0xffffffffu);
  EXPECT_EQ(call(store, *ok, "grow", {Value::i32(0)})->at(0).bits, 1000u);
}

constexpr const char *kLoops = R"((module
    (func (export "spin") (loop br 0))
    (func (export "count") (param i32) (result i32)
      block loop
        local.get 0 i32.eqz br_if 1
        local.get 0 i32.const 1 i32.sub local.set 0
        br 0 end end
      i32.const 7)
    (func $rec (export "rec") (param i32) (result i32)
      local.get 0 i32.eqz if (result i32) i32.const 0
      else local.get 0 i32.const 1 i32.sub call $rec end)))";

TEST(Limits, FuelRunsOutInLoopsAndCalls) {
  ISOBOX_REQUIRE_WAT2WASM();
  Store store(StoreLimits{.fuel = 1000});
  auto inst = load(store, kLoops);
  ASSERT_TRUE(inst.has_value()) << inst.error().message;
  // 100 iterations fit in the budget and use some of it.
  auto r = call(store, *inst, "count", {Value::i32(100)});
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->at(0).bits, 7u);
  ASSERT_NE(store.fuel_left(), nullptr);
  EXPECT_LT(*store.fuel_left(), 1000u);
  EXPECT_EQ(call(store, *inst, "spin").error().message, "all fuel consumed");
  EXPECT_EQ(*store.fuel_left(), 0u);
  // Fuel stays used up: even recursion without loops is charged.
  EXPECT_EQ(call(store, *inst, "rec", {Value::i32(5)}).error().message, "all fuel consumed");

  Store calls(StoreLimits{.fuel = 200});
  auto inst2 = load(calls, kLoops);
  ASSERT_TRUE(inst2.has_value());
  EXPECT_TRUE(call(calls, *inst2, "rec", {Value::i32(10)}).has_value());
  EXPECT_EQ(call(calls, *inst2, "rec", {Value::i32(100)}).error().message, "all fuel consumed");
}

/// Fuel used by one call of `name`.
uint64_t fuel_used(const char *wat, const char *name, std::vector<Value> args) {
  Store store(StoreLimits{.fuel = 1'000'000});
  auto inst = load(store, wat);
  EXPECT_TRUE(inst.has_value());
  EXPECT_TRUE(call(store, *inst, name, std::move(args)).has_value());
  return 1'000'000 - *store.fuel_left();
}

TEST(Limits, FuelCountsInstructions) {
  ISOBOX_REQUIRE_WAT2WASM();
  // count's loop body is 8 instructions (local.get, i32.eqz, br_if, local.get, i32.const,
  // i32.sub, local.set, br); outside it, i32.const 7 is 1. n iterations run the body n+1 times.
  EXPECT_EQ(fuel_used(kLoops, "count", {Value::i32(0)}), 1u + 8u);
  EXPECT_EQ(fuel_used(kLoops, "count", {Value::i32(10)}), 1u + 11u * 8u);
  EXPECT_EQ(fuel_used(kLoops, "count", {Value::i32(1000)}), 1u + 1001u * 8u);
  // rec: 8 instructions per call (if and else arms both counted: the charge is made up front).
  EXPECT_EQ(fuel_used(kLoops, "rec", {Value::i32(0)}), 8u);
  EXPECT_EQ(fuel_used(kLoops, "rec", {Value::i32(20)}), 21u * 8u);
  // Nested loops: the inner body (5) is charged per inner iteration, the outer (8) per outer one.
  constexpr const char *kNested = R"((module (func (export "f") (param i32) (local i32)
      loop
        i32.const 3 local.set 1
        loop local.get 1 i32.const 1 i32.sub local.tee 1 br_if 0 end
        local.get 0 i32.const 1 i32.sub local.tee 0 br_if 0
      end)))";
  EXPECT_EQ(fuel_used(kNested, "f", {Value::i32(1)}), 1u * (7u + 3u * 5u));
  EXPECT_EQ(fuel_used(kNested, "f", {Value::i32(4)}), 4u * (7u + 3u * 5u));
}

TEST(Limits, NoFuelLimitMeansUnmetered) {
  ISOBOX_REQUIRE_WAT2WASM();
  Store store;
  auto inst = load(store, kLoops);
  ASSERT_TRUE(inst.has_value());
  EXPECT_EQ(store.fuel_left(), nullptr);
  EXPECT_EQ(call(store, *inst, "count", {Value::i32(100000)})->at(0).bits, 7u);
}

TEST(Limits, InterruptFlagTrapsAtLoopHead) {
  ISOBOX_REQUIRE_WAT2WASM();
  std::atomic<bool> flag{false};
  Store store(StoreLimits{.interrupt = &flag});
  auto inst = load(store, kLoops);
  ASSERT_TRUE(inst.has_value());
  EXPECT_EQ(call(store, *inst, "count", {Value::i32(1000)})->at(0).bits, 7u);
  flag.store(true);
  EXPECT_EQ(call(store, *inst, "spin").error().message, "interrupted");
  EXPECT_EQ(call(store, *inst, "rec", {Value::i32(3)}).error().message, "interrupted");
}

/// A module of `n` funcref tables of `min` elements each (wat text).
std::string tables_module(int n, uint32_t min) {
  std::string text = "(module";
  for (int i = 0; i < n; ++i)
    text += " (table " + std::to_string(min) + " funcref)";
  return text + ")";
}

TEST(Limits, TableCountIsBounded) {
  ISOBOX_REQUIRE_WAT2WASM();
  // Issue 9 item 5: the number of tables was unbounded.
  auto bytes = testing::wat(tables_module(101, 0));
  ASSERT_FALSE(bytes.empty());
  auto m = decode(bytes);
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(m.error().message, "too many tables: 101 (implementation limit 100)");
  EXPECT_TRUE(decode(testing::wat(tables_module(100, 0))).has_value());
}

TEST(Limits, TableLimitBoundsAllTablesTogether) {
  ISOBOX_REQUIRE_WAT2WASM();
  // Each table below the limit, all of them above it: a 220-byte module of 30 such tables
  // once committed 2.3 GB under --max-memory 65536.
  Store store(StoreLimits{.max_table_elems = 1000});
  auto many = load(store, tables_module(3, 400));
  ASSERT_FALSE(many.has_value());
  EXPECT_EQ(many.error().kind, InstantiateError::Uninstantiable);
  EXPECT_NE(many.error().message.find("table limit"), std::string::npos) << many.error().message;
  auto ok = load(store, R"((module (table $a 400 funcref) (table $b 400 funcref)
      (func (export "grow_a") (param i32) (result i32) ref.null func local.get 0 table.grow $a)
      (func (export "grow_b") (param i32) (result i32) ref.null func local.get 0 table.grow $b)))");
  ASSERT_TRUE(ok.has_value()) << ok.error().message;
  EXPECT_EQ(call(store, *ok, "grow_a", {Value::i32(150)})->at(0).bits, 400u);
  // 950 of 1000 used: 51 more fail in either table, 50 fit.
  EXPECT_EQ(call(store, *ok, "grow_b", {Value::i32(51)})->at(0).bits, 0xffffffffu);
  EXPECT_EQ(call(store, *ok, "grow_b", {Value::i32(50)})->at(0).bits, 400u);
  EXPECT_EQ(call(store, *ok, "grow_a", {Value::i32(1)})->at(0).bits, 0xffffffffu);
}

TEST(Limits, TableStorageCountsAgainstTheMemoryBudget) {
  ISOBOX_REQUIRE_WAT2WASM();
  Store big(StoreLimits{.max_memory_bytes = 65536});
  auto tables = load(big, tables_module(30, 10'000));
  ASSERT_FALSE(tables.has_value());
  EXPECT_NE(tables.error().message.find("memory limit"), std::string::npos)
      << tables.error().message;
  // 1 MiB for a memory of 15 pages and a table: 8192 elements (64 KiB) fill what is left.
  Store store(StoreLimits{.max_memory_bytes = 1 << 20});
  auto inst = load(store, R"((module (memory 15) (table $t 0 funcref)
      (func (export "grow_t") (param i32) (result i32) ref.null func local.get 0 table.grow $t)
      (func (export "grow_m") (param i32) (result i32) local.get 0 memory.grow)))");
  ASSERT_TRUE(inst.has_value()) << inst.error().message;
  EXPECT_EQ(call(store, *inst, "grow_t", {Value::i32(8193)})->at(0).bits, 0xffffffffu);
  EXPECT_EQ(call(store, *inst, "grow_t", {Value::i32(8192)})->at(0).bits, 0u);
  EXPECT_EQ(call(store, *inst, "grow_m", {Value::i32(1)})->at(0).bits, 0xffffffffu);
  EXPECT_EQ(call(store, *inst, "grow_m", {Value::i32(0)})->at(0).bits, 15u);
}

TEST(Limits, ValueStackIsMappedLazily) {
  Store store(StoreLimits{.value_stack_cells = 1u << 20});
  ValueStack &s = store.value_stack();
  ASSERT_EQ(s.size(), 1u << 20);
  ASSERT_NE(s.data(), nullptr);
  // Writable from end to end (anonymous pages start zeroed).
  EXPECT_EQ(s.data()[0], 0u);
  EXPECT_EQ(s.data()[s.size() - 1], 0u);
  s.data()[s.size() - 1] = 42;
  EXPECT_EQ(store.value_stack().data()[s.size() - 1], 42u);
}

} // namespace
} // namespace isobox::wasm
