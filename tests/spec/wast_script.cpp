// Parses wast2json's JSON (wabt 1.0.32 layout) into Commands.
#include "spec/wast_script.hpp"

#include <charconv>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

namespace isobox::spec {
namespace {

using Json = nlohmann::json;
using wasm::ValType;
using wasm::Value;

Command::Type command_type(std::string_view name) {
  static const std::map<std::string_view, Command::Type> kTypes = {
      {"module", Command::Type::Module},
      {"register", Command::Type::Register},
      {"action", Command::Type::Action},
      {"assert_return", Command::Type::AssertReturn},
      {"assert_trap", Command::Type::AssertTrap},
      {"assert_exhaustion", Command::Type::AssertExhaustion},
      {"assert_invalid", Command::Type::AssertInvalid},
      {"assert_malformed", Command::Type::AssertMalformed},
      {"assert_unlinkable", Command::Type::AssertUnlinkable},
      {"assert_uninstantiable", Command::Type::AssertUninstantiable},
  };
  auto it = kTypes.find(name);
  return it == kTypes.end() ? Command::Type::Unknown : it->second;
}

Result<uint64_t> parse_u64(std::string_view text) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size())
    return make_error("bad number '{}'", text);
  return v;
}

Result<Action> parse_action(const Json &j) {
  Action a;
  a.type = j.at("type").get<std::string>() == "get" ? Action::Type::Get : Action::Type::Invoke;
  if (j.contains("module"))
    a.module = j.at("module").get<std::string>();
  a.field = j.at("field").get<std::string>();
  for (const auto &arg : j.value("args", Json::array())) {
    auto v = ISOBOX_TRY(parse_value(arg.at("type").get<std::string>(), arg.value("value", "")));
    if (v.kind != ExpectedValue::Kind::Exact)
      a.unsupported = true;
    a.args.push_back(v.value);
  }
  return a;
}

Result<Command> parse_command(const Json &j) {
  Command c;
  c.type_name = j.at("type").get<std::string>();
  c.type = command_type(c.type_name);
  c.line = j.value("line", 0);
  c.filename = j.value("filename", "");
  c.text_module = j.value("module_type", "binary") == "text";
  if (j.contains("name"))
    c.name = j.at("name").get<std::string>();
  c.as = j.value("as", "");
  c.text = j.value("text", "");
  if (j.contains("action"))
    c.action = ISOBOX_TRY(parse_action(j.at("action")));
  if (c.type != Command::Type::AssertReturn) // others list result types only
    return c;
  for (const auto &e : j.value("expected", Json::array()))
    c.expected.push_back(
        ISOBOX_TRY(parse_value(e.at("type").get<std::string>(), e.value("value", ""))));
  return c;
}

} // namespace

bool Command::is_assertion() const {
  switch (type) {
  case Type::AssertReturn:
  case Type::AssertTrap:
  case Type::AssertExhaustion:
  case Type::AssertInvalid:
  case Type::AssertMalformed:
  case Type::AssertUnlinkable:
  case Type::AssertUninstantiable: return true;
  default: return false;
  }
}

Result<ExpectedValue> parse_value(std::string_view type, std::string_view value) {
  using Kind = ExpectedValue::Kind;
  if (type == "v128")
    return ExpectedValue{Kind::Unsupported, Value::null(ValType::V128)};
  if (type == "funcref" || type == "externref") {
    const ValType t = type == "funcref" ? ValType::FuncRef : ValType::ExternRef;
    if (value == "null")
      return ExpectedValue{Kind::Exact, Value::null(t)};
    // wast2json writes a function index for (ref.func): the store address differs, so any
    // non-null funcref matches; externref ids are chosen by the script and compared exactly.
    const uint64_t id = ISOBOX_TRY(parse_u64(value));
    if (t == ValType::FuncRef)
      return ExpectedValue{Kind::AnyFuncRef, Value::funcref(static_cast<uint32_t>(id))};
    return ExpectedValue{Kind::Exact, Value::externref(id)};
  }
  const bool is_f32 = type == "f32", is_f64 = type == "f64";
  if ((is_f32 || is_f64) && value.starts_with("nan:")) {
    const Kind k = value == "nan:canonical" ? Kind::CanonicalNan : Kind::ArithmeticNan;
    return ExpectedValue{k, Value{is_f32 ? ValType::F32 : ValType::F64, 0}};
  }
  const uint64_t bits = ISOBOX_TRY(parse_u64(value));
  if (type == "i32")
    return ExpectedValue{Kind::Exact, Value::i32(static_cast<uint32_t>(bits))};
  if (type == "i64")
    return ExpectedValue{Kind::Exact, Value::i64(bits)};
  if (is_f32)
    return ExpectedValue{Kind::Exact, Value::f32_bits(static_cast<uint32_t>(bits))};
  if (is_f64)
    return ExpectedValue{Kind::Exact, Value::f64_bits(bits)};
  return make_error("unknown value type '{}'", type);
}

Result<std::vector<Command>> read_script(const std::filesystem::path &json_path) {
  std::ifstream in(json_path);
  if (!in)
    return make_error("cannot open {}", json_path.string());
  std::vector<Command> commands;
  try {
    const Json doc = Json::parse(in);
    for (const auto &j : doc.at("commands")) {
      auto c = parse_command(j);
      if (!c)
        return std::unexpected(c.error().wrap(
            fmt::format("{}:{}", json_path.filename().string(), j.value("line", 0))));
      commands.push_back(std::move(*c));
    }
  } catch (const nlohmann::json::exception &e) {
    return make_error("{}: {}", json_path.string(), e.what());
  }
  return commands;
}

} // namespace isobox::spec
