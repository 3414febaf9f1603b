// The engine interface (src/wasm/engine/): tiers, the factory, linking, start function, errors.
#include <atomic>

#include "engine_fixture.hpp"
#include "wasm/engine/engine.hpp"

namespace isobox::wasm {
namespace {

using testing::wat;

std::unique_ptr<Engine> interp_engine() {
  auto e = make_engine(EngineOptions{.tier = Tier::Interp});
  EXPECT_TRUE(e.has_value()) << e.error().message;
  return std::move(*e);
}

TEST(Engine, TiersParseByName) {
  EXPECT_EQ(parse_tier("interp"), Tier::Interp);
  EXPECT_EQ(parse_tier("aot"), Tier::Aot);
  EXPECT_EQ(parse_tier("auto"), Tier::Auto);
  auto bad = parse_tier("jit");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message, "'jit': expected interp, aot or auto");
}

TEST(Engine, AutoPicksTheInterpreterAndAotIsRefusedUntilBuiltIn) {
  auto e = make_engine(EngineOptions{.tier = Tier::Auto});
  ASSERT_TRUE(e.has_value()) << e.error().message;
  EXPECT_EQ((*e)->tier(), Tier::Interp);
  EXPECT_EQ((*e)->name(), "interp");
  auto aot = make_engine(EngineOptions{.tier = Tier::Aot});
  EXPECT_EQ(aot.has_value(), tier_built_in(Tier::Aot));
  if (!aot) {
    EXPECT_EQ(aot.error().message, "the aot tier is not built in");
  }
}

TEST(Engine, DefinedHostFunctionsAndRegisteredInstancesLink) {
  ISOBOX_REQUIRE_WAT2WASM();
  auto engine = interp_engine();
  const uint32_t twice = engine->store().add_host_func(
      FuncType{{ValType::I32}, {ValType::I32}},
      [](HostCall &, std::span<const Value> args, std::span<Value> out) -> std::optional<Trap> {
        out[0] = Value::i32(static_cast<uint32_t>(args[0].bits * 2));
        return std::nullopt;
      });
  engine->define("env", "twice", ExternVal{ExternKind::Func, twice});
  auto a = engine->load(wat(R"((module (import "env" "twice" (func $t (param i32) (result i32)))
      (func (export "f") (param i32) (result i32) local.get 0 call $t i32.const 1 i32.add)))"));
  ASSERT_TRUE(a.has_value()) << a.error().message;
  engine->register_instance("a", *a);
  auto b = engine->load(wat(R"((module (import "a" "f" (func $f (param i32) (result i32)))
      (global (export "g") i32 (i32.const 7))
      (func (export "g2") (result i32) i32.const 20 call $f)))"));
  ASSERT_TRUE(b.has_value()) << b.error().message;
  auto r = engine->invoke(*b, "g2", {});
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ((*r)[0].bits, 41u);
  EXPECT_EQ(engine->get(*b, "g")->bits, 7u);
  EXPECT_FALSE(engine->get(*b, "g2").has_value());
  EXPECT_EQ(engine->invoke(*b, "nope", {}).error().message, "runner: no exported function 'nope'");
}

TEST(Engine, LoadErrorsHaveTheirSpecKind) {
  ISOBOX_REQUIRE_WAT2WASM();
  auto engine = interp_engine();
  const std::vector<uint8_t> junk{0, 'a', 's', 'x'};
  EXPECT_EQ(engine->load(junk).error().kind, LoadError::Kind::Malformed);
  auto invalid = wat("(module (func (result i32) i64.const 1))");
  EXPECT_EQ(engine->check(invalid)->kind, LoadError::Kind::Invalid);
  auto unlinkable = engine->load(wat(R"((module (import "env" "nope" (func))))"));
  ASSERT_FALSE(unlinkable.has_value());
  EXPECT_EQ(unlinkable.error().kind, LoadError::Kind::Unlinkable);
  EXPECT_TRUE(unlinkable.error().message.starts_with("unknown import"));
  auto trap = engine->load(wat("(module (func $s unreachable) (start $s))"));
  ASSERT_FALSE(trap.has_value());
  EXPECT_EQ(trap.error().kind, LoadError::Kind::Uninstantiable);
  EXPECT_EQ(trap.error().message, "unreachable");
}

TEST(Engine, StartFunctionCanBeLeftToTheEmbedder) {
  ISOBOX_REQUIRE_WAT2WASM();
  auto engine = interp_engine();
  const auto bytes = wat(R"((module (global $g (export "g") (mut i32) (i32.const 0))
      (func $s i32.const 5 global.set $g) (start $s)))");
  auto deferred = engine->load(bytes, LoadOptions{.run_start = false});
  ASSERT_TRUE(deferred.has_value()) << deferred.error().message;
  EXPECT_EQ(engine->get(*deferred, "g")->bits, 0u);
  auto start = engine->start_function(*deferred);
  ASSERT_TRUE(start.has_value());
  ASSERT_TRUE(engine->call(*start, {}).has_value());
  EXPECT_EQ(engine->get(*deferred, "g")->bits, 5u);
  auto ran = engine->load(bytes);
  ASSERT_TRUE(ran.has_value()) << ran.error().message;
  EXPECT_EQ(engine->get(*ran, "g")->bits, 5u);
}

