// The emitter interface: which events the validator sends a FuncEmitter, with which operand types,
// and what it leaves out (value events in unreachable code); validation errors reach no tier.
#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "engine_fixture.hpp"
#include "wasm/binary/print_code.hpp"
#include "wasm/validator/func_emitter.hpp"

namespace isobox::wasm {
namespace {

using testing::wat;

std::string types_text(std::span<const Operand> ops) {
  std::string out;
  for (const Operand &o : ops)
    out += fmt::format("{}{}", out.empty() ? "" : ",",
                       o.type == kUnknownType ? "?" : std::string(to_string(o.type)));
  return "[" + out + "]";
}

/// Records every event as one line: "value i64.add [i64,i64] -> i64".
class Recorder final : public FuncEmitter {
public:
  std::vector<std::string> events;
  FuncState *state = nullptr;

  void begin_function(FuncState &s) override {
    state = &s;
    events.push_back(fmt::format("begin func {} slots from {}", s.index, s.slot_base));
  }
  Result<void> end_function() override {
    events.push_back("end func");
    return {};
  }
  void numeric_op(const Instr &in, std::span<const Operand> args) override { value_op(in, args); }
  void memory_op(const Instr &in, std::span<const Operand> args) override {
    events.push_back("memory " + std::string(opcode_info(in.op).name) + " " + types_text(args));
  }
  void table_op(const Instr &in, std::span<const Operand> args) override {
    events.push_back("table " + std::string(opcode_info(in.op).name) + " " + types_text(args));
  }
  void value_op(const Instr &in, std::span<const Operand> args) override {
    std::string result;
    if (opcode_info(in.op).result != SigType::_ && !state->stack.empty())
      result = fmt::format(" -> {}", to_string(state->stack.back().type));
    events.push_back(
        fmt::format("value {} {}{}", opcode_info(in.op).name, types_text(args), result));
  }
  void unreachable() override { events.push_back("unreachable"); }
  void local_get(uint32_t idx) override { events.push_back(fmt::format("local.get {}", idx)); }
  void local_set(uint32_t idx, const Operand &v) override {
    events.push_back(fmt::format("local.set {} {}", idx, types_text({&v, 1})));
  }
  void block_start(const Instr &in, const Operand *cond, Ctrl &c, bool was_live) override {
    events.push_back(fmt::format("{} params {} results {}{}{}", opcode_info(in.op).name,
                                 c.params->size(), c.results->size(), cond ? " cond" : "",
                                 was_live ? "" : " dead"));
  }
  void else_arm(Ctrl &, const std::vector<Operand> &vals) override {
    events.push_back("else " + types_text(vals));
  }
  void end(Ctrl &c, const std::vector<Operand> &vals) override {
    events.push_back(fmt::format("end {} {}", opcode_info(c.kind).name, types_text(vals)));
  }
  void before_branch(size_t) override {}
  void br(uint32_t depth, const std::vector<Operand> &vals, size_t) override {
    events.push_back(fmt::format("br {} {}", depth, types_text(vals)));
  }
  void br_if(uint32_t depth, const Operand &, const std::vector<Operand> &vals, size_t) override {
    events.push_back(fmt::format("br_if {} {}", depth, types_text(vals)));
  }
  void br_table(const Operand &, const std::vector<uint32_t> &labels,
                const std::vector<Operand> &vals, size_t) override {
    events.push_back(fmt::format("br_table {} labels {}", labels.size(), types_text(vals)));
  }
  void call(const Instr &in, const FuncType &, const Operand *table_index,
            const std::vector<Operand> &args, size_t) override {
    events.push_back(
        fmt::format("{} {} {}", table_index ? "call_indirect" : "call", in.a, types_text(args)));
  }
};

/// The events of validating a module written in `text`; "error: ..." last if it is invalid.
std::vector<std::string> events_of(const std::string &text) {
  auto m = decode(wat(text));
  EXPECT_TRUE(m.has_value());
  if (!m)
    return {};
  Recorder rec;
  auto v = validate(std::move(*m), ValidateOptions{.emitter = &rec});
  if (!v)
    rec.events.push_back("error: " + v.error().message);
  return rec.events;
}

using Events = std::vector<std::string>;

TEST(FuncEmitter, ValueEventsCarryTheValidatedOperandTypes) {
  ISOBOX_REQUIRE_WAT2WASM();
  EXPECT_EQ(
      events_of(R"((module (func (param i32 i64) (result i64) (local f32)
      local.get 1 local.get 0 i64.extend_i32_u i64.add
      f32.const 1 local.set 2)))"),
      (Events{"begin func 0 slots from 3", "local.get 1", "local.get 0",
              "value i64.extend_i32_u [i32] -> i64", "value i64.add [i64,i64] -> i64",
              "value f32.const [] -> f32", "local.set 2 [f32]", "end block [i64]", "end func"}));
}

