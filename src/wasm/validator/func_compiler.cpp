// Function body validation (spec 3.3, algorithm of the spec appendix) fused with compilation to
// register-style internal code: every operand-stack position has a fixed frame slot, local.get
// is an alias (no copy), results are retargeted into locals, compares fuse into branches.
// Control flow is in func_control.cpp, memory and table operators in func_memory.cpp.
#include "wasm/validator/func_compiler_impl.hpp"

namespace isobox::wasm::compiler {

/// Sizes the scratch buffers for this function's locals (they only grow, and come back clean).
void FuncCompiler::prepare_locals() {
  uint32_t n = static_cast<uint32_t>(m_type->params.size());
  for (auto [count, type] : m_body.locals) {
    n += count;
    m_local_ends.push_back(n);
  }
  m_fss = n;
  if (m_scratch.local_use.size() < n) {
    m_scratch.local_use.resize(n, kUnseen);
    m_scratch.alias_at.resize(n);
  }
}

Result<CompiledFunc> FuncCompiler::run() {
  prepare_locals();
  m_out.num_params = static_cast<uint32_t>(m_type->params.size());
  m_out.num_results = static_cast<uint32_t>(m_type->results.size());
  m_out.num_locals = static_cast<uint32_t>(m_body.local_count);
  static const std::vector<ValType> kNone;
  m_ctrl.push_back(Ctrl{Opcode::Block, &kNone, &m_type->results, 0});
  Reader r(m_body.code, m_body.code_offset);
  InstrReader ir(r);
  for (uint32_t n = 0; !m_ctrl.empty(); ++n) {
    if (r.at_end())
      return make_error("unexpected end");
    if (n % kInterruptStride == 0 && m_scratch.interrupt &&
        m_scratch.interrupt->load(std::memory_order_relaxed))
      return make_error("interrupted");
    Instr in = ISOBOX_TRY(ir.next());
    ISOBOX_CHECK(instr(in));
    if (m_scratch.work > m_scratch.work_budget)
      return make_error("module too complex: operand moves above {} per code byte "
                        "(implementation limit)",
                        limits::kWorkPerCodeByte);
  }
  m_out.frame_size = std::max(m_fss + m_max_height, m_out.num_results) + 1;
  m_out.fuel_cost = m_fuel.front();
  finish_locals();
  return std::move(m_out);
}

/// Only the span of locals read before a dominating write is zeroed on entry; reference-typed
/// ones among them get null (spec 4.4.10, default values), not the zero the frame entry
/// writes, from a `ref.null` prologue. Leaves the scratch clean for the next function.
void FuncCompiler::finish_locals() {
  std::vector<uint32_t> prologue;
  const auto handler = static_cast<uint32_t>(m_handlers[static_cast<unsigned>(IOp::Const64)]);
  uint32_t lo = UINT32_MAX, hi = 0;
  for (uint32_t i : m_scratch.used) {
    if (m_scratch.local_use[i] == kReadFirst) {
      lo = std::min(lo, i);
      hi = std::max(hi, i + 1);
      if (is_ref(local_type(i)))
        prologue.insert(prologue.end(), {handler, i, 0xffffffffu, 0xffffffffu});
    }
    m_scratch.local_use[i] = kUnseen;
  }
  m_scratch.used.clear();
  for (uint32_t local : m_scratch.aliased)
    m_scratch.alias_at[local].clear();
  m_scratch.aliased.clear();
  m_out.zero_begin = lo == UINT32_MAX ? m_out.num_params : lo;
  m_out.zero_count = lo == UINT32_MAX ? 0 : hi - lo;
  if (prologue.empty())
    return;
  m_out.code.insert(m_out.code.begin(), prologue.begin(), prologue.end());
  for (uint32_t &pos : m_out.local_calls)
    pos += static_cast<uint32_t>(prologue.size());
}

Result<std::pair<const std::vector<ValType> *, const std::vector<ValType> *>>
FuncCompiler::block_type(const BlockType &bt) {
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

Result<void> FuncCompiler::op_local_set(uint32_t idx, bool tee) {
  if (idx >= m_fss)
    return make_error("unknown local");
  const ValType type = local_type(idx);
  Operand v = ISOBOX_TRY(pop(type));
  note_local_write(idx);
  if (live()) {
    materialize_local(idx);
    const size_t pos = m_stack.size();
    if (m_last_dst_word >= 0 && v.slot == canon(pos) &&
        m_out.code[static_cast<size_t>(m_last_dst_word)] == v.slot) {
      m_out.code[static_cast<size_t>(m_last_dst_word)] = idx;
      m_last_dst_word = -1;
    } else {
      copy(idx, v.slot);
    }
  }
  if (tee)
    push_operand({type, idx});
  return {};
}

Result<void> FuncCompiler::instr(const Instr &in) {
  // Structure (block, loop, else, end) and nop cost no fuel; every other instruction costs 1.
  if (in.op != Opcode::Block && in.op != Opcode::Loop && in.op != Opcode::Else &&
      in.op != Opcode::End && in.op != Opcode::Nop)
    ++m_fuel.back();
  switch (in.op) {
  case Opcode::Unreachable:
    if (live())
      emit(IOp::UnreachableOp, {});
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
  case Opcode::Return: return op_br(static_cast<uint32_t>(m_ctrl.size() - 1));
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
  case Opcode::Drop: ISOBOX_TRY(pop()); return {};
  case Opcode::Select:
  case Opcode::SelectT: {
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
    if (live())
      emit_dst(IOp::SelectOp, {m_stack.back().slot, a.slot, b.slot, c.slot});
    return {};
  }
  case Opcode::LocalGet:
    if (in.a >= m_fss)
      return make_error("unknown local");
    push_operand({local_type(in.a), in.a});
    note_local_read(in.a);
    return {};
  case Opcode::LocalSet:
  case Opcode::LocalTee: return op_local_set(in.a, in.op == Opcode::LocalTee);
  case Opcode::GlobalGet:
    if (in.a >= m_ctx.vm.globals.size())
      return make_error("unknown global {}", in.a);
    push(m_ctx.vm.globals[in.a].type);
    if (live())
      emit_dst(IOp::GlobalGetOp, {m_stack.back().slot, in.a});
    return {};
  case Opcode::GlobalSet: {
    if (in.a >= m_ctx.vm.globals.size())
      return make_error("unknown global {}", in.a);
    if (!m_ctx.vm.globals[in.a].is_mutable)
      return make_error("global is immutable");
    Operand v = ISOBOX_TRY(pop(m_ctx.vm.globals[in.a].type));
    if (live())
      emit(IOp::GlobalSetOp, {in.a, v.slot});
    return {};
  }
  case Opcode::RefNull:
    push(in.type);
    if (live())
      emit_dst(IOp::Const64, {m_stack.back().slot, 0xffffffffu, 0xffffffffu});
    return {};
  case Opcode::RefIsNull: {
    Operand v = ISOBOX_TRY(pop());
    if (v.type != kUnknown && !is_ref(v.type))
      return type_mismatch();
    push(ValType::I32);
    if (live())
      emit_dst(IOp::RefIsNullOp, {m_stack.back().slot, v.slot});
    return {};
  }
  case Opcode::RefFunc:
    if (in.a >= m_ctx.vm.func_types.size())
      return make_error("unknown function {}", in.a);
    if (!m_ctx.declared_refs.contains(in.a))
      return make_error("undeclared function reference");
    push(ValType::FuncRef);
    if (live())
      emit_dst(IOp::RefFuncOp, {m_stack.back().slot, in.a});
    return {};
  case Opcode::I32Const:
  case Opcode::F32Const:
    push(in.op == Opcode::I32Const ? ValType::I32 : ValType::F32);
    if (live())
      emit_dst(IOp::Const32, {m_stack.back().slot, static_cast<uint32_t>(in.c)});
    return {};
  case Opcode::I64Const:
  case Opcode::F64Const:
    push(in.op == Opcode::I64Const ? ValType::I64 : ValType::F64);
    if (live())
      emit_dst(IOp::Const64, {m_stack.back().slot, static_cast<uint32_t>(in.c),
                              static_cast<uint32_t>(in.c >> 32)});
    return {};
  default: break;
  }
  const OpcodeInfo &info = opcode_info(in.op);
  switch (info.imm) {
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

/// The internal operator taking an immediate second operand, for i32 operators that have one.
static std::optional<IOp> imm_variant(Opcode op) {
  switch (op) {
  case Opcode::I32Add:
  case Opcode::I32Sub: return IOp::I32AddImm;
  case Opcode::I32Mul: return IOp::I32MulImm;
  case Opcode::I32And: return IOp::I32AndImm;
  case Opcode::I32Or: return IOp::I32OrImm;
  case Opcode::I32Xor: return IOp::I32XorImm;
  case Opcode::I32Shl: return IOp::I32ShlImm;
  case Opcode::I32ShrS: return IOp::I32ShrSImm;
  case Opcode::I32ShrU: return IOp::I32ShrUImm;
  default:
    if (op >= Opcode::I32Eq && op <= Opcode::I32GeU)
      return static_cast<IOp>(static_cast<unsigned>(IOp::I32EqImm) +
                              (static_cast<unsigned>(op) - static_cast<unsigned>(Opcode::I32Eq)));
    return std::nullopt;
  }
}

/// Numeric operators: types from opcodes.def; `x + const` becomes I32AddImm.
Result<void> FuncCompiler::op_simple(const Instr &in) {
  const OpcodeInfo &info = opcode_info(in.op);
  if (info.result == SigType::X)
    return make_error("illegal opcode");
  std::optional<Operand> b;
  if (info.param2 != SigType::_)
    b = ISOBOX_TRY(pop(sig_type(info.param2)));
  Operand a = ISOBOX_TRY(pop(sig_type(info.param1)));
  const bool const_b = b && m_last_op == IOp::Const32 && m_last_dst_word == m_last_pos + 1 &&
                       here() == m_last_pos + 3 && m_out.code[m_last_pos + 1] == b->slot &&
                       b->slot >= m_fss;
  push(sig_type(info.result));
  if (!live())
    return {};
  const uint32_t dst = m_stack.back().slot;
  if (b && try_fuse_loads(in.op, a, *b, dst))
    return {};
  if (const_b) {
    if (auto imm_op = imm_variant(in.op)) {
      uint32_t c = m_out.code[m_last_pos + 2];
      rewind(m_last_pos);
      if (in.op == Opcode::I32Sub)
        c = 0u - c;
      emit_dst(*imm_op, {dst, a.slot, c});
      return {};
    }
  }
  if (b)
    emit_dst(to_iop(in.op), {dst, a.slot, b->slot});
  else
    emit_dst(to_iop(in.op), {dst, a.slot});
  return {};
}

} // namespace isobox::wasm::compiler

namespace isobox::wasm {

Result<CompiledFunc> compile_function(const ValidationContext &ctx, uint32_t index) {
  return compiler::FuncCompiler(ctx, index).run();
}

} // namespace isobox::wasm
