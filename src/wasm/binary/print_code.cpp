// Function body printer: decodes with InstrReader and prints names/immediates from opcodes.def.
#include "wasm/binary/print_code.hpp"

#include <fmt/format.h>

#include "wasm/binary/instr.hpp"

namespace isobox::wasm {

std::string_view to_string(ValType t) {
  switch (t) {
  case ValType::I32: return "i32";
  case ValType::I64: return "i64";
  case ValType::F32: return "f32";
  case ValType::F64: return "f64";
  case ValType::V128: return "v128";
  case ValType::FuncRef: return "funcref";
  case ValType::ExternRef: return "externref";
  }
  return "?";
}

static std::string immediates(const Instr &in) {
  switch (opcode_info(in.op).imm) {
  case ImmKind::None:
  case ImmKind::MemIdx:
  case ImmKind::MemCopy: return "";
  case ImmKind::Block:
    if (in.block.kind == BlockType::Kind::Value)
      return fmt::format(" (result {})", to_string(in.block.value));
    if (in.block.kind == BlockType::Kind::Index)
      return fmt::format(" (type {})", in.block.index);
    return "";
  case ImmKind::LabelTable: {
    std::string s;
    for (uint32_t l : in.labels)
      s += fmt::format(" {}", l);
    return s + fmt::format(" {}", in.a);
  }
  case ImmKind::CallIndirect: return fmt::format(" {} (type {})", in.b, in.a);
  case ImmKind::TableCopy:
  case ImmKind::TableInit: return fmt::format(" {} {}", in.a, in.b);
  case ImmKind::SelectT: return fmt::format(" (result {})", to_string(in.type));
  case ImmKind::Mem8:
  case ImmKind::Mem16:
  case ImmKind::Mem32:
  case ImmKind::Mem64: return fmt::format(" offset={} align={}", in.c, uint64_t{1} << (in.a & 63));
  case ImmKind::I32: return fmt::format(" {}", static_cast<int32_t>(in.c));
  case ImmKind::I64: return fmt::format(" {}", static_cast<int64_t>(in.c));
  case ImmKind::F32:
  case ImmKind::F64: return fmt::format(" 0x{:x}", in.c);
  case ImmKind::RefType: return in.type == ValType::FuncRef ? " func" : " extern";
  default: return fmt::format(" {}", in.a);
  }
}

static constexpr int kMaxIndent = 16;

Result<std::string> print_code(const Module &module, uint32_t func_index) {
  if (func_index < module.imported_funcs)
    return make_error("function {} is imported", func_index);
  const uint32_t i = func_index - module.imported_funcs;
  if (i >= module.bodies.size())
    return make_error("function {} out of range", func_index);
  const FuncBody &body = module.bodies[i];
  std::string out;
  for (auto [count, type] : body.locals)
    out += fmt::format("  (local {} x {})\n", to_string(type), count);
  Reader r(body.code);
  InstrReader ir(r);
  int depth = 1;
  while (!r.at_end()) {
    Instr in = ISOBOX_TRY(ir.next());
    if (in.op == Opcode::End || in.op == Opcode::Else)
      --depth;
    std::string_view name = opcode_info(in.op).name;
    if (in.op == Opcode::SelectT)
      name = "select";
    // Indentation grows to kMaxIndent levels; deeper lines carry their depth instead, so the
    // listing stays linear in the body's size (it was quadratic in the nesting depth).
    if (depth <= kMaxIndent)
      out += fmt::format("{:{}}{}{}\n", "", 2 * std::max(depth, 0), name, immediates(in));
    else
      out += fmt::format("[{}] {}{}\n", depth, name, immediates(in));
    if (in.op == Opcode::Block || in.op == Opcode::Loop || in.op == Opcode::If ||
        in.op == Opcode::Else)
      ++depth;
  }
  return out;
}

} // namespace isobox::wasm