TEST(Engine, LoadsAModuleValidatedEarlier) {
  ISOBOX_REQUIRE_WAT2WASM();
  auto engine = interp_engine();
  auto module = decode(wat(R"((module (func (export "f") (result i32) i32.const 3)))"));
  ASSERT_TRUE(module.has_value());
  auto validated = validate(std::move(*module));
  ASSERT_TRUE(validated.has_value());
  auto id = engine->load(*validated);
  ASSERT_TRUE(id.has_value()) << id.error().message;
  EXPECT_EQ((*engine->invoke(*id, "f", {}))[0].bits, 3u);
}

/// Each tier this build has (the interpreter, and the aot tier when its plug-in is built).
std::vector<std::unique_ptr<Engine>> every_tier() {
  std::vector<std::unique_ptr<Engine>> engines;
  for (Tier t : {Tier::Interp, Tier::Aot})
    if (tier_built_in(t))
      engines.push_back(std::move(make_engine(EngineOptions{.tier = t}).value()));
  return engines;
}

// Spec 4.5.4 (linking.wast): an element segment writes a function into an imported table before
// a later data segment traps; the table keeps the function of the failed instance, which must
// run. Crashed (bad_function_call) while tiers attached their code after instantiation.
TEST(Engine, AFailedInstancesFunctionLeftInATableRuns) {
  ISOBOX_REQUIRE_WAT2WASM();
  for (auto &engine : every_tier()) {
    SCOPED_TRACE(engine->name());
    auto owner = engine->load(wat(R"((module (type $t (func (result i32)))
        (table (export "tab") 1 funcref) (memory (export "mem") 1)
        (func (export "call0") (result i32) i32.const 0 call_indirect (type $t))))"));
    ASSERT_TRUE(owner.has_value()) << owner.error().message;
    engine->register_instance("owner", *owner);
    auto failed = engine->load(wat(R"((module (import "owner" "tab" (table 1 funcref))
        (import "owner" "mem" (memory 1))
        (func $f (result i32) i32.const 42)
        (elem (i32.const 0) $f)
        (data (i32.const 65536) "x")))"));
    ASSERT_FALSE(failed.has_value());
    EXPECT_EQ(failed.error().kind, LoadError::Kind::Uninstantiable);
    auto r = engine->invoke(*owner, "call0", {});
    ASSERT_TRUE(r.has_value()) << r.error().message;
    EXPECT_EQ((*r)[0].bits, 42u);
  }
}

TEST(Engine, InterruptStopsLoading) {
  ISOBOX_REQUIRE_WAT2WASM();
  auto engine = interp_engine();
  const std::atomic<bool> interrupt{true};
  auto r = engine->load(wat("(module (func))"), LoadOptions{.interrupt = &interrupt});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, LoadError::Kind::Invalid);
  EXPECT_EQ(r.error().message, "interrupted");
}

} // namespace
} // namespace isobox::wasm
