// FuncValidator, memory and table operators (spec 3.3.6, 3.3.7): loads and stores, bulk memory,
// table access and bulk table operations, each handed to the emitter once checked.
#include "wasm/validator/func_validator.hpp"

namespace isobox::wasm::validation {

Result<void> FuncValidator::op_memory(const Instr &in) {
  if (in.op == Opcode::MemoryInit)
    ISOBOX_CHECK(check_memory());
  if (in.op == Opcode::DataDrop || in.op == Opcode::MemoryInit) {
    const size_t count = m_module.data_count ? *m_module.data_count : m_module.datas.size();
    if (in.a >= count)
      return make_error("unknown data segment {}", in.a);
    if (in.op == Opcode::DataDrop) {
      emit_memory(in, {});
      return {};
    }
  }
  ISOBOX_CHECK(check_memory());
  switch (in.op) {
  case Opcode::MemorySize:
    push(ValType::I32);
    emit_memory(in, {});
    return {};
  case Opcode::MemoryGrow: {
    Operand n = ISOBOX_TRY(pop(ValType::I32));
    push(ValType::I32);
    emit_memory(in, {n});
    return {};
  }
  case Opcode::MemoryInit:
  case Opcode::MemoryCopy:
  case Opcode::MemoryFill: {
    Operand n = ISOBOX_TRY(pop(ValType::I32));
    Operand b = ISOBOX_TRY(pop(ValType::I32));
    Operand a = ISOBOX_TRY(pop(ValType::I32));
    emit_memory(in, {a, b, n});
    return {};
  }
  default: return op_load_store(in);
  }
}

/// Loads (address -> value) and stores (address, value), after the alignment check.
Result<void> FuncValidator::op_load_store(const Instr &in) {
  const OpcodeInfo &info = opcode_info(in.op);
  if (in.a >= 32 || (1u << in.a) > (1u << natural_align_log2(info.imm)))
    return make_error("alignment must not be larger than natural");
  if (info.result != SigType::_) {
    Operand addr = ISOBOX_TRY(pop(ValType::I32));
    push(sig_type(info.result));
    emit_memory(in, {addr});
    return {};
  }
  Operand v = ISOBOX_TRY(pop(sig_type(info.param2)));
  Operand addr = ISOBOX_TRY(pop(ValType::I32));
  emit_memory(in, {addr, v});
  return {};
}

/// elem.drop, table.init and table.copy.
Result<void> FuncValidator::op_table_bulk(const Instr &in) {
  if (in.op == Opcode::TableInit)
    ISOBOX_CHECK(check_table(in.b));
  if (in.a >= m_module.elems.size() && in.op != Opcode::TableCopy)
    return make_error("unknown elem segment {}", in.a);
  if (in.op == Opcode::ElemDrop) {
    emit_table(in, {});
    return {};
  }
  const uint32_t dst_table = in.op == Opcode::TableInit ? in.b : in.a;
  ISOBOX_CHECK(check_table(dst_table));
  ValType src_type;
  if (in.op == Opcode::TableInit) {
    src_type = m_module.elems[in.a].type;
  } else {
    ISOBOX_CHECK(check_table(in.b));
    src_type = m_ctx.vm.tables[in.b].elem;
  }
  if (src_type != m_ctx.vm.tables[dst_table].elem)
    return type_mismatch();
  Operand n = ISOBOX_TRY(pop(ValType::I32));
  Operand s = ISOBOX_TRY(pop(ValType::I32));
  Operand d = ISOBOX_TRY(pop(ValType::I32));
  emit_table(in, {d, s, n});
  return {};
}

Result<void> FuncValidator::op_table(const Instr &in) {
  if (in.op == Opcode::ElemDrop || in.op == Opcode::TableInit || in.op == Opcode::TableCopy)
    return op_table_bulk(in);
  ISOBOX_CHECK(check_table(in.a));
  const ValType et = m_ctx.vm.tables[in.a].elem;
  switch (in.op) {
  case Opcode::TableGet: {
    Operand i = ISOBOX_TRY(pop(ValType::I32));
    push(et);
    emit_table(in, {i});
    return {};
  }
  case Opcode::TableSet: {
    Operand v = ISOBOX_TRY(pop(et));
    Operand i = ISOBOX_TRY(pop(ValType::I32));
    emit_table(in, {i, v});
    return {};
  }
  case Opcode::TableSize:
    push(ValType::I32);
    emit_table(in, {});
    return {};
  case Opcode::TableGrow: {
    Operand n = ISOBOX_TRY(pop(ValType::I32));
    Operand v = ISOBOX_TRY(pop(et));
    push(ValType::I32);
    emit_table(in, {v, n});
    return {};
  }
  case Opcode::TableFill: {
    Operand n = ISOBOX_TRY(pop(ValType::I32));
    Operand v = ISOBOX_TRY(pop(et));
    Operand i = ISOBOX_TRY(pop(ValType::I32));
    emit_table(in, {i, v, n});
    return {};
  }
  default: return make_error("illegal opcode");
  }
}

} // namespace isobox::wasm::validation
