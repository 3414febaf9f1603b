// Fused internal operators (load+load+op, store of an immediate, direct calls): each must behave
// exactly as the instruction sequence it replaces, including i32 address wrap-around and which
// access traps.
#include <bit>
#include <cstring>

#include "engine_fixture.hpp"

namespace isobox::wasm {
namespace {

using testing::Instance;

uint32_t f32_bits(float f) { return std::bit_cast<uint32_t>(f); }
uint64_t f64_bits(double d) { return std::bit_cast<uint64_t>(d); }

// Memory holds f32 1.5 at 0, f32 -2.25 at 4, f64 3.5 at 8, f64 0.25 at 16.
constexpr const char *kFloats = R"((module (memory 1)
  (data (i32.const 0) "\00\00\c0\3f" "\00\00\10\c0" "\00\00\00\00\00\00\0c\40"
                      "\00\00\00\00\00\00\d0\3f")
  (func (export "f32mul") (param i32 i32) (result f32)
    local.get 0 f32.load local.get 1 f32.load f32.mul)
  (func (export "f32add_k") (param i32 i32) (result f32)
    local.get 0 i32.const 4 i32.add f32.load
    local.get 1 i32.const 4 i32.add f32.load offset=0 f32.add)
  (func (export "f64mul_off") (param i32 i32) (result f64)
    local.get 0 f64.load offset=8 local.get 1 f64.load offset=16 f64.mul)
  (func (export "f64add_set") (param i32 i32) (result f64) (local f64)
    local.get 0 f64.load local.get 1 f64.load f64.add local.set 2 local.get 2)))";

TEST(FusedOps, LoadLoadOperators) {
  ISOBOX_REQUIRE_WAT2WASM();
  Instance m(kFloats);
  EXPECT_EQ(m.call1("f32mul", {Value::i32(0), Value::i32(4)}), f32_bits(1.5f * -2.25f));
  // (0xfffffffc + 4) wraps to 0 in i32 arithmetic before the offset is added.
  EXPECT_EQ(m.call1("f32add_k", {Value::i32(0xfffffffcu), Value::i32(0)}), f32_bits(1.5f + -2.25f));
  EXPECT_EQ(m.call1("f64mul_off", {Value::i32(0), Value::i32(0)}), f64_bits(3.5 * 0.25));
  EXPECT_EQ(m.call1("f64add_set", {Value::i32(8), Value::i32(16)}), f64_bits(3.5 + 0.25));
}

TEST(FusedOps, LoadLoadTrapsOnEitherAccess) {
  ISOBOX_REQUIRE_WAT2WASM();
  Instance m(kFloats);
  for (auto [a, b] : {std::pair{65536u, 0u}, {0u, 65533u}, {65533u, 65536u}}) {
    auto r = m.call("f32mul", {Value::i32(a), Value::i32(b)});
    ASSERT_FALSE(r.has_value()) << a << "," << b;
    EXPECT_EQ(r.error().message, "out of bounds memory access");
  }
  // The offset is added after the wrap: 0xfffffffc + 4 + offset 8 would be in bounds only wrapped.
  EXPECT_EQ(m.call("f64mul_off", {Value::i32(65528), Value::i32(0)}).error().message,
            "out of bounds memory access");
  EXPECT_EQ(m.call("f64mul_off", {Value::i32(0), Value::i32(65520)}).error().message,
            "out of bounds memory access");
}

