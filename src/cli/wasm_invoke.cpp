// Implements the --invoke path: values are parsed by the export's parameter types.
#include "cli/wasm_invoke.hpp"

#include <bit>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

namespace isobox::cli {
namespace {

using wasm::ValType;
using wasm::Value;

// Integers: optional '-', decimal or 0x hex; must fit in `bits` as signed or unsigned.
Result<uint64_t> parse_int(std::string_view word, unsigned bits) {
  const bool negative = word.starts_with('-');
  std::string_view digits = negative ? word.substr(1) : word;
  int base = 10;
  if (digits.starts_with("0x") || digits.starts_with("0X")) {
    digits.remove_prefix(2);
    base = 16;
  }
  uint64_t magnitude = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
  if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size())
    return make_error("'{}' is not an integer", word);
  const uint64_t umax = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
  const uint64_t neg_limit = uint64_t{1} << (bits - 1); // |INT_MIN|
  if ((negative && magnitude > neg_limit) || (!negative && magnitude > umax))
    return make_error("'{}' does not fit in i{}", word, bits);
  const uint64_t v = negative ? ~magnitude + 1 : magnitude;
  return bits == 64 ? v : v & umax;
}

Result<double> parse_float(std::string_view word) {
  const std::string text(word);
  char *end = nullptr;
  errno = 0;
  const double d = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size())
    return make_error("'{}' is not a number", word);
  return d;
}

} // namespace

Result<std::optional<std::string>> take_invoke(std::vector<std::string> &words) {
  if (words.empty())
    return std::nullopt;
  const std::string &first = words.front();
  if (first.starts_with("--invoke=")) {
    std::string name = first.substr(9);
    words.erase(words.begin());
    if (name.empty())
      return make_error("--invoke needs a function name");
    return name;
  }
  if (first != "--invoke")
    return std::nullopt;
  if (words.size() < 2)
    return make_error("--invoke needs a function name");
  std::string name = words[1];
  words.erase(words.begin(), words.begin() + 2);
  return name;
}

Result<Value> parse_arg(ValType t, std::string_view word) {
  switch (t) {
  case ValType::I32: return Value::i32(static_cast<uint32_t>(ISOBOX_TRY(parse_int(word, 32))));
  case ValType::I64: return Value::i64(ISOBOX_TRY(parse_int(word, 64)));
  case ValType::F32: {
    const auto f = static_cast<float>(ISOBOX_TRY(parse_float(word)));
    return Value::f32_bits(std::bit_cast<uint32_t>(f));
  }
  case ValType::F64: return Value::f64_bits(std::bit_cast<uint64_t>(ISOBOX_TRY(parse_float(word))));
  case ValType::FuncRef:
  case ValType::ExternRef:
    if (word == "null")
      return Value::null(t);
    return make_error("'{}': only null can be passed as a {}", word, wasm::to_string(t));
  default: return make_error("parameters of type {} are not supported", wasm::to_string(t));
  }
}

Result<std::vector<Value>> parse_args(std::string_view func, const wasm::FuncType &type,
                                      std::span<const std::string> words) {
  if (words.size() != type.params.size()) {
    std::string params;
    for (auto p : type.params)
      params += fmt::format("{}{}", params.empty() ? "" : " ", wasm::to_string(p));
    return make_error("{} takes {} argument(s) ({}), got {}", func, type.params.size(),
                      params.empty() ? "none" : params, words.size());
  }
  std::vector<Value> args;
  for (size_t i = 0; i < words.size(); ++i) {
    auto v = parse_arg(type.params[i], words[i]);
    if (!v)
      return std::unexpected(v.error().wrap(fmt::format("{} argument {}", func, i + 1)));
    args.push_back(*v);
  }
  return args;
}

std::string format_result(const Value &v) {
  switch (v.type) {
  case ValType::I32: return fmt::format("{}", static_cast<int32_t>(v.bits));
  case ValType::I64: return fmt::format("{}", static_cast<int64_t>(v.bits));
  case ValType::F32: return fmt::format("{}", std::bit_cast<float>(static_cast<uint32_t>(v.bits)));
  case ValType::F64: return fmt::format("{}", std::bit_cast<double>(v.bits));
  case ValType::FuncRef:
  case ValType::ExternRef: return v.is_null() ? "null" : fmt::format("ref:{}", v.bits);
  default: return fmt::format("0x{:x}", v.bits);
  }
}

Result<std::expected<std::vector<Value>, wasm::Trap>>
invoke_export(wasm::Engine &engine, wasm::InstanceId id, std::string_view name,
              std::span<const std::string> words) {
  auto ext = engine.instance(id).find_export(name);
  if (!ext || ext->kind != wasm::ExternKind::Func)
    return make_error("no exported function '{}'", name);
  const auto args = ISOBOX_TRY(parse_args(name, engine.store().func_type(ext->addr), words));
  auto results = engine.call(ext->addr, args);
  if (results)
    for (const auto &r : *results)
      fmt::print("{}\n", format_result(r));
  return results;
}

} // namespace isobox::cli
