// The operator table from opcodes.def and ISOBOX_INTERNAL_OPS, and the code disassembler.
#include "wasm/interp/op_table.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "wasm/validator/validator.hpp"

namespace isobox::wasm {
namespace {

/// Layout of a simple wasm operator, from its table row: loads "dsm", stores "ssm", unary "ds",
/// binary "dss"; the rows the validator handles by hand are never emitted as themselves.
IOpInfo simple_info(std::string_view name, ImmKind imm, SigType r, SigType p2) {
  if (r == SigType::X)
    return IOpInfo{name, "", false};
  const bool memory = imm >= ImmKind::Mem8 && imm <= ImmKind::Mem64;
  if (memory)
    return IOpInfo{name, r == SigType::_ ? "ssm" : "dsm", true};
  return IOpInfo{name, p2 == SigType::_ ? "ds" : "dss", true};
}

const std::array<IOpInfo, kIOpCount> &table() {
  static const std::array<IOpInfo, kIOpCount> rows = [] {
    std::array<IOpInfo, kIOpCount> t{};
    size_t i = 0;
#define OP(prefix, code, name, ident, imm, r, p1, p2)                                              \
  t[i++] = simple_info(name, ImmKind::imm, SigType::r, SigType::p2);
#include "wasm/opcodes/opcodes.def"
#define ISOBOX_IOP_ROW(name, layout) t[i++] = IOpInfo{#name, layout, true};
    ISOBOX_INTERNAL_OPS(ISOBOX_IOP_ROW)
#undef ISOBOX_IOP_ROW
    return t;
  }();
  return rows;
}

/// Handler offset -> operator, for the operators that are emitted (sorted by offset).
const std::vector<std::pair<int32_t, IOp>> &by_offset() {
  static const std::vector<std::pair<int32_t, IOp>> index = [] {
    std::vector<std::pair<int32_t, IOp>> v;
    const int32_t *offsets = handler_offsets();
    for (unsigned i = 0; i < kIOpCount; ++i)
      if (table()[i].emitted)
        v.emplace_back(offsets[i], static_cast<IOp>(i));
    std::ranges::sort(v);
    return v;
  }();
  return index;
}

std::optional<IOp> op_at(uint32_t word) {
  const auto &v = by_offset();
  const auto key = static_cast<int32_t>(word);
  auto it = std::ranges::lower_bound(v, key, {}, &std::pair<int32_t, IOp>::first);
  if (it == v.end() || it->first != key)
    return std::nullopt;
  return it->second;
}

/// Text of one operand unit (`kind` from the layout); 64-bit halves print as one value.
std::string operand_text(char kind, std::span<const uint32_t> ops, size_t k,
                         const ValidatedModule &module, const InterpCode &code) {
  const uint32_t u = ops[k];
  switch (kind) {
  case 'd':
  case 's': return fmt::format("s{}", u);
  case 'o':
  case 't': return fmt::format("@{:+}", static_cast<int32_t>(u));
  case 'l': return fmt::format("{:#x}", u | (uint64_t{ops[k + 1]} << 32));
  case 'c': {
    const auto *callee = reinterpret_cast<const CompiledFunc *>(u | (uint64_t{ops[k + 1]} << 32));
    const auto first = code.funcs.data();
    if (callee >= first && callee < first + code.funcs.size())
      return fmt::format("func[{}]", module.module.imported_funcs + (callee - first));
    return "func[?]";
  }
  case 'h':
  case 'C': return {};
  case 'i': return fmt::format("{}", static_cast<int32_t>(u));
  default: return fmt::format("{}", u);
  }
}

} // namespace

const IOpInfo &iop_info(IOp op) { return table().at(static_cast<size_t>(op)); }

std::optional<size_t> iop_length(IOp op, std::span<const uint32_t> code, size_t pos) {
  const std::string_view layout = iop_info(op).layout;
  size_t len = 1 + layout.size();
  if (layout.ends_with('t')) { // br_table: "snt", n at pos + 2, then n + 1 offsets
    if (pos + 2 >= code.size())
      return std::nullopt;
    len = 3 + uint64_t{code[pos + 2]} + 1;
  }
  if (pos + len > code.size())
    return std::nullopt;
  return len;
}

Result<std::vector<CodeInstr>> decode_code(std::span<const uint32_t> code) {
  std::vector<CodeInstr> out;
  for (size_t pos = 0; pos < code.size();) {
    const auto op = op_at(code[pos]);
    if (!op)
      return make_error("code unit {}: {:#x} is no operator's handler", pos, code[pos]);
    const auto len = iop_length(*op, code, pos);
    if (!len)
      return make_error("code unit {}: {} runs past the end", pos, iop_info(*op).name);
    out.push_back(CodeInstr{pos, *op, code.subspan(pos + 1, *len - 1)});
    pos += *len;
  }
  return out;
}

Result<std::vector<std::string_view>> code_op_names(const CompiledFunc &func) {
  std::vector<std::string_view> names;
  for (const auto &in : ISOBOX_TRY(decode_code(func.code)))
    names.push_back(iop_info(in.op).name);
  return names;
}

Result<std::string> disassemble(const ValidatedModule &module, const InterpCode &code,
                                uint32_t func_index) {
  const uint32_t imported = module.module.imported_funcs;
  if (func_index < imported || func_index - imported >= code.funcs.size())
    return make_error("function {} is not defined in the module", func_index);
  const CompiledFunc &f = code.funcs[func_index - imported];
  std::string out;
  for (const auto &in : ISOBOX_TRY(decode_code(f.code))) {
    const IOpInfo &info = iop_info(in.op);
    out += fmt::format("  {:>4}: {}", in.pos, info.name);
    for (size_t k = 0; k < in.operands.size(); ++k) {
      const char kind = k < info.layout.size() ? info.layout[k] : 'o'; // br_table's offsets
      if (auto text = operand_text(kind, in.operands, k, module, code); !text.empty())
        out += " " + text;
    }
    out += "\n";
  }
  return out;
}

} // namespace isobox::wasm
