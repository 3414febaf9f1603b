// One generated function body: typed expression trees and statements over the module's shape
// (types, helpers, globals, memory, table, data), built so that the result validates and halts.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "diff/choices.hpp"
#include "wasm/runtime/value.hpp"

namespace isobox::diff {

/// What a generated module holds; every function body is generated against it.
struct ModuleShape {
  std::vector<wasm::FuncType> types;  ///< the type section
  std::vector<uint32_t> func_types;   ///< type index of each function, helpers first
  uint32_t helpers = 0;               ///< functions [0, helpers) are helpers, the rest exports
  std::vector<wasm::ValType> globals; ///< all mutable
  uint32_t table_min = 0;             ///< funcref table 0 of this size (max table_max)
  uint32_t table_max = 0;
  uint32_t elem_offset = 0;  ///< helper f is in slot elem_offset + f
  uint32_t multi_type = 0;   ///< (i32, i64) -> (i64, i32): a helper type with 2 results
  uint32_t loop_type = 0;    ///< [i32] -> [i32]: a loop whose counter is its parameter
  uint32_t pair_type = 0;    ///< [i32 i32] -> [i32]: a block taking two operands
  uint32_t passive_elem = 1; ///< a passive element segment of the helpers (table.init)
  uint32_t passive_data = 1; ///< index of the passive data segment
  uint32_t passive_data_size = 0;
};

/// Generates the body of function `func` of `shape`. Termination: loops count down local
/// counters; helpers call only lower-indexed helpers and never call_indirect; exports call
/// helpers only (the table holds helpers only). NaN determinism: a float whose NaN bits the spec
/// leaves open (an arithmetic result) is canonicalised before its bits can be observed (stored,
/// returned, put in a global, reinterpreted), so comparisons may be bit-exact.
class FuncGen {
public:
  FuncGen(Choices &rng, const ModuleShape &shape, uint32_t func);
  /// The code section entry (size, locals, instructions).
  std::vector<uint8_t> body();

private:
  enum class Role : uint8_t { Plain, Counter, Scratch };
  struct Local {
    wasm::ValType type;
    bool exact; ///< holds only floats with spec-determined bits
    Role role;
  };

  // Helpers: encoding and choices.
  int pick(int lo, int hi);
  void op(uint8_t b) { m_code.push_back(b); }
  void u(uint64_t v);
  void s(int64_t v);
  void op_fc(uint32_t sub);
  void i32c(int64_t v);
  void const_of(wasm::ValType t);
  uint32_t local_of(wasm::ValType t, bool for_write, bool exact_value);
  void canonicalize(wasm::ValType t);
  bool is_export() const { return m_func >= m_shape.helpers; }

  // Statements and control (func_gen.cpp).
  void statement(int d);
  void set_local(int d);
  void loop(int d);
  void if_statement(int d);
  void br_table_statement(int d);
  void guarded(int d);
  void bulk(int d);
  void table_statement(int d);
  void multi_call(int d);
  uint32_t table();
  void table_bulk(int d);
  void results(const wasm::FuncType &type, int d);
  void value(wasm::ValType t, int d, bool need_exact);

  // Expressions (func_gen_exprs.cpp). Each returns whether the value is exact (see Local).
  bool expr(wasm::ValType t, int d);
  bool leaf(wasm::ValType t);
  bool common(wasm::ValType t, int d);
  bool control_expr(wasm::ValType t, int d);
  void param_block(int d);
  bool call(wasm::ValType t, int d);
  bool call_indirect(wasm::ValType t, int d);
  void table_index(int d);
  void ref_expr(int d);
  void address(int d);
  void memarg(uint32_t natural_align);
  bool load(wasm::ValType t, int d);
  void store(int d);
  void int_binop(wasm::ValType t, int d);
  bool expr_i32(int d);
  bool expr_i64(int d);
  bool expr_float(wasm::ValType t, int d);

  Choices &m_rng;
  const ModuleShape &m_shape;
  uint32_t m_func;
  std::vector<Local> m_locals;
  uint32_t m_loop_depth = 0, m_max_loops = 0, m_max_count = 0;
  std::vector<uint8_t> m_code;
};

} // namespace isobox::diff
