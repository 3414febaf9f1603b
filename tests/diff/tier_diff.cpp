// The interpreter-vs-aot oracle: load, call every export, then dump memories, globals and tables.
#include "diff/tier_diff.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace isobox::diff {
namespace {

using wasm::ValType;
using wasm::Value;

/// A function reference as the module sees it: its index in the instance's function space (store
/// addresses may differ between the tiers' stores).
std::string ref_text(const wasm::ModuleInstance &inst, uint64_t bits) {
  if (bits == wasm::kNullRef)
    return "null";
  const auto it = std::find(inst.func_addrs.begin(), inst.func_addrs.end(), bits);
  if (it == inst.func_addrs.end())
    return fmt::format("addr{}", bits);
  return fmt::format("func{}", it - inst.func_addrs.begin());
}

std::string value_text(const wasm::ModuleInstance &inst, const Value &v) {
  switch (v.type) {
  case ValType::I32: return fmt::format("i32:{:#x}", static_cast<uint32_t>(v.bits));
  case ValType::I64: return fmt::format("i64:{:#x}", v.bits);
  case ValType::F32: return fmt::format("f32:{:#010x}", static_cast<uint32_t>(v.bits));
  case ValType::F64: return fmt::format("f64:{:#018x}", v.bits);
  case ValType::FuncRef: return "funcref:" + ref_text(inst, v.bits);
  case ValType::ExternRef:
    return v.is_null() ? "externref:null" : fmt::format("externref:{}", v.bits);
  default: return fmt::format("{}:{:#x}", wasm::to_string(v.type), v.bits);
  }
}

std::string outcome_text(const wasm::ModuleInstance &inst, const wasm::InvokeResult &r) {
  if (!r) { // with the function it names, as the trap line does
    const wasm::Trap &t = r.error();
    if (t.func_name)
      return fmt::format("trap: {} (in function {})", t.message, *t.func_name);
    if (t.func_index)
      return fmt::format("trap: {} (in function #{})", t.message, *t.func_index);
    return "trap: " + t.message;
  }
  std::string out;
  for (const Value &v : *r)
    out += (out.empty() ? "" : " ") + value_text(inst, v);
  return out.empty() ? "(no results)" : out;
}

uint64_t fnv1a(std::span<const uint8_t> bytes) {
  uint64_t h = 0xcbf29ce484222325;
  for (uint8_t b : bytes)
    h = (h ^ b) * 0x100000001b3;
  return h;
}

/// The final state of the instance: memories, globals, tables.
void dump_state(wasm::Engine &engine, const wasm::ModuleInstance &inst, Observation &obs) {
  for (size_t i = 0; i < inst.memory_addrs.size(); ++i) {
    auto bytes = engine.store().memory(inst.memory_addrs[i]).bytes();
    obs.lines.push_back(
        fmt::format("memory {}: {} bytes, fnv {:#x}", i, bytes.size(), fnv1a(bytes)));
    obs.memories.emplace_back(bytes.begin(), bytes.end());
  }
  for (size_t i = 0; i < inst.global_addrs.size(); ++i) {
    const wasm::GlobalInst &g = engine.store().global(inst.global_addrs[i]);
    obs.lines.push_back(fmt::format("global {}: {}", i, value_text(inst, {g.type.type, g.value})));
  }
  for (size_t i = 0; i < inst.table_addrs.size(); ++i) {
    const wasm::TableInst &t = engine.store().table(inst.table_addrs[i]);
    std::string line = fmt::format("table {}: [", i);
    for (size_t e = 0; e < t.elems.size(); ++e)
      line += (e ? " " : "") + ref_text(inst, t.elems[e]);
    obs.lines.push_back(line + "]");
  }
}

} // namespace

Result<Observation> observe(wasm::Tier tier, std::span<const uint8_t> bytes,
                            const RunLimits &limits) {
  wasm::StoreLimits store_limits{.max_call_depth = limits.max_call_depth};
  if (limits.fuel)
    store_limits.fuel = kAmpleFuel;
  const bool precompiled = tier == wasm::Tier::Aot && !limits.aot_object.empty();
  auto engine = ISOBOX_TRY(wasm::make_engine(
      wasm::EngineOptions{.tier = tier, .limits = store_limits, .precompiled = precompiled}));
  Observation obs;
  auto id = engine->load(bytes,
                         wasm::LoadOptions{.aot_object = precompiled ? limits.aot_object
                                                                     : std::span<const uint8_t>()});
  if (!id) {
    obs.lines.push_back(
        fmt::format("load: {}: {}", wasm::to_string(id.error().kind), id.error().message));
    return obs;
  }
  const wasm::ModuleInstance &inst = engine->instance(*id);
  size_t position = 0;
  for (const wasm::Export &e : inst.module->module.exports) {
    if (e.kind != wasm::ExternKind::Func)
      continue;
    if (position > limits.limited)
      break;
    const uint32_t addr = inst.func_addrs[e.index];
    std::vector<Value> args;
    for (ValType t : engine->store().func_ptr(addr)->type.params)
      args.push_back(wasm::is_ref(t) ? Value::null(t) : Value{t, 0});
    uint64_t *fuel = engine->store().fuel_left();
    if (fuel)
      *fuel = position == limits.limited ? *limits.fuel : kAmpleFuel;
    const uint64_t before = fuel ? *fuel : 0;
    const wasm::InvokeResult r = engine->call(addr, args);
    std::string line = fmt::format("call {}: {}", e.name, outcome_text(inst, r));
    // The fuel left is exact in both tiers except after a trap other than fuel's own: the aot
    // tier may not have written back a register-held count then (docs/wasm-aot.md "fuel").
    if (fuel && (r || r.error().message == wasm::trap_text::kFuelExhausted))
      line += fmt::format(", fuel left {}", *fuel);
    if (fuel)
      obs.fuel_used.push_back(before - *fuel);
    obs.lines.push_back(std::move(line));
    ++position;
  }
  dump_state(*engine, inst, obs);
  return obs;
}

std::optional<std::string> first_difference(const Observation &interp, const Observation &aot) {
  const size_t n = std::max(interp.lines.size(), aot.lines.size());
  for (size_t i = 0; i < n; ++i) {
    const std::string a = i < interp.lines.size() ? interp.lines[i] : "(nothing)";
    const std::string b = i < aot.lines.size() ? aot.lines[i] : "(nothing)";
    if (a == b)
      continue;
    std::string where;
    for (size_t m = 0; m < interp.memories.size() && m < aot.memories.size(); ++m) {
      const auto &x = interp.memories[m], &y = aot.memories[m];
      const auto d = std::mismatch(x.begin(), x.end(), y.begin(), y.end());
      if (d.first != x.end() && d.second != y.end())
        where = fmt::format(" (memory {} first differs at {:#x}: {:#04x} vs {:#04x})", m,
                            d.first - x.begin(), *d.first, *d.second);
    }
    return fmt::format("interp {} / aot {}{}", a, b, where);
  }
  return std::nullopt;
}

Result<std::optional<std::string>> compare_tiers(std::span<const uint8_t> bytes) {
  const Observation interp = ISOBOX_TRY(observe(wasm::Tier::Interp, bytes));
  const Observation aot = ISOBOX_TRY(observe(wasm::Tier::Aot, bytes));
  return first_difference(interp, aot);
}

} // namespace isobox::diff