TEST(FuncEmitter, ControlEventsFollowTheStructure) {
  ISOBOX_REQUIRE_WAT2WASM();
  EXPECT_EQ(
      events_of(R"((module (func (param i32) (result i32)
      block (result i32)
        loop
          local.get 0 br_if 0
        end
        i32.const 7 local.get 0 br_if 0
        local.get 0 if (result i32) i32.const 1 else i32.const 2 end
        drop
      end)))"),
      (Events{"begin func 0 slots from 1", "block params 0 results 1", "loop params 0 results 0",
              "local.get 0", "br_if 0 []", "end loop []", "value i32.const [] -> i32",
              "local.get 0", "br_if 0 [i32]", "local.get 0", "if params 0 results 1 cond",
              "value i32.const [] -> i32", "else [i32]", "value i32.const [] -> i32",
              "end if [i32]", "end block [i32]", "end block [i32]", "end func"}));
}

TEST(FuncEmitter, UnreachableCodeGetsStructureButNoValues) {
  ISOBOX_REQUIRE_WAT2WASM();
  // After `br`, the stack is polymorphic: i32.add pops unknown operands, and only the
  // structural events (with `dead` for the block entered there) reach the emitter.
  EXPECT_EQ(
      events_of(R"((module (func (result i32)
      i32.const 1 br 0
      i32.add block end)))"),
      (Events{"begin func 0 slots from 0", "value i32.const [] -> i32", "br 0 [i32]",
              "block params 0 results 0 dead", "end block []", "end block [i32]", "end func"}));
}

TEST(FuncEmitter, CallsCarryTheirArguments) {
  ISOBOX_REQUIRE_WAT2WASM();
  const Events ev = events_of(R"((module (type $t (func (param f64) (result i32)))
      (table 1 funcref)
      (func $f (param f64) (result i32) i32.const 0)
      (func (result i32) f64.const 1 i32.const 0 call_indirect (type $t)
        f64.const 2 call $f i32.add)))");
  const Events second(std::find(ev.begin(), ev.end(), "begin func 1 slots from 0"), ev.end());
  EXPECT_EQ(second, (Events{"begin func 1 slots from 0", "value f64.const [] -> f64",
                            "value i32.const [] -> i32", "call_indirect 0 [f64]",
                            "value f64.const [] -> f64", "call 0 [f64]",
                            "value i32.add [i32,i32] -> i32", "end block [i32]", "end func"}));
}

TEST(FuncEmitter, AnInvalidBodyEndsWithTheSpecErrorAndNoMoreEvents) {
  ISOBOX_REQUIRE_WAT2WASM();
  const Events ev =
      events_of("(module (func (result i32) i64.const 1 i32.const 2 i32.add drop i32.const 0))");
  ASSERT_FALSE(ev.empty());
  EXPECT_EQ(ev.back(), "error: type mismatch");
  EXPECT_EQ(std::count(ev.begin(), ev.end(), "value i32.add [i64,i32] -> i32"), 0);
}

} // namespace
} // namespace isobox::wasm
