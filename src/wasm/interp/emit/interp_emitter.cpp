// InterpEmitter: function frames, locals, fuel counts and the value operators (numeric with the
// `x + const` immediate forms, constants, globals, references). Control flow is in
// emit_control.cpp, memory and table operators in emit_memory.cpp.
#include "wasm/interp/emit/interp_emitter.hpp"

#include <cstring>

namespace isobox::wasm::interp {

std::shared_ptr<const InterpCode> InterpEmitter::take() {
  auto code = std::make_shared<InterpCode>();
  code->funcs = std::move(m_funcs);
  m_funcs.clear();
  // Direct calls carry the callee's code address: final now that every function is compiled.
  for (CompiledFunc &f : code->funcs)
    for (uint32_t pos : f.local_calls) {
      const CompiledFunc *callee = &code->funcs[f.code[pos + 2]];
      std::memcpy(&f.code[pos + 2], &callee, sizeof callee);
    }
  return code;
}

void InterpEmitter::begin_function(FuncState &state) {
  m_s = &state;
  m_out = CompiledFunc{};
  m_out.type_index = state.type_index;
  m_out.num_params = static_cast<uint32_t>(state.type.params.size());
  m_out.num_results = static_cast<uint32_t>(state.type.results.size());
  m_out.num_locals = static_cast<uint32_t>(state.body.local_count);
  m_fss = state.slot_base;
  m_labels.assign(1, Label{});
  m_fuel.assign(1, FuelSpan{});
  m_last_pos = m_prev_pos = m_barrier = 0;
  m_last_op = m_prev_op = IOp::Count_;
  m_last_dst_word = -1;
  m_first_skippable = SIZE_MAX;
}

Result<void> InterpEmitter::end_function() {
  m_out.frame_size = std::max(m_fss + m_s->max_height, m_out.num_results) + 1;
  m_out.fuel_cost = m_s->instr_count - m_fuel.front().nested;
  finish_locals();
  m_funcs.push_back(std::move(m_out));
  return {};
}

/// Only the span of locals read before a dominating write is zeroed on entry; reference-typed
/// ones among them get null (spec 4.4.10, default values), not the zero the frame entry
/// writes, from a `ref.null` prologue. Leaves the scratch clean for the next function.
void InterpEmitter::finish_locals() {
  std::vector<uint32_t> prologue;
  const auto handler = static_cast<uint32_t>(m_handlers[static_cast<unsigned>(IOp::Const64)]);
  uint32_t lo = UINT32_MAX, hi = 0;
  CompileScratch &scratch = m_s->scratch;
  for (uint32_t i : scratch.used) {
    if (scratch.local_use[i] == kReadFirst) {
      lo = std::min(lo, i);
      hi = std::max(hi, i + 1);
      if (is_ref(m_s->local_type(i)))
        prologue.insert(prologue.end(), {handler, i, 0xffffffffu, 0xffffffffu});
    }
    scratch.local_use[i] = kUnseen;
  }
  scratch.used.clear();
  m_out.zero_begin = lo == UINT32_MAX ? m_out.num_params : lo;
  m_out.zero_count = lo == UINT32_MAX ? 0 : hi - lo;
  if (prologue.empty())
    return;
  m_out.code.insert(m_out.code.begin(), prologue.begin(), prologue.end());
  for (uint32_t &pos : m_out.local_calls)
    pos += static_cast<uint32_t>(prologue.size());
}

void InterpEmitter::unreachable() { emit(IOp::UnreachableOp, {}); }

void InterpEmitter::local_set(uint32_t idx, const Operand &v) {
  note_local_write(idx);
  if (!live())
    return;
  materialize_local(idx);
  const size_t pos = m_s->stack.size();
  if (m_last_dst_word >= 0 && v.slot == canon(pos) &&
      m_out.code[static_cast<size_t>(m_last_dst_word)] == v.slot) {
    m_out.code[static_cast<size_t>(m_last_dst_word)] = idx;
    m_last_dst_word = -1;
  } else {
    copy(idx, v.slot);
  }
}

void InterpEmitter::value_op(const Instr &in, std::span<const Operand> args) {
  const uint32_t dst = this->dst();
  switch (in.op) {
  case Opcode::Select:
  case Opcode::SelectT:
    emit_dst(IOp::SelectOp, {dst, args[0].slot, args[1].slot, args[2].slot});
    return;
  case Opcode::GlobalGet: emit_dst(IOp::GlobalGetOp, {dst, in.a}); return;
  case Opcode::GlobalSet: emit(IOp::GlobalSetOp, {in.a, args[0].slot}); return;
  case Opcode::RefNull: emit_dst(IOp::Const64, {dst, 0xffffffffu, 0xffffffffu}); return;
  case Opcode::RefIsNull: emit_dst(IOp::RefIsNullOp, {dst, args[0].slot}); return;
  case Opcode::RefFunc: emit_dst(IOp::RefFuncOp, {dst, in.a}); return;
  case Opcode::I32Const:
  case Opcode::F32Const: emit_dst(IOp::Const32, {dst, static_cast<uint32_t>(in.c)}); return;
  default: // I64Const, F64Const
    emit_dst(IOp::Const64, {dst, static_cast<uint32_t>(in.c), static_cast<uint32_t>(in.c >> 32)});
    return;
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

/// Numeric operators: `x + const` becomes I32AddImm, two loads and an f32/f64 op one operator.
void InterpEmitter::numeric_op(const Instr &in, std::span<const Operand> args) {
  const uint32_t dst = this->dst();
  const Operand &a = args[0];
  if (args.size() == 1) {
    emit_dst(to_iop(in.op), {dst, a.slot});
    return;
  }
  const Operand &b = args[1];
  if (try_fuse_loads(in.op, a, b, dst))
    return;
  const bool const_b = m_last_op == IOp::Const32 && m_last_dst_word == m_last_pos + 1 &&
                       here() == m_last_pos + 3 && m_out.code[m_last_pos + 1] == b.slot &&
                       b.slot >= m_fss;
  if (const_b) {
    if (auto imm_op = imm_variant(in.op)) {
      uint32_t c = m_out.code[m_last_pos + 2];
      rewind(m_last_pos);
      if (in.op == Opcode::I32Sub)
        c = 0u - c;
      emit_dst(*imm_op, {dst, a.slot, c});
      return;
    }
  }
  emit_dst(to_iop(in.op), {dst, a.slot, b.slot});
}

} // namespace isobox::wasm::interp