TEST(FusedOps, StoreImmediate) {
  ISOBOX_REQUIRE_WAT2WASM();
  Instance m(R"((module (memory 1)
    (func (export "st8") (param i32) (result i32)
      local.get 0 i32.const 1 i32.add i32.const 0x1ff i32.store8 offset=2
      local.get 0 i32.const 1 i32.add i32.load offset=2)
    (func (export "st16") (param i32) (result i32)
      local.get 0 i32.const 0x12345 i32.store16 local.get 0 i32.load)
    (func (export "st32") (param i32) (result i32)
      local.get 0 i32.const -7 i32.store local.get 0 i32.load)
    (func (export "stf32") (param i32) (result i32)
      local.get 0 f32.const 2.5 f32.store local.get 0 i32.load)))");
  EXPECT_EQ(m.call1("st8", {Value::i32(100)}), 0xffu);
  EXPECT_EQ(m.call1("st8", {Value::i32(0xffffffffu)}), 0xffu); // 0xffffffff + 1 wraps to 0
  EXPECT_EQ(m.call1("st16", {Value::i32(200)}), 0x2345u);
  EXPECT_EQ(m.call1("st32", {Value::i32(300)}), 0xfffffff9u);
  EXPECT_EQ(m.call1("stf32", {Value::i32(400)}), f32_bits(2.5f));
  EXPECT_EQ(m.call("st16", {Value::i32(65535)}).error().message, "out of bounds memory access");
  EXPECT_EQ(m.call("st8", {Value::i32(65533)}).error().message, "out of bounds memory access");
}

TEST(FusedOps, DirectCallsZeroLocalsAndLimitDepth) {
  ISOBOX_REQUIRE_WAT2WASM();
  // $dirty leaves its local set; the next call of $dirty must see zero again.
  Instance m(R"((module
    (func $dirty (param i32) (result i32) (local i32 i64)
      local.get 1 local.get 0 local.set 1
      local.get 2 i64.const 9 local.set 2 i32.wrap_i64 i32.add)
    (func (export "twice") (param i32) (result i32)
      local.get 0 call $dirty local.get 0 call $dirty i32.add)
    (func $down (export "down") (param i32) (result i32)
      local.get 0 i32.eqz if (result i32) i32.const 0
      else local.get 0 i32.const 1 i32.sub call $down i32.const 1 i32.add end)))");
  EXPECT_EQ(m.call1("twice", {Value::i32(5)}), 0u);
  EXPECT_EQ(m.call1("down", {Value::i32(10000)}), 10000u);
  EXPECT_EQ(m.call("down", {Value::i32(10'000'000)}).error().message, "call stack exhausted");
}

/// Locals written before any read on every path need no zeroing; all others must read 0 even
/// when the frame's slots hold an earlier call's values ($dirty runs first at the same place).
TEST(FusedOps, LocalsReadBeforeWrittenAreZero) {
  ISOBOX_REQUIRE_WAT2WASM();
  Instance m(R"((module
    (func $dirty (param i32) (local i32 i32 i32 i32)
      i32.const 11 local.set 1 i32.const 12 local.set 2 i32.const 13 local.set 3
      i32.const 14 local.set 4)
    ;; written only in the then-arm
    (func $in_if (param i32) (result i32) (local i32)
      local.get 0 if i32.const 5 local.set 1 end local.get 1)
    ;; written after a forward branch out of the enclosing block
    (func $after_br (param i32) (result i32) (local i32)
      block local.get 0 br_if 0 i32.const 6 local.set 1 end local.get 1)
    ;; written after a br_table that may leave the block
    (func $after_table (param i32) (result i32) (local i32)
      block block local.get 0 br_table 0 1 end i32.const 7 local.set 1 end local.get 1)
    ;; read at a loop head before the write later in the body
    (func $loop_carried (param i32) (result i32) (local i32 i32)
      loop local.get 1 local.set 2 i32.const 8 local.set 1
        local.get 0 i32.const 1 i32.sub local.tee 0 br_if 0 end
      local.get 2)
    ;; written first at the top and in a loop without branches before the write: no zeroing needed
    (func $straight (param i32) (result i32) (local i32 i32)
      i32.const 9 local.set 1 loop local.get 1 local.set 2 end local.get 2)
    ;; each export dirties the frame slots its callee's locals will use, then calls it
    (func (export "in_if") (param i32) (result i32) local.get 0 call $dirty local.get 0 call $in_if)
    (func (export "after_br") (param i32) (result i32)
      local.get 0 call $dirty local.get 0 call $after_br)
    (func (export "after_table") (param i32) (result i32)
      local.get 0 call $dirty local.get 0 call $after_table)
    (func (export "loop_carried") (param i32) (result i32)
      local.get 0 call $dirty local.get 0 call $loop_carried)
    (func (export "straight") (param i32) (result i32)
      local.get 0 call $dirty local.get 0 call $straight)))");
  EXPECT_EQ(m.call1("in_if", {Value::i32(0)}), 0u); // then-arm skipped
  EXPECT_EQ(m.call1("in_if", {Value::i32(1)}), 5u);
  EXPECT_EQ(m.call1("after_br", {Value::i32(1)}), 0u); // br_if skipped the write
  EXPECT_EQ(m.call1("after_br", {Value::i32(0)}), 6u);
  EXPECT_EQ(m.call1("after_table", {Value::i32(1)}), 0u); // br_table left the block
  EXPECT_EQ(m.call1("after_table", {Value::i32(0)}), 7u);
  EXPECT_EQ(m.call1("loop_carried", {Value::i32(1)}), 0u); // first iteration reads 0
  EXPECT_EQ(m.call1("loop_carried", {Value::i32(2)}), 8u);
  EXPECT_EQ(m.call1("straight", {Value::i32(0)}), 9u);
}

