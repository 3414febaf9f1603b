// The interpreter's operator table and disassembler: which fused operators the compiler emits
// for small functions, and that every instruction decodes to its table length.
#include <string>

#include "engine_fixture.hpp"
#include "wasm/interp/op_table.hpp"

namespace isobox::wasm {
namespace {

using testing::wat;

/// Operator names of function 0 of a one-function module with the given signature and body.
std::vector<std::string> ops_of(const std::string &sig, const std::string &body) {
  auto m = decode(wat("(module (memory 1) (func " + sig + " " + body + "))"));
  EXPECT_TRUE(m.has_value());
  if (!m)
    return {};
  auto v = validate_for_interp(std::move(*m));
  EXPECT_TRUE(v.has_value()) << v.error().message;
  if (!v)
    return {};
  auto names = code_op_names(v->code->funcs.at(0));
  EXPECT_TRUE(names.has_value()) << names.error().message;
  return names ? std::vector<std::string>(names->begin(), names->end())
               : std::vector<std::string>{};
}

using Ops = std::vector<std::string>;

TEST(OpTable, ConstantOperandsAndLocalsFoldIntoOneOperator) {
  ISOBOX_REQUIRE_WAT2WASM();
  const std::string sig = "(param i32 i32) (result i32)";
  EXPECT_EQ(ops_of(sig, "local.get 0 i32.const 7 i32.add"), (Ops{"I32AddImm", "ReturnOp"}));
  EXPECT_EQ(ops_of(sig, "local.get 0 i32.const 3 i32.shl"), (Ops{"I32ShlImm", "ReturnOp"}));
  EXPECT_EQ(ops_of(sig, "local.get 0 local.get 1 i32.add"), (Ops{"i32.add", "ReturnOp"}));
  // local.set right after the producer retargets it: no Copy.
  EXPECT_EQ(ops_of(sig, "local.get 0 local.get 1 i32.mul local.set 1 local.get 1"),
            (Ops{"i32.mul", "Copy", "ReturnOp"}));
}

TEST(OpTable, CompareAndBranchFuse) {
  ISOBOX_REQUIRE_WAT2WASM();
  const std::string sig = "(param i32 i32)";
  EXPECT_EQ(ops_of(sig, "block local.get 0 i32.const 10 i32.lt_s br_if 0 end"),
            (Ops{"BrIfI32LtSImm", "ReturnOp"}));
  EXPECT_EQ(ops_of(sig, "block local.get 0 local.get 1 i32.ge_u br_if 0 end"),
            (Ops{"BrIfI32GeU", "ReturnOp"}));
  EXPECT_EQ(ops_of(sig, "block local.get 0 br_if 0 end"), (Ops{"BrIfNz", "ReturnOp"}));
  // The loop tail: i += 1; if (i < 100) continue.
  EXPECT_EQ(ops_of(sig, "loop local.get 0 i32.const 1 i32.add local.tee 0 i32.const 100 "
                        "i32.lt_s br_if 0 end"),
            (Ops{"LoopEntry", "AddImmBrIfI32LtSImm", "ReturnOp"}));
}

TEST(OpTable, AddressArithmeticAndLoadsFuse) {
  ISOBOX_REQUIRE_WAT2WASM();
  EXPECT_EQ(ops_of("(param i32) (result i32)", "local.get 0 i32.const 8 i32.add i32.load"),
            (Ops{"I32LoadK", "ReturnOp"}));
  EXPECT_EQ(ops_of("(param i32)", "local.get 0 i32.const 3 i32.store"),
            (Ops{"I32StoreKI", "ReturnOp"}));
  EXPECT_EQ(ops_of("(param i32 i32) (result f32)", "local.get 0 f32.load local.get 1 f32.load "
                                                   "f32.mul"),
            (Ops{"F32MulLL", "ReturnOp"}));
  EXPECT_EQ(ops_of("(param i32) (result i64)", "local.get 0 i64.load offset=4"),
            (Ops{"i64.load", "ReturnOp"}));
}

TEST(OpTable, EveryEmittedOperatorHasANameAndLayout) {
  unsigned emitted = 0;
  for (unsigned i = 0; i < kIOpCount; ++i) {
    const IOpInfo &info = iop_info(static_cast<IOp>(i));
    EXPECT_FALSE(info.name.empty()) << i;
    EXPECT_EQ(info.layout.find_first_not_of("dsilhoxnmcCt"), std::string_view::npos) << info.name;
    emitted += info.emitted;
  }
  EXPECT_EQ(iop_info(IOp::I32AddImm).layout, "dsi");
  EXPECT_EQ(iop_info(IOp::BrTableOp).layout, "snt");
  EXPECT_FALSE(iop_info(IOp::Block).emitted);
  EXPECT_GT(emitted, 200u);
}

TEST(OpTable, DisassemblyShowsOperandsAndCallees) {
  ISOBOX_REQUIRE_WAT2WASM();
  auto m = decode(wat(R"((module
    (func $f (param i32) (result i32) local.get 0 i32.const -1 i32.add)
    (func (param i32) (result i32)
      block local.get 0 br_table 0 0 end local.get 0 call $f)))"));
  ASSERT_TRUE(m.has_value());
  auto v = validate_for_interp(std::move(*m));
  ASSERT_TRUE(v.has_value()) << v.error().message;
  EXPECT_EQ(*disassemble(*v->validated, *v->code, 0),
            "     0: I32AddImm s0 s0 -1\n     4: ReturnOp\n");
  const std::string second = *disassemble(*v->validated, *v->code, 1);
  EXPECT_NE(second.find("BrTableOp s0 1 @+"), std::string::npos) << second;
  EXPECT_NE(second.find("CallLocalOp s1 func[0]"), std::string::npos) << second;
  EXPECT_FALSE(disassemble(*v->validated, *v->code, 2).has_value());
}

TEST(OpTable, CodeThatIsNoOperatorIsAnError) {
  const std::vector<uint32_t> junk{0x7fffffffu};
  auto r = decode_code(junk);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("code unit 0"), std::string::npos) << r.error().message;
  const std::vector<uint32_t> truncated{
      static_cast<uint32_t>(handler_offsets()[static_cast<unsigned>(IOp::I32AddImm)]), 1};
  EXPECT_NE(decode_code(truncated).error().message.find("runs past the end"), std::string::npos);
}

} // namespace
} // namespace isobox::wasm
