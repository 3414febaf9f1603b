// Command semantics follow the reference interpreter's script runner
// (spec/interpreter/script/run.ml).
#include "spec/runner.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

namespace isobox::spec {
namespace {

using wasm::Trap;
using wasm::ValType;
using wasm::Value;

constexpr uint32_t kF32Exp = 0x7f800000, kF32Quiet = 0x00400000, kF32Abs = 0x7fffffff;
constexpr uint64_t kF64Exp = 0x7ff0000000000000, kF64Quiet = 0x0008000000000000,
                   kF64Abs = 0x7fffffffffffffff;

std::string format_values(std::span<const Value> values) {
  std::string out = "(";
  for (size_t i = 0; i < values.size(); ++i)
    out += (i ? ", " : "") + format_value(values[i]);
  return out + ")";
}

std::string format_expected(const std::vector<ExpectedValue> &values) {
  std::string out = "(";
  for (size_t i = 0; i < values.size(); ++i) {
    const auto &e = values[i];
    const std::string_view t = wasm::to_string(e.value.type);
    std::string s;
    switch (e.kind) {
    case ExpectedValue::Kind::CanonicalNan: s = fmt::format("{}:nan:canonical", t); break;
    case ExpectedValue::Kind::ArithmeticNan: s = fmt::format("{}:nan:arithmetic", t); break;
    case ExpectedValue::Kind::AnyFuncRef: s = "funcref:<non-null>"; break;
    default: s = format_value(e.value);
    }
    out += (i ? ", " : "") + s;
  }
  return out + ")";
}

std::string describe(const Action &a) {
  return fmt::format("{} {}{}{}", a.type == Action::Type::Get ? "get" : "invoke",
                     a.module ? *a.module + " " : "", a.field, format_values(a.args));
}

} // namespace

Counts &Counts::operator+=(const Counts &o) {
  passed += o.passed;
  failed += o.failed;
  skipped += o.skipped;
  errors += o.errors;
  shared_binary += o.shared_binary;
  return *this;
}

std::string format_counts(const Counts &c) {
  std::string s = fmt::format("{} passed, {} failed, {} skipped", c.passed, c.failed, c.skipped);
  if (c.errors)
    s += fmt::format(", {} errors", c.errors);
  if (c.shared_binary)
    s += fmt::format(" ({} passed on a binary shared with another expected text)", c.shared_binary);
  return s;
}

bool text_matches(std::string_view actual, std::string_view expected) {
  return actual.starts_with(expected);
}

bool value_matches(const Value &actual, const ExpectedValue &expected) {
  using Kind = ExpectedValue::Kind;
  if (actual.type != expected.value.type)
    return false;
  const bool f32 = actual.type == ValType::F32;
  switch (expected.kind) {
  case Kind::Exact: return actual.bits == expected.value.bits;
  case Kind::CanonicalNan:
    return f32 ? (actual.bits & kF32Abs) == (kF32Exp | kF32Quiet)
               : (actual.bits & kF64Abs) == (kF64Exp | kF64Quiet);
  case Kind::ArithmeticNan:
    return f32 ? (actual.bits & (kF32Exp | kF32Quiet)) == (kF32Exp | kF32Quiet)
               : (actual.bits & (kF64Exp | kF64Quiet)) == (kF64Exp | kF64Quiet);
  case Kind::AnyFuncRef: return !actual.is_null();
  case Kind::Unsupported: return false;
  }
  return false;
}

std::string format_value(const Value &v) {
  switch (v.type) {
  case ValType::I32: return fmt::format("i32:{}", static_cast<uint32_t>(v.bits));
  case ValType::I64: return fmt::format("i64:{}", v.bits);
  case ValType::F32: {
    float f;
    const auto b = static_cast<uint32_t>(v.bits);
    std::memcpy(&f, &b, sizeof f);
    return fmt::format("f32:{} (0x{:08x})", f, b);
  }
  case ValType::F64: {
    double d;
    std::memcpy(&d, &v.bits, sizeof d);
    return fmt::format("f64:{} (0x{:016x})", d, v.bits);
  }
  case ValType::FuncRef:
  case ValType::ExternRef:
    return v.is_null() ? fmt::format("{}:null", wasm::to_string(v.type))
                       : fmt::format("{}:{}", wasm::to_string(v.type), v.bits);
  default: return fmt::format("{}:0x{:x}", wasm::to_string(v.type), v.bits);
  }
}

Runner::Runner(Engine &engine, std::filesystem::path module_dir, RunOptions options)
    : m_engine(engine), m_dir(std::move(module_dir)), m_options(std::move(options)) {}

Counts Runner::run(const std::vector<Command> &commands) {
  index_failure_texts(commands);
  for (const auto &c : commands)
    run_command(c);
  return m_counts;
}

void Runner::run_command(const Command &c) {
  using T = Command::Type;
  switch (c.type) {
  case T::Module: do_module(c); break;
  case T::Register: do_register(c); break;
  case T::Action: do_action(c); break;
  case T::AssertReturn: do_assert_return(c); break;
  case T::AssertTrap:
  case T::AssertExhaustion: do_assert_trap(c); break;
  case T::AssertInvalid: do_assert_load_failure(c, LoadError::Kind::Invalid); break;
  case T::AssertMalformed: do_assert_load_failure(c, LoadError::Kind::Malformed); break;
  case T::AssertUnlinkable: do_assert_load_failure(c, LoadError::Kind::Unlinkable); break;
  case T::AssertUninstantiable: do_assert_load_failure(c, LoadError::Kind::Uninstantiable); break;
  case T::Unknown: error(c, fmt::format("unknown command type '{}'", c.type_name)); break;
  }
}

void Runner::fail(const Command &c, std::string_view why) {
  ++m_counts.failed;
  if (m_options.verbose)
    fmt::print("{}:{}: FAIL {}: {}\n", m_options.script_name, c.line, c.type_name, why);
}

void Runner::error(const Command &c, std::string_view why) {
  ++m_counts.errors;
  if (m_options.verbose)
    fmt::print("{}:{}: ERROR {}: {}\n", m_options.script_name, c.line, c.type_name, why);
}

std::optional<std::vector<uint8_t>> Runner::read_module(const Command &c) {
  std::ifstream in(m_dir / c.filename, std::ios::binary);
  if (!in)
    return std::nullopt;
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

void Runner::do_module(const Command &c) {
  m_current.reset(); // a failed module leaves no current module: later commands fail
  auto bytes = read_module(c);
  if (!bytes)
    return error(c, fmt::format("cannot read {}", c.filename));
  auto id = m_engine.load(*bytes);
  if (!id)
    return error(c, fmt::format("{}: {}", to_string(id.error().kind), id.error().message));
  m_current = *id;
  if (c.name)
    m_named[*c.name] = *id;
}

void Runner::do_register(const Command &c) {
  std::optional<InstanceId> id = m_current;
  if (c.name) {
    auto it = m_named.find(*c.name);
    id = it == m_named.end() ? std::nullopt : std::optional(it->second);
  }
  if (!id)
    return error(c, fmt::format("no module {} to register", c.name.value_or("(current)")));
  m_engine.register_instance(c.as, *id);
}

std::expected<std::vector<Value>, Trap> Runner::perform(const Action &a) {
  std::optional<InstanceId> id = m_current;
  if (a.module) {
    auto it = m_named.find(*a.module);
    id = it == m_named.end() ? std::nullopt : std::optional(it->second);
  }
  if (!id)
    return std::unexpected(Trap{"runner: no module instance for the action", {}});
  if (a.type == Action::Type::Invoke)
    return m_engine.invoke(*id, a.field, a.args);
  auto v = m_engine.get(*id, a.field);
  if (!v)
    return std::unexpected(Trap{"runner: " + v.error(), {}});
  return std::vector<Value>{*v};
}

void Runner::do_action(const Command &c) {
  if (c.action.unsupported)
    return;
  auto r = perform(c.action);
  if (!r)
    error(c, fmt::format("{}: trap '{}'", describe(c.action), r.error().message));
}

void Runner::do_assert_return(const Command &c) {
  const bool unsupported =
      c.action.unsupported || std::any_of(c.expected.begin(), c.expected.end(), [](auto &e) {
        return e.kind == ExpectedValue::Kind::Unsupported;
      });
  if (unsupported) {
    ++m_counts.skipped;
    return;
  }
  auto r = perform(c.action);
  if (!r)
    return fail(c, fmt::format("{}: expected {}, got trap '{}'", describe(c.action),
                               format_expected(c.expected), r.error().message));
  bool ok = r->size() == c.expected.size();
  for (size_t i = 0; ok && i < r->size(); ++i)
    ok = value_matches((*r)[i], c.expected[i]);
  if (!ok)
    return fail(c, fmt::format("{}: expected {}, got {}", describe(c.action),
                               format_expected(c.expected), format_values(*r)));
  pass();
}

void Runner::do_assert_trap(const Command &c) {
  if (c.action.unsupported) {
    ++m_counts.skipped;
    return;
  }
  auto r = perform(c.action);
  if (r)
    return fail(c, fmt::format("{}: expected trap '{}', got {}", describe(c.action), c.text,
                               format_values(*r)));
  if (!text_matches(r.error().message, c.text))
    return fail(c, fmt::format("{}: expected trap '{}', got trap '{}'", describe(c.action), c.text,
                               r.error().message));
  pass();
}

void Runner::do_assert_load_failure(const Command &c, LoadError::Kind kind) {
  if (c.text_module) { // needs a text-format parser; counted, never as passed
    ++m_counts.skipped;
    return;
  }
  auto bytes = read_module(c);
  if (!bytes)
    return fail(c, fmt::format("cannot read {}", c.filename));
  std::optional<LoadError> err;
  if (kind == LoadError::Kind::Malformed || kind == LoadError::Kind::Invalid) {
    err = m_engine.check(*bytes);
  } else if (auto id = m_engine.load(*bytes); !id) {
    err = id.error();
  }
  if (!err)
    return fail(
        c, fmt::format("{}: expected {} '{}', but it loaded", c.filename, to_string(kind), c.text));
  if (err->kind == kind && !text_matches(err->message, c.text) &&
      matches_shared_binary(*bytes, err->message)) {
    ++m_counts.shared_binary;
    if (m_options.verbose)
      fmt::print("{}:{}: note: {} is byte-identical to a module expected to fail with '{}'\n",
                 m_options.script_name, c.line, c.filename, err->message);
    return pass();
  }
  if (err->kind != kind || !text_matches(err->message, c.text))
    return fail(c, fmt::format("{}: expected {} '{}', got {} '{}'", c.filename, to_string(kind),
                               c.text, to_string(err->kind), err->message));
  pass();
}

// wast2json encodes some distinct text modules to identical bytes, e.g. select.wast's
// `(select (nop) (nop) ...)` ("type mismatch") and `(select (result) ...)` ("invalid result
// arity"): a binary `select` with an empty result list is the untyped opcode. A binary engine
// cannot tell such assertions apart, so for a binary expected to fail with several texts, any
// of those texts is accepted; the summary counts these passes separately.
void Runner::index_failure_texts(const std::vector<Command> &commands) {
  m_texts_by_binary.clear();
  for (const auto &c : commands) {
    if ((c.type != Command::Type::AssertInvalid && c.type != Command::Type::AssertMalformed) ||
        c.text_module)
      continue;
    if (auto bytes = read_module(c))
      m_texts_by_binary[std::move(*bytes)].insert(c.text);
  }
}

bool Runner::matches_shared_binary(const std::vector<uint8_t> &bytes,
                                   std::string_view actual) const {
  auto it = m_texts_by_binary.find(bytes);
  if (it == m_texts_by_binary.end() || it->second.size() < 2)
    return false;
  return std::ranges::any_of(it->second,
                             [&](const std::string &t) { return text_matches(actual, t); });
}

} // namespace isobox::spec