/// One loop per i32 comparison and add form, ending in `x = x + step; br_if (x <cmp> 10)`:
/// returns (iterations, final x), compared with the same loop in C++.
TEST(FusedOps, LoopTailAddCompareBranch) {
  ISOBOX_REQUIRE_WAT2WASM();
  struct Cmp {
    const char *name;
    bool (*holds)(uint32_t, uint32_t);
  };
  const Cmp cmps[] = {
      {"eq", [](uint32_t a, uint32_t b) { return a == b; }},
      {"ne", [](uint32_t a, uint32_t b) { return a != b; }},
      {"lt_s", [](uint32_t a, uint32_t b) { return int32_t(a) < int32_t(b); }},
      {"lt_u", [](uint32_t a, uint32_t b) { return a < b; }},
      {"gt_s", [](uint32_t a, uint32_t b) { return int32_t(a) > int32_t(b); }},
      {"gt_u", [](uint32_t a, uint32_t b) { return a > b; }},
      {"le_s", [](uint32_t a, uint32_t b) { return int32_t(a) <= int32_t(b); }},
      {"le_u", [](uint32_t a, uint32_t b) { return a <= b; }},
      {"ge_s", [](uint32_t a, uint32_t b) { return int32_t(a) >= int32_t(b); }},
      {"ge_u", [](uint32_t a, uint32_t b) { return a >= b; }},
  };
  std::string wat = "(module";
  for (const Cmp &c : cmps) {
    // step comes from a local (i32.add) or is the constant 3 (i32.add of an immediate).
    for (const char *step : {"local.get 1", "i32.const 3"})
      wat += std::string(R"(
        (func (export ")") +
             c.name + (step[0] == 'l' ? "_reg" : "_imm") +
             R"(") (param i32 i32) (result i32 i32) (local i32)
          block loop
            local.get 2 i32.const 20 i32.ge_u br_if 1
            local.get 2 i32.const 1 i32.add local.set 2
            local.get 0 )" +
             step + R"( i32.add local.tee 0 i32.const 10 i32.)" + c.name +
             R"( br_if 0
          end end
          local.get 2 local.get 0))";
  }
  Instance m(wat + ")");
  const std::pair<uint32_t, uint32_t> starts[] = {
      {0, 3}, {7, 3}, {10, 0}, {0xfffffff0u, 3}, {0x7ffffffeu, 3}, {20, 0xfffffffdu}, {4, 3}};
  for (const Cmp &c : cmps)
    for (bool reg : {true, false})
      for (auto [x0, step0] : starts) {
        const uint32_t step = reg ? step0 : 3;
        uint32_t x = x0, n = 0;
        while (n < 20) {
          ++n;
          x += step;
          if (!c.holds(x, 10))
            break;
        }
        const std::string f = std::string(c.name) + (reg ? "_reg" : "_imm");
        auto r = m.call(f, {Value::i32(x0), Value::i32(step)});
        ASSERT_TRUE(r.has_value()) << f;
        EXPECT_EQ((*r)[0].bits, n) << f << " from " << x0 << " step " << step;
        EXPECT_EQ((*r)[1].bits, x) << f << " from " << x0 << " step " << step;
      }
}

} // namespace
} // namespace isobox::wasm
