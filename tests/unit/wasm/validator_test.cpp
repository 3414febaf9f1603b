// Validator tests: each module is valid or fails with the spec's text.
#include "engine_fixture.hpp"

namespace isobox::wasm {
namespace {

using testing::validate_error;

TEST(Validator, AcceptsWellTypedFunction) {
  ISOBOX_REQUIRE_WAT2WASM();
  EXPECT_EQ(validate_error(R"((module (func (param i32) (result i32)
      local.get 0 i32.const 1 i32.add)))"),
            "ok");
}

TEST(Validator, SpecErrorTexts) {
  ISOBOX_REQUIRE_WAT2WASM();
  struct Case {
    const char *module;
    const char *error;
  } cases[] = {
      {"(module (func (result i32) i64.const 1))", "type mismatch"},
      {"(module (func local.get 3 drop))", "unknown local"},
      {"(module (func call 7))", "unknown function 7"},
      {"(module (func global.get 0 drop))", "unknown global 0"},
      {"(module (global i32 (i32.const 0)) (func i32.const 1 global.set 0))",
       "global is immutable"},
      {"(module (func (result i32) ref.func 0 drop i32.const 0))", "undeclared function reference"},
      {"(module (func) (export \"a\" (func 0)) (export \"a\" (func 0)))", "duplicate export name"},
      {"(module (memory 1) (func i32.const 0 i32.load align=8 drop))",
       "alignment must not be larger than natural"},
      {"(module (memory 65537))", "memory size must be at most 65536 pages (4GiB)"},
      {"(module (global i32 (i32.add (i32.const 1) (i32.const 2))))",
       "constant expression required"},
      {"(module (func br 1))", "unknown label"},
      {"(module (func i32.const 0 i32.load drop))", "unknown memory 0"},
      {"(module (func (param i32) (result i32) local.get 0 if (result i32) i32.const 1 end))",
       "type mismatch"},
      {"(module (func unreachable i32.add (block (i32.add) drop)))", "type mismatch"},
  };
  for (const Case &c : cases)
    EXPECT_EQ(validate_error(c.module), c.error) << c.module;
}

TEST(Validator, UnreachableCodeIsPolymorphic) {
  ISOBOX_REQUIRE_WAT2WASM();
  EXPECT_EQ(validate_error("(module (func (result i32) unreachable i32.add))"), "ok");
  EXPECT_EQ(validate_error("(module (func (result i64) unreachable br_if 0 i64.extend_i32_u))"),
            "type mismatch");
}

} // namespace
} // namespace isobox::wasm
