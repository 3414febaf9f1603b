// Module-level validation (spec 3.4): index spaces, limits, constant expressions, segments,
// exports, start; function bodies are checked by FuncValidator, which drives an emitter.
#include "wasm/validator/validator.hpp"

#include <set>

#include "wasm/binary/instr.hpp"
#include "wasm/binary/limits.hpp"
#include "wasm/validator/func_validator.hpp"

namespace isobox::wasm {
namespace {

class ModuleValidator {
public:
  ModuleValidator(Module module, const ValidateOptions &options)
      : m_vm(std::make_shared<ValidatedModule>()), m_options(options) {
    m_vm->module = std::move(module);
  }
  /// Everything but the function bodies.
  Result<std::shared_ptr<ValidatedModule>> declarations();

private:
  Result<void> index_spaces();
  Result<void> limits(const Limits &l, uint64_t bound, const char *too_big);
  Result<void> const_expr(const ConstExpr &e, ValType type, uint32_t visible_globals);
  Result<void> segments();
  Result<void> exports_and_start();

  std::shared_ptr<ValidatedModule> m_vm;
  ValidateOptions m_options;
};

/// Validation alone: every event ignored (final, so the validator calls it directly).
class ValidateOnly final : public NullEmitter {};

Result<void> ModuleValidator::limits(const Limits &l, uint64_t bound, const char *too_big) {
  if (l.min > bound || (l.max && *l.max > bound))
    return make_error("{}", too_big);
  if (l.max && l.min > *l.max)
    return make_error("size minimum must not be greater than maximum");
  return {};
}

Result<void> ModuleValidator::index_spaces() {
  const Module &m = m_vm->module;
  constexpr const char *kMemTooBig = "memory size must be at most 65536 pages (4GiB)";
  for (const Import &im : m.imports) {
    switch (im.kind) {
    case ExternKind::Func:
      if (im.func_type >= m.types.size())
        return make_error("unknown type");
      m_vm->func_types.push_back(im.func_type);
      break;
    case ExternKind::Table:
      ISOBOX_CHECK(limits(im.table.limits, 0xffffffffu, "table size"));
      m_vm->tables.push_back(im.table);
      break;
    case ExternKind::Memory:
      ISOBOX_CHECK(limits(im.memory.limits, kMaxPages, kMemTooBig));
      m_vm->memories.push_back(im.memory);
      break;
    case ExternKind::Global: m_vm->globals.push_back(im.global); break;
    }
  }
  for (uint32_t t : m.funcs) {
    if (t >= m.types.size())
      return make_error("unknown type");
    m_vm->func_types.push_back(t);
  }
  for (const TableType &t : m.tables) {
    ISOBOX_CHECK(limits(t.limits, 0xffffffffu, "table size"));
    m_vm->tables.push_back(t);
  }
  for (const MemoryType &mt : m.memories) {
    ISOBOX_CHECK(limits(mt.limits, kMaxPages, kMemTooBig));
    m_vm->memories.push_back(mt);
  }
  if (m_vm->memories.size() > 1)
    return make_error("multiple memories");
  // Global initialisers see only the imported globals (spec 3.4.10, context C').
  const uint32_t imported = m.imported_globals;
  for (const Global &g : m.globals) {
    ISOBOX_CHECK(const_expr(g.init, g.type.type, imported));
    m_vm->globals.push_back(g.type);
  }
  return {};
}

/// Constant expression (spec 3.3.10): const, ref.null, ref.func, global.get of an immutable global.
Result<void> ModuleValidator::const_expr(const ConstExpr &e, ValType type,
                                         uint32_t visible_globals) {
  Reader r(e.bytes);
  InstrReader ir(r);
  std::vector<ValType> stack;
  for (;;) {
    Instr in = ISOBOX_TRY(ir.next());
    switch (in.op) {
    case Opcode::I32Const: stack.push_back(ValType::I32); break;
    case Opcode::I64Const: stack.push_back(ValType::I64); break;
    case Opcode::F32Const: stack.push_back(ValType::F32); break;
    case Opcode::F64Const: stack.push_back(ValType::F64); break;
    case Opcode::RefNull: stack.push_back(in.type); break;
    case Opcode::RefFunc:
      if (in.a >= m_vm->func_types.size())
        return make_error("unknown function {}", in.a);
      m_vm->declared_refs.insert(in.a);
      stack.push_back(ValType::FuncRef);
      break;
    case Opcode::GlobalGet:
      if (in.a >= visible_globals || in.a >= m_vm->globals.size())
        return make_error("unknown global {}", in.a);
      if (m_vm->globals[in.a].is_mutable)
        return make_error("constant expression required");
      stack.push_back(m_vm->globals[in.a].type);
      break;
    case Opcode::End:
      if (stack.size() != 1 || stack[0] != type)
        return make_error("type mismatch");
      return {};
    default: return make_error("constant expression required");
    }
  }
}

Result<void> ModuleValidator::segments() {
  const Module &m = m_vm->module;
  // Segment offsets and items, too, see only imported globals in Wasm 2.0 (spec 3.4.10).
  const uint32_t all_globals = m.imported_globals;
  for (const ElemSegment &seg : m.elems) {
    if (seg.mode == ElemSegment::Mode::Active) {
      if (seg.table >= m_vm->tables.size())
        return make_error("unknown table {}", seg.table);
      if (m_vm->tables[seg.table].elem != seg.type)
        return make_error("type mismatch");
      ISOBOX_CHECK(const_expr(seg.offset, ValType::I32, all_globals));
    }
    for (const ConstExpr &item : seg.items)
      ISOBOX_CHECK(const_expr(item, seg.type, all_globals));
  }
  for (const DataSegment &seg : m.datas) {
    if (seg.mode == DataSegment::Mode::Active) {
      if (seg.memory >= m_vm->memories.size())
        return make_error("unknown memory {}", seg.memory);
      ISOBOX_CHECK(const_expr(seg.offset, ValType::I32, all_globals));
    }
  }
  return {};
}

Result<void> ModuleValidator::exports_and_start() {
  const Module &m = m_vm->module;
  std::set<std::string_view> names;
  for (const Export &e : m.exports) {
    if (!names.insert(e.name).second)
      return make_error("duplicate export name");
    switch (e.kind) {
    case ExternKind::Func:
      if (e.index >= m_vm->func_types.size())
        return make_error("unknown function {}", e.index);
      m_vm->declared_refs.insert(e.index);
      break;
    case ExternKind::Table:
      if (e.index >= m_vm->tables.size())
        return make_error("unknown table {}", e.index);
      break;
    case ExternKind::Memory:
      if (e.index >= m_vm->memories.size())
        return make_error("unknown memory {}", e.index);
      break;
    case ExternKind::Global:
      if (e.index >= m_vm->globals.size())
        return make_error("unknown global {}", e.index);
      break;
    }
  }
  if (m.start) {
    if (*m.start >= m_vm->func_types.size())
      return make_error("unknown function {}", *m.start);
    const FuncType &ft = m.types[m_vm->func_types[*m.start]];
    if (!ft.params.empty() || !ft.results.empty())
      return make_error("start function");
  }
  return {};
}

Result<std::shared_ptr<ValidatedModule>> ModuleValidator::declarations() {
  ISOBOX_CHECK(index_spaces());
  ISOBOX_CHECK(segments());
  ISOBOX_CHECK(exports_and_start());
  return std::move(m_vm);
}

} // namespace

Result<std::shared_ptr<const ValidatedModule>> validate(Module module,
                                                        const ValidateOptions &options) {
  auto vm = ISOBOX_TRY(ModuleValidator(std::move(module), options).declarations());
  if (options.emitter) {
    ISOBOX_CHECK(validation::validate_bodies(*vm, *options.emitter, options.interrupt));
  } else {
    ValidateOnly none;
    ISOBOX_CHECK(validation::validate_bodies(*vm, none, options.interrupt));
  }
  return std::shared_ptr<const ValidatedModule>(std::move(vm));
}

Result<std::shared_ptr<ValidatedModule>> validate_declarations(Module module) {
  return ModuleValidator(std::move(module), ValidateOptions{}).declarations();
}

Result<void> emit_functions(const ValidatedModule &module, FuncEmitter &emitter,
                            const std::atomic<bool> *interrupt) {
  return validation::validate_bodies(module, emitter, interrupt);
}

} // namespace isobox::wasm
