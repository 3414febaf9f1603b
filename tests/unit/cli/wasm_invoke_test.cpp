// Tests `wasm run --invoke` argument parsing by type and result formatting.
#include "cli/wasm_invoke.hpp"

#include <bit>
#include <cmath>

#include <gtest/gtest.h>

namespace isobox::cli {
namespace {

using wasm::ValType;
using wasm::Value;

TEST(WasmInvoke, ParsesIntegersSignedUnsignedAndHex) {
  EXPECT_EQ(parse_arg(ValType::I32, "30")->bits, 30u);
  EXPECT_EQ(parse_arg(ValType::I32, "-1")->bits, 0xffffffffu);
  EXPECT_EQ(parse_arg(ValType::I32, "4294967295")->bits, 0xffffffffu);
  EXPECT_EQ(parse_arg(ValType::I32, "-2147483648")->bits, 0x80000000u);
  EXPECT_EQ(parse_arg(ValType::I32, "0x10")->bits, 16u);
  EXPECT_EQ(parse_arg(ValType::I64, "-1")->bits, ~uint64_t{0});
  EXPECT_EQ(parse_arg(ValType::I64, "18446744073709551615")->bits, ~uint64_t{0});
}

TEST(WasmInvoke, RejectsBadOrOverflowingIntegers) {
  EXPECT_FALSE(parse_arg(ValType::I32, "4294967296"));
  EXPECT_FALSE(parse_arg(ValType::I32, "-2147483649"));
  EXPECT_FALSE(parse_arg(ValType::I32, "12abc"));
  EXPECT_FALSE(parse_arg(ValType::I32, ""));
  EXPECT_FALSE(parse_arg(ValType::I64, "-"));
}

TEST(WasmInvoke, ParsesFloatsAndRefs) {
  EXPECT_EQ(parse_arg(ValType::F32, "1.5")->bits, std::bit_cast<uint32_t>(1.5f));
  EXPECT_EQ(parse_arg(ValType::F64, "-0.25")->bits, std::bit_cast<uint64_t>(-0.25));
  EXPECT_TRUE(std::isnan(std::bit_cast<double>(parse_arg(ValType::F64, "nan")->bits)));
  EXPECT_FALSE(parse_arg(ValType::F64, "1.5x"));
  EXPECT_TRUE(parse_arg(ValType::ExternRef, "null")->is_null());
  EXPECT_FALSE(parse_arg(ValType::FuncRef, "3"));
}

TEST(WasmInvoke, ArgumentCountMustMatch) {
  const wasm::FuncType t{{ValType::I32, ValType::F64}, {}};
  EXPECT_TRUE(parse_args("f", t, std::vector<std::string>{"1", "2.5"}));
  auto e = parse_args("f", t, std::vector<std::string>{"1"});
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().message, "f takes 2 argument(s) (i32 f64), got 1");
}

TEST(WasmInvoke, FormatsResultsLikeWasmtime) {
  EXPECT_EQ(format_result(Value::i32(0xffffffffu)), "-1");
  EXPECT_EQ(format_result(Value::i64(55)), "55");
  EXPECT_EQ(format_result(Value::f32_bits(std::bit_cast<uint32_t>(0.1f))), "0.1");
  EXPECT_EQ(format_result(Value::f64_bits(std::bit_cast<uint64_t>(-HUGE_VAL))), "-inf");
  EXPECT_EQ(format_result(Value::null(ValType::FuncRef)), "null");
}

TEST(WasmInvoke, TakesInvokeAfterModule) {
  std::vector<std::string> words{"--invoke", "fib", "30"};
  auto name = take_invoke(words);
  ASSERT_TRUE(name && *name);
  EXPECT_EQ(**name, "fib");
  EXPECT_EQ(words, std::vector<std::string>{"30"});
  std::vector<std::string> eq{"--invoke=f"};
  EXPECT_EQ(**take_invoke(eq), "f");
  std::vector<std::string> guest{"-l", "x"};
  EXPECT_FALSE(*take_invoke(guest));
  EXPECT_EQ(guest.size(), 2u);
  std::vector<std::string> missing{"--invoke"};
  EXPECT_FALSE(take_invoke(missing));
}

} // namespace
} // namespace isobox::cli
