// Function body validation (spec 3.3, algorithm of the spec appendix): the instruction loop,
// parametric, variable, reference and numeric operators. Each validated operator is handed to
// the FuncEmitter. Control flow is in func_validate_control.cpp, memory and tables in
// func_validate_memory.cpp.
#include "wasm/validator/func_validator.hpp"

namespace isobox::wasm::validation {

FuncValidator::FuncValidator(const ValidationContext &ctx, uint32_t index)
    : m_ctx(ctx), m_module(ctx.vm.module), m_e(ctx.emitter),
      m_s{ctx.vm,
          ctx.vm.module,
          index,
          ctx.vm.func_types[ctx.vm.module.imported_funcs + index],
          ctx.vm.module.types[ctx.vm.func_types[ctx.vm.module.imported_funcs + index]],
          ctx.vm.module.bodies[index],
          ctx.scratch} {}

/// Sizes the scratch buffers for this function's locals (they only grow, and come back clean).
void FuncValidator::prepare_locals() {
  uint32_t n = static_cast<uint32_t>(m_s.type.params.size());
  for (auto [count, type] : m_s.body.locals) {
    n += count;
    m_s.local_ends.push_back(n);
  }
  m_s.slot_base = n;
  if (m_s.scratch.local_use.size() < n) {
    m_s.scratch.local_use.resize(n, 0);
    m_s.scratch.alias_at.resize(n);
  }
}

void FuncValidator::clear_aliases() {
  for (uint32_t local : m_s.scratch.aliased)
    m_s.scratch.alias_at[local].clear();
  m_s.scratch.aliased.clear();
}

Result<void> FuncValidator::check_top(const std::vector<ValType> &types) const {
  const Ctrl &c = m_s.ctrl.back();
  const size_t avail = m_s.stack.size() - c.height, n = types.size();
  m_s.scratch.work += n;
  for (size_t i = 0; i < n; ++i) {
    const ValType want = types[n - 1 - i];
    if (i >= avail) {
      if (!c.unreachable)
        return type_mismatch();
      continue;
    }
    const ValType got = m_s.stack[m_s.stack.size() - 1 - i].type;
    if (got != want && got != kUnknown && want != kUnknown)
      return type_mismatch();
  }
  return {};
}

Result<void> FuncValidator::run() {
  prepare_locals();
  static const std::vector<ValType> kNone;
  m_s.ctrl.push_back(Ctrl{Opcode::Block, &kNone, &m_s.type.results, 0});
  m_e.begin_function(m_s);
  Reader r(m_s.body.code, m_s.body.code_offset);
  InstrReader ir(r);
  for (uint32_t n = 0; !m_s.ctrl.empty(); ++n) {
    if (r.at_end())
      return make_error("unexpected end");
    if (n % kInterruptStride == 0 && m_s.scratch.interrupt &&
        m_s.scratch.interrupt->load(std::memory_order_relaxed))
      return make_error("interrupted");
    Instr in = ISOBOX_TRY(ir.next());
    if (in.op != Opcode::Block && in.op != Opcode::Loop && in.op != Opcode::Else &&
        in.op != Opcode::End && in.op != Opcode::Nop)
      ++m_s.instr_count;
    ISOBOX_CHECK(instr(in));
    if (m_s.scratch.work > m_s.scratch.work_budget)
      return make_error("module too complex: operand moves above {} per code byte "
                        "(implementation limit)",
                        limits::kWorkPerCodeByte);
  }
  auto done = m_e.end_function();
  clear_aliases();
  return done;
}

Result<std::pair<const std::vector<ValType> *, const std::vector<ValType> *>>
FuncValidator::block_type(const BlockType &bt) {
  static const std::vector<ValType> kNone;
  static const std::vector<ValType> kValue[] = {
      {ValType::I32},  {ValType::I64},     {ValType::F32},      {ValType::F64},
      {ValType::V128}, {ValType::FuncRef}, {ValType::ExternRef}};
  switch (bt.kind) {
  case BlockType::Kind::Empty: return std::pair{&kNone, &kNone};
  case BlockType::Kind::Value:
    for (const auto &v : kValue)
      if (v[0] == bt.value)
        return std::pair{&kNone, &v};
    break;
  case BlockType::Kind::Index:
    if (bt.index >= m_module.types.size())
      return make_error("unknown type");
    return std::pair{&m_module.types[bt.index].params, &m_module.types[bt.index].results};
  }
  return make_error("malformed value type");
}

Result<void> FuncValidator::op_local_set(uint32_t idx, bool tee) {
  if (idx >= m_s.slot_base)
    return make_error("unknown local");
  const ValType type = local_type(idx);
  Operand v = ISOBOX_TRY(pop(type));
  m_e.local_set(idx, v);
  if (tee)
    push_operand({type, idx});
  return {};
}

Result<void> FuncValidator::instr(const Instr &in) {
  switch (in.op) {
  case Opcode::Unreachable:
    if (live())
      m_e.unreachable();
    set_unreachable();
    return {};
  case Opcode::Nop: return {};
  case Opcode::Block:
  case Opcode::Loop:
  case Opcode::If: return block_start(in);
  case Opcode::Else: return op_else();
  case Opcode::End: return op_end();
  case Opcode::Br: return op_br(in.a);
  case Opcode::BrIf: return op_br_if(in.a);
  case Opcode::BrTable: return op_br_table(in);
  case Opcode::Return: return op_br(static_cast<uint32_t>(m_s.ctrl.size() - 1));
  case Opcode::Call:
    if (in.a >= m_ctx.vm.func_types.size())
      return make_error("unknown function {}", in.a);
    return op_call(m_module.types[m_ctx.vm.func_types[in.a]], std::nullopt, in);
  case Opcode::CallIndirect: {
    ISOBOX_CHECK(check_table(in.b));
    if (m_ctx.vm.tables[in.b].elem != ValType::FuncRef)
      return type_mismatch();
    if (in.a >= m_module.types.size())
      return make_error("unknown type");
    Operand idx = ISOBOX_TRY(pop(ValType::I32));
    return op_call(m_module.types[in.a], idx, in);
  }
  case Opcode::Drop:
  case Opcode::Select:
  case Opcode::SelectT: return op_parametric(in);
  case Opcode::LocalGet:
    if (in.a >= m_s.slot_base)
      return make_error("unknown local");
    push_operand({local_type(in.a), in.a});
    m_e.local_get(in.a);
    return {};
  case Opcode::LocalSet:
  case Opcode::LocalTee: return op_local_set(in.a, in.op == Opcode::LocalTee);
  case Opcode::GlobalGet:
  case Opcode::GlobalSet:
  case Opcode::RefNull:
  case Opcode::RefIsNull:
  case Opcode::RefFunc: return op_variable(in);
  case Opcode::I32Const:
  case Opcode::F32Const:
    push(in.op == Opcode::I32Const ? ValType::I32 : ValType::F32);
    emit_value(in, {});
    return {};
  case Opcode::I64Const:
  case Opcode::F64Const:
    push(in.op == Opcode::I64Const ? ValType::I64 : ValType::F64);
    emit_value(in, {});
    return {};
  default: break;
  }
  switch (opcode_info(in.op).imm) {
  case ImmKind::Mem8:
  case ImmKind::Mem16:
  case ImmKind::Mem32:
  case ImmKind::Mem64:
  case ImmKind::MemIdx:
  case ImmKind::MemInit:
  case ImmKind::MemCopy:
  case ImmKind::Data: return op_memory(in);
  case ImmKind::Table:
  case ImmKind::TableCopy:
  case ImmKind::TableInit:
  case ImmKind::Elem: return op_table(in);
  default: return op_simple(in);
  }
}

/// drop, select and typed select (spec 3.3.4).
Result<void> FuncValidator::op_parametric(const Instr &in) {
  if (in.op == Opcode::Drop) {
    ISOBOX_TRY(pop());
    return {};
  }
  if (in.op == Opcode::SelectT && in.b != 1)
    return make_error("invalid result arity");
  Operand c = ISOBOX_TRY(pop(ValType::I32));
  ValType want = in.op == Opcode::SelectT ? in.type : kUnknown;
  Operand b = ISOBOX_TRY(pop(want));
  Operand a = ISOBOX_TRY(pop(want));
  ValType t = want;
  if (in.op == Opcode::Select) {
    if ((a.type != kUnknown && !is_num(a.type)) || (b.type != kUnknown && !is_num(b.type)))
      return type_mismatch();
    if (a.type != kUnknown && b.type != kUnknown && a.type != b.type)
      return type_mismatch();
    t = a.type == kUnknown ? b.type : a.type;
  }
  push(t);
  emit_value(in, {a, b, c});
  return {};
}

/// global.get / global.set (spec 3.3.5) and the reference operators (spec 3.3.2).
Result<void> FuncValidator::op_variable(const Instr &in) {
  switch (in.op) {
  case Opcode::GlobalGet:
    if (in.a >= m_ctx.vm.globals.size())
      return make_error("unknown global {}", in.a);
    push(m_ctx.vm.globals[in.a].type);
    emit_value(in, {});
    return {};
  case Opcode::GlobalSet: {
    if (in.a >= m_ctx.vm.globals.size())
      return make_error("unknown global {}", in.a);
    if (!m_ctx.vm.globals[in.a].is_mutable)
      return make_error("global is immutable");
    Operand v = ISOBOX_TRY(pop(m_ctx.vm.globals[in.a].type));
    emit_value(in, {v});
    return {};
  }
  case Opcode::RefNull:
    push(in.type);
    emit_value(in, {});
    return {};
  case Opcode::RefIsNull: {
    Operand v = ISOBOX_TRY(pop());
    if (v.type != kUnknown && !is_ref(v.type))
      return type_mismatch();
    push(ValType::I32);
    emit_value(in, {v});
    return {};
  }
  default: // RefFunc
    if (in.a >= m_ctx.vm.func_types.size())
      return make_error("unknown function {}", in.a);
    if (!m_ctx.vm.declared_refs.contains(in.a))
      return make_error("undeclared function reference");
    push(ValType::FuncRef);
    emit_value(in, {});
    return {};
  }
}

/// Numeric operators: operand and result types from opcodes.def.
Result<void> FuncValidator::op_simple(const Instr &in) {
  const OpcodeInfo &info = opcode_info(in.op);
  if (info.result == SigType::X)
    return make_error("illegal opcode");
  if (info.param2 != SigType::_) {
    Operand b = ISOBOX_TRY(pop(sig_type(info.param2)));
    Operand a = ISOBOX_TRY(pop(sig_type(info.param1)));
    push(sig_type(info.result));
    emit_value<&FuncEmitter::numeric_op>(in, {a, b});
    return {};
  }
  Operand a = ISOBOX_TRY(pop(sig_type(info.param1)));
  push(sig_type(info.result));
  emit_value<&FuncEmitter::numeric_op>(in, {a});
  return {};
}

} // namespace isobox::wasm::validation
