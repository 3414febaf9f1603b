// Builds spectest from host functions and store objects; values as in host/spectest.ml.
#include "spec/spectest.hpp"

#include <bit>

#include <fmt/format.h>

#include "spec/runner.hpp"

namespace isobox::spec {
namespace {

using wasm::ExternKind;
using wasm::ExternVal;
using wasm::FuncType;
using wasm::ValType;
using wasm::Value;

wasm::HostFunc printer(bool echo) {
  return [echo](wasm::HostCall &, std::span<const Value> args,
                std::span<Value>) -> std::optional<wasm::Trap> {
    if (echo) {
      for (const auto &a : args)
        fmt::print("{} ", format_value(a));
      fmt::print("\n");
    }
    return std::nullopt;
  };
}

} // namespace

HostExports add_spectest(wasm::Store &store, bool echo) {
  HostExports out;
  const std::pair<const char *, std::vector<ValType>> prints[] = {
      {"print", {}},
      {"print_i32", {ValType::I32}},
      {"print_i64", {ValType::I64}},
      {"print_f32", {ValType::F32}},
      {"print_f64", {ValType::F64}},
      {"print_i32_f32", {ValType::I32, ValType::F32}},
      {"print_f64_f64", {ValType::F64, ValType::F64}},
  };
  for (const auto &[name, params] : prints)
    out[name] =
        ExternVal{ExternKind::Func, store.add_host_func(FuncType{params, {}}, printer(echo))};

  auto global = [&](const char *name, ValType t, uint64_t bits) {
    out[name] =
        ExternVal{ExternKind::Global, store.add_global(wasm::GlobalType{t, false}, Value{t, bits})};
  };
  global("global_i32", ValType::I32, 666);
  global("global_i64", ValType::I64, 666);
  global("global_f32", ValType::F32, std::bit_cast<uint32_t>(666.6f));
  global("global_f64", ValType::F64, std::bit_cast<uint64_t>(666.6));

  out["table"] =
      ExternVal{ExternKind::Table, store.add_table(wasm::TableType{ValType::FuncRef, {10, 20}},
                                                   Value::null(ValType::FuncRef))};
  out["memory"] = ExternVal{ExternKind::Memory, store.add_memory(wasm::MemoryType{{1, 2}})};
  return out;
}

} // namespace isobox::spec
