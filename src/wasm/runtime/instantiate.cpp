// Instantiation (spec 4.5.4): resolve and check imports, allocate instances, evaluate constant
// expressions, initialise active segments, run the start function.
#include "wasm/runtime/instantiate.hpp"

#include <cstring>
#include <fmt/format.h>

#include "wasm/binary/instr.hpp"
#include "wasm/interp/invoke.hpp"

namespace isobox::wasm {
namespace {

using Unexpected = std::unexpected<InstantiateError>;

Unexpected unlinkable(std::string text) {
  return Unexpected(InstantiateError{InstantiateError::Unlinkable, std::move(text)});
}
Unexpected uninstantiable(std::string text) {
  return Unexpected(InstantiateError{InstantiateError::Uninstantiable, std::move(text)});
}

/// Import matching of limits (spec 4.5.2): actual covers at least expected.
bool limits_match(const Limits &actual, uint64_t actual_min, const Limits &expected) {
  (void)actual.min;
  if (actual_min < expected.min)
    return false;
  if (expected.max) {
    if (!actual.max || *actual.max > *expected.max)
      return false;
  }
  return true;
}

/// Evaluates a validated constant expression in `inst`.
uint64_t eval_const(const ConstExpr &e, const ModuleInstance &inst) {
  Reader r(e.bytes);
  InstrReader ir(r);
  uint64_t v = 0;
  for (;;) {
    auto in = ir.next();
    if (!in || in->op == Opcode::End)
      return v;
    switch (in->op) {
    case Opcode::I32Const:
    case Opcode::F32Const: v = static_cast<uint32_t>(in->c); break;
    case Opcode::I64Const:
    case Opcode::F64Const: v = in->c; break;
    case Opcode::RefNull: v = kNullRef; break;
    case Opcode::RefFunc: v = inst.func_addrs[in->a]; break;
    case Opcode::GlobalGet: v = inst.globals[in->a]->value; break;
    default: break;
    }
  }
}

std::expected<void, InstantiateError> link_imports(Store &store, const ValidatedModule &vm,
                                                   ModuleInstance &inst,
                                                   const ImportResolver &resolve) {
  const Module &m = vm.module;
  for (const Import &im : m.imports) {
    auto ev = resolve(im.module, im.name);
    if (!ev)
      return unlinkable("unknown import");
    if (ev->kind != im.kind)
      return unlinkable("incompatible import type");
    switch (im.kind) {
    case ExternKind::Func:
      if (store.func_type(ev->addr) != m.types[im.func_type])
        return unlinkable("incompatible import type");
      inst.func_addrs.push_back(ev->addr);
      break;
    case ExternKind::Table: {
      TableInst &t = store.table(ev->addr);
      if (t.type.elem != im.table.elem ||
          !limits_match(t.type.limits, t.elems.size(), im.table.limits))
        return unlinkable("incompatible import type");
      inst.table_addrs.push_back(ev->addr);
      break;
    }
    case ExternKind::Memory: {
      MemInst &mem = store.memory(ev->addr);
      if (!limits_match(mem.type().limits, mem.pages(), im.memory.limits))
        return unlinkable("incompatible import type");
      inst.memory_addrs.push_back(ev->addr);
      break;
    }
    case ExternKind::Global: {
      GlobalInst &g = store.global(ev->addr);
      if (g.type.type != im.global.type || g.type.is_mutable != im.global.is_mutable)
        return unlinkable("incompatible import type");
      inst.global_addrs.push_back(ev->addr);
      break;
    }
    }
  }
  return {};
}

/// Engine limits (StoreLimits, issues 4 and 9): the initial sizes of the module's own tables and
/// memories, all together and with what the store already holds, must fit what is left of its
/// budget; otherwise the module is uninstantiable, before anything is allocated.
std::expected<void, InstantiateError> check_limits(Store &store, const Module &m) {
  const StoreLimits &lim = store.limits();
  const StorageBudget &budget = store.budget();
  uint64_t elems = 0, bytes = 0;
  for (size_t i = 0; i < m.tables.size(); ++i) {
    elems += m.tables[i].limits.min;
    bytes += uint64_t{m.tables[i].limits.min} * StorageBudget::kTableElemBytes;
    if (elems <= budget.elems_left())
      continue;
    if (i == 0)
      return uninstantiable(fmt::format("table 0: initial size {} exceeds the table limit ({})",
                                        elems, lim.max_table_elems));
    return uninstantiable(fmt::format("tables 0 to {}: initial sizes {} exceed the table limit "
                                      "({}, all tables together)",
                                      i, elems, lim.max_table_elems));
  }
  for (size_t i = 0; i < m.memories.size(); ++i)
    bytes += uint64_t{m.memories[i].limits.min} * kPageSize;
  if (bytes > budget.bytes_left()) {
    if (m.memories.empty() || m.tables.empty())
      return uninstantiable(fmt::format(
          "{} exceeds the memory limit ({} bytes)",
          m.memories.empty()
              ? fmt::format("tables: initial size {} elements", elems)
              : fmt::format("memory 0: initial size {} pages", m.memories[0].limits.min),
          lim.max_memory_bytes));
    return uninstantiable(fmt::format("initial memory and tables ({} bytes) exceed the memory "
                                      "limit ({} bytes, tables count 8 bytes per element)",
                                      bytes, lim.max_memory_bytes));
  }
  return {};
}

void allocate(Store &store, const std::shared_ptr<const ValidatedModule> &vm,
              ModuleInstance &inst) {
  const Module &m = vm->module;
  for (const FuncType &ft : m.types)
    inst.type_ids.push_back(store.intern_type(ft));
  for (uint32_t i = 0; i < m.funcs.size(); ++i) {
    FuncInst f;
    f.type = m.types[m.funcs[i]];
    f.module = &inst;
    inst.func_addrs.push_back(store.add_func(std::move(f)));
  }
  for (const TableType &t : m.tables)
    inst.table_addrs.push_back(store.add_table(t, Value::null(t.elem)));
  for (const MemoryType &mt : m.memories)
    inst.memory_addrs.push_back(store.add_memory(mt));
  for (uint32_t a : inst.func_addrs)
    inst.funcs.push_back(store.func_ptr(a));
  for (uint32_t a : inst.table_addrs)
    inst.tables.push_back(&store.table(a));
  if (!inst.memory_addrs.empty())
    inst.memory0 = &store.memory(inst.memory_addrs[0]);
  for (uint32_t a : inst.global_addrs)
    inst.globals.push_back(&store.global(a));
  for (const Global &g : m.globals) {
    const uint64_t v = eval_const(g.init, inst);
    const uint32_t a = store.add_global(g.type, Value{g.type.type, v});
    inst.global_addrs.push_back(a);
    inst.globals.push_back(&store.global(a));
  }
  for (const Export &e : m.exports) {
    const std::vector<uint32_t> *addrs[] = {&inst.func_addrs, &inst.table_addrs, &inst.memory_addrs,
                                            &inst.global_addrs};
    inst.exports.emplace(e.name, ExternVal{e.kind, (*addrs[static_cast<int>(e.kind)])[e.index]});
  }
  for (const ElemSegment &seg : m.elems) {
    ElemInst ei{seg.type, {}};
    for (const ConstExpr &item : seg.items)
      ei.refs.push_back(eval_const(item, inst));
    inst.elems.push_back(std::move(ei));
  }
  for (const DataSegment &seg : m.datas)
    inst.datas.push_back(DataInst{seg.bytes});
}

/// Active segments are copied in order, then dropped (spec 4.5.4 steps 14-15).
std::expected<void, InstantiateError> init_segments(ModuleInstance &inst) {
  const Module &m = inst.module->module;
  for (size_t i = 0; i < m.elems.size(); ++i) {
    const ElemSegment &seg = m.elems[i];
    if (seg.mode == ElemSegment::Mode::Passive)
      continue;
    if (seg.mode == ElemSegment::Mode::Active) {
      const uint64_t off = static_cast<uint32_t>(eval_const(seg.offset, inst));
      TableInst &t = *inst.tables[seg.table];
      const auto &refs = inst.elems[i].refs;
      if (off + refs.size() > t.elems.size())
        return uninstantiable(trap_text::kTableOob);
      std::copy(refs.begin(), refs.end(), t.elems.begin() + static_cast<ptrdiff_t>(off));
    }
    inst.elems[i].refs.clear();
  }
  for (size_t i = 0; i < m.datas.size(); ++i) {
    const DataSegment &seg = m.datas[i];
    if (seg.mode != DataSegment::Mode::Active)
      continue;
    const uint64_t off = static_cast<uint32_t>(eval_const(seg.offset, inst));
    MemInst &mem = *inst.memory0;
    if (off + seg.bytes.size() > mem.size())
      return uninstantiable(trap_text::kMemOob);
    if (!seg.bytes.empty())
      std::memcpy(mem.data() + off, seg.bytes.data(), seg.bytes.size());
    inst.datas[i].bytes = {};
  }
  return {};
}

} // namespace

void attach_interp_code(Store &store, ModuleInstance &inst,
                        std::shared_ptr<const InterpCode> code) {
  const uint32_t imported = inst.module->module.imported_funcs;
  for (uint32_t i = imported; i < inst.func_addrs.size(); ++i)
    store.func(inst.func_addrs[i]).code = &code->funcs[i - imported];
  inst.interp_code = std::move(code);
}

std::expected<ModuleInstance *, InstantiateError>
instantiate(Store &store, std::shared_ptr<const ValidatedModule> module,
            const ImportResolver &resolve, bool run_start, std::shared_ptr<const InterpCode> code) {
  return instantiate(store, std::move(module), resolve, run_start,
                     [&](ModuleInstance &inst) -> std::optional<InstantiateError> {
                       if (code)
                         attach_interp_code(store, inst, std::move(code));
                       return std::nullopt;
                     });
}

std::expected<ModuleInstance *, InstantiateError>
instantiate(Store &store, std::shared_ptr<const ValidatedModule> module,
            const ImportResolver &resolve, bool run_start, const AttachCode &attach) {
  auto owned = std::make_unique<ModuleInstance>();
  owned->module = module;
  if (auto r = link_imports(store, *module, *owned, resolve); !r)
    return std::unexpected(r.error());
  if (auto r = check_limits(store, module->module); !r)
    return std::unexpected(r.error());
  ModuleInstance &inst = store.add_instance(std::move(owned));
  allocate(store, module, inst);
  if (auto e = attach(inst))
    return std::unexpected(std::move(*e));
  if (auto r = init_segments(inst); !r)
    return std::unexpected(r.error());
  if (run_start && module->module.start) {
    auto r = invoke(store, inst.func_addrs[*module->module.start], {});
    if (!r)
      return uninstantiable(r.error().message);
  }
  return &inst;
}

std::optional<uint32_t> start_func_addr(const ModuleInstance &inst) {
  if (!inst.module->module.start)
    return std::nullopt;
  return inst.func_addrs[*inst.module->module.start];
}

} // namespace isobox::wasm
