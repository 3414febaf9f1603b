// The generator emits the binary format directly (spec 5), type-directed so the result validates;
// function bodies come from FuncGen (func_gen.cpp).
#include "diff/module_gen.hpp"

#include <algorithm>
#include <random>

#include <fmt/format.h>

#include "diff/func_gen.hpp"
#include "diff/wasm_bytes.hpp"

namespace isobox::diff {
namespace {

using wasm::FuncType;
using wasm::ValType;

constexpr ValType kNumbers[] = {ValType::I32, ValType::I64, ValType::F32, ValType::F64};
constexpr uint32_t kHelpers = 4;

/// Types 0-3: () -> i32 / i64 / f32 / f64 (the exports); then the helpers' signatures.
std::vector<FuncType> module_types() {
  std::vector<FuncType> types;
  for (ValType t : kNumbers)
    types.push_back({{}, {t}});
  types.push_back({{ValType::I32, ValType::I64, ValType::F32, ValType::F64}, {ValType::I32}});
  types.push_back({{ValType::I32, ValType::I32}, {ValType::I64}});
  types.push_back({{ValType::F64, ValType::I32}, {ValType::F64}});
  types.push_back({{ValType::F32}, {ValType::F32}});
  types.push_back({{ValType::I32, ValType::I64}, {ValType::I64, ValType::I32}}); // 8: multi_type
  types.push_back({{ValType::I32}, {ValType::I32}});                             // 9: loop_type
  types.push_back({{ValType::I32, ValType::I32}, {ValType::I32}});               // 10: pair_type
  return types;
}

std::vector<uint8_t> type_section(const std::vector<FuncType> &types) {
  std::vector<uint8_t> out;
  uleb(out, types.size());
  for (const FuncType &t : types) {
    out.push_back(0x60);
    uleb(out, t.params.size());
    for (ValType p : t.params)
      out.push_back(static_cast<uint8_t>(p));
    uleb(out, t.results.size());
    for (ValType r : t.results)
      out.push_back(static_cast<uint8_t>(r));
  }
  return out;
}

/// Mutable globals, one of each number type plus a second i32, with constant initial values.
std::vector<uint8_t> global_section(Choices &rng, const ModuleShape &shape) {
  std::vector<uint8_t> out;
  uleb(out, shape.globals.size());
  for (ValType t : shape.globals) {
    out.push_back(static_cast<uint8_t>(t)), out.push_back(0x01);
    const uint64_t v = rng() % 4 == 0 ? rng() : rng() % 64;
    switch (t) {
    case ValType::I32: out.push_back(0x41), sleb(out, static_cast<int32_t>(v)); break;
    case ValType::I64: out.push_back(0x42), sleb(out, static_cast<int64_t>(v)); break;
    case ValType::F32: out.push_back(0x43), fixed(out, v, 4); break;
    default: out.push_back(0x44), fixed(out, v, 8); break;
    }
    out.push_back(0x0b);
  }
  return out;
}

/// An active segment at 0 (64 random bytes) and a passive one for memory.init.
std::vector<uint8_t> data_section(Choices &rng, const ModuleShape &shape) {
  std::vector<uint8_t> out = {0x02, 0x00, 0x41, 0x00, 0x0b, 64};
  for (int i = 0; i < 64; ++i)
    out.push_back(static_cast<uint8_t>(rng()));
  out.push_back(0x01);
  uleb(out, shape.passive_data_size);
  for (uint32_t i = 0; i < shape.passive_data_size; ++i)
    out.push_back(static_cast<uint8_t>(rng()));
  return out;
}

/// Segment 0: the helpers in table 0 from elem_offset (the other slots are null); segment 1
/// (passive, for table.init): the helpers in a random order.
std::vector<uint8_t> elem_section(Choices &rng, const ModuleShape &shape) {
  std::vector<uint8_t> out = {0x02, 0x00, 0x41};
  sleb(out, shape.elem_offset);
  out.push_back(0x0b);
  uleb(out, kHelpers);
  for (uint32_t f = 0; f < kHelpers; ++f)
    uleb(out, f);
  std::vector<uint32_t> order = {0, 1, 2, 3};
  std::shuffle(order.begin(), order.end(), rng);
  out.insert(out.end(), {0x01, 0x00});
  uleb(out, order.size());
  for (uint32_t f : order)
    uleb(out, f);
  return out;
}

void add_export(std::vector<uint8_t> &exports, const std::string &name, uint32_t func) {
  uleb(exports, name.size());
  exports.insert(exports.end(), name.begin(), name.end());
  exports.push_back(0x00);
  uleb(exports, func);
}

/// 2-6 exports "f0".. of types 0-3 (0-1 with integer_results), after the helpers.
std::vector<uint8_t> export_section(Choices &rng, const GenOptions &options, ModuleShape &shape,
                                    GeneratedModule &gm) {
  const int exported = std::uniform_int_distribution<int>(2, 6)(rng);
  std::vector<uint8_t> exports;
  uleb(exports, static_cast<uint64_t>(exported));
  for (int i = 0; i < exported; ++i) {
    const uint32_t type = static_cast<uint32_t>(rng() % (options.integer_results ? 2 : 4));
    shape.func_types.push_back(type);
    add_export(exports, fmt::format("f{}", i), kHelpers + static_cast<uint32_t>(i));
    gm.exports.push_back({fmt::format("f{}", i), kNumbers[type]});
  }
  return exports;
}

GeneratedModule generate(Choices &rng, const GenOptions &options) {
  GeneratedModule gm;
  ModuleShape shape{
      .types = module_types(),
      .helpers = kHelpers,
      .globals = {ValType::I32, ValType::I64, ValType::F32, ValType::F64, ValType::I32},
      .table_min = 6,
      .table_max = 10,
      .passive_data = 1,
      .passive_data_size = 32};
  shape.elem_offset = static_cast<uint32_t>(rng() % 3);
  shape.multi_type = 8, shape.loop_type = 9, shape.pair_type = 10;
  for (uint32_t i = 0; i < kHelpers; ++i)
    shape.func_types.push_back(4 + static_cast<uint32_t>(rng() % 5));
  const std::vector<uint8_t> exports = export_section(rng, options, shape, gm);
  std::vector<uint8_t> funcs, code;
  uleb(funcs, shape.func_types.size());
  uleb(code, shape.func_types.size());
  for (uint32_t f = 0; f < shape.func_types.size(); ++f) {
    uleb(funcs, shape.func_types[f]);
    auto body = FuncGen(rng, shape, f).body();
    code.insert(code.end(), body.begin(), body.end());
  }
  gm.bytes = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  section(gm.bytes, 1, type_section(shape.types));
  section(gm.bytes, 3, funcs);
  // Tables: funcref min 6 max 10, funcref min 2 max 4.
  section(gm.bytes, 4, {0x02, 0x70, 0x01, 0x06, 0x0a, 0x70, 0x01, 0x02, 0x04});
  section(gm.bytes, 5, {0x01, 0x01, 0x01, 0x03}); // memory min 1 max 3 pages
  section(gm.bytes, 6, global_section(rng, shape));
  section(gm.bytes, 7, exports);
  section(gm.bytes, 9, elem_section(rng, shape));
  section(gm.bytes, 12, {0x02}); // data count: memory.init and data.drop need it
  section(gm.bytes, 10, code);
  section(gm.bytes, 11, data_section(rng, shape));
  return gm;
}

} // namespace

GeneratedModule generate_module(uint64_t seed, const GenOptions &options) {
  Choices choices(seed);
  return generate(choices, options);
}

GeneratedModule generate_module(std::span<const uint8_t> choices, const GenOptions &options) {
  Choices from_bytes(choices);
  return generate(from_bytes, options);
}

} // namespace isobox::diff
