// Runtime helpers called by compiled code: calls through the store, call_indirect checks,
// memory.size/grow, bulk memory and table operations. Traps unwind with raise_trap, always from
// frames that hold no object needing destruction.
#include <cstring>
#include <vector>

#include "wasm/aot/aot.hpp"
#include "wasm/aot/native_call.hpp"
#include "wasm/interp/invoke.hpp"

using isobox::wasm::FuncInst;
using isobox::wasm::Trap;
using isobox::wasm::ValType;
using isobox::wasm::Value;
using isobox::wasm::aot::AotContext;
using isobox::wasm::aot::raise_trap;
using isobox::wasm::aot::TrapCode;

namespace {

/// A trap from a called function. The interpreter names the calling function for a host
/// function's trap (so do we: keep_name false) and the callee for an interpreted one's.
struct CallTrap {
  Trap trap;
  bool keep_name;
};

/// Calls store function `addr` with arguments and results in `cells`. Compiled functions of the
/// store are entered directly (their traps reach the running boundary); host functions get the
/// caller's memory; interpreted ones go through the interpreter. Returns a trap, if any. `site`
/// is the call's return address in compiled code (what a trap in the callee's entry names).

std::optional<CallTrap> call_addr(AotContext *ctx, uint32_t addr, uint64_t *cells,
                                  const void *site) {
  if (const auto *n = ctx->linkage->find(addr)) {
    n->ctx->stack_limit = ctx->stack_limit;
    const uintptr_t outer = isobox::wasm::aot::enter_outer_call(site);
    n->entry(n->ctx, cells);
    isobox::wasm::aot::leave_outer_call(outer);
    return std::nullopt;
  }
  FuncInst *f = ctx->store->func_ptr(addr);
  std::vector<Value> args(f->type.params.size()), results(f->type.results.size());
  for (size_t i = 0; i < args.size(); ++i) {
    const ValType t = f->type.params[i];
    const bool narrow = t == ValType::I32 || t == ValType::F32;
    args[i] = Value{t, narrow ? static_cast<uint32_t>(cells[i]) : cells[i]};
  }
  for (size_t i = 0; i < results.size(); ++i)
    results[i] = Value{f->type.results[i], is_ref(f->type.results[i]) ? isobox::wasm::kNullRef : 0};
  isobox::wasm::HostCall hc{*ctx->store, ctx->inst->memory0, ctx->store->user_data()};
  if (f->code != nullptr) { // an interpreted function (a module of another tier in this store)
    auto r = isobox::wasm::invoke(*ctx->store, addr, args);
    if (!r) {
      const bool named = r.error().func_index.has_value();
      return CallTrap{std::move(r.error()), named};
    }
    for (size_t i = 0; i < r->size(); ++i)
      cells[i] = (*r)[i].bits;
    return std::nullopt;
  }
  if (auto t = f->host(hc, args, results))
    return CallTrap{std::move(*t), false};
  for (size_t i = 0; i < results.size(); ++i)
    cells[i] = results[i].bits;
  return std::nullopt;
}

/// Built in a function of its own: its temporaries are gone before raise_trap unwinds (a
/// longjmp skips the destructors of the frame it leaves).
Trap uninitialized_element(uint32_t elem) {
  return Trap{std::string(isobox::wasm::trap_text::kUninitializedElement) + " " +
                  std::to_string(elem),
              std::nullopt};
}

/// `site`: the helper's return address, in the compiled function the trap names.
void bounds(uint64_t offset, uint64_t n, uint64_t size, TrapCode code, const void *site) {
  if (offset + n > size)
    raise_trap(code, site);
}

/// This helper's return address: inside the compiled code that called it.
#define ISOBOX_CALL_SITE __builtin_return_address(0)

} // namespace

extern "C" {

void isobox_aot_trap(AotContext *ctx, uint32_t code) {
  if (static_cast<TrapCode>(code) == TrapCode::FuelExhausted && ctx->fuel) // as the interpreter
    *ctx->fuel = 0;
  raise_trap(static_cast<TrapCode>(code), ISOBOX_CALL_SITE);
}

void isobox_aot_trap_entry(AotContext *ctx, uint32_t code, const void *caller) {
  if (static_cast<TrapCode>(code) == TrapCode::FuelExhausted && ctx->fuel)
    *ctx->fuel = 0;
  isobox::wasm::aot::raise_entry_trap(static_cast<TrapCode>(code), ISOBOX_CALL_SITE, caller);
}

void isobox_aot_call_import(AotContext *ctx, uint32_t func, uint64_t *cells) {
  const uint32_t addr = ctx->inst->func_addrs[func];
  std::optional<CallTrap> t = call_addr(ctx, addr, cells, ISOBOX_CALL_SITE);
  if (t)
    raise_trap(std::move(t->trap), t->keep_name ? nullptr : ISOBOX_CALL_SITE);
}

void isobox_aot_call_pending(AotContext *ctx, uint32_t, uint64_t *cells) {
  // Called by a thunk: the call site is where the call_indirect resolved to the thunk.
  const auto *site = reinterpret_cast<const void *>(ctx->pending_site);
  std::optional<CallTrap> t = call_addr(ctx, static_cast<uint32_t>(ctx->pending_addr), cells, site);
  if (t)
    raise_trap(std::move(t->trap), t->keep_name ? nullptr : site);
}

IsoboxAotCallee isobox_aot_resolve_indirect(AotContext *ctx, uint32_t table, uint32_t elem,
                                            uint32_t type) {
  const auto &elems = ctx->inst->tables[table]->elems;
  if (elem >= elems.size())
    raise_trap(TrapCode::UndefinedElement, ISOBOX_CALL_SITE);
  const uint64_t ref = elems[elem];
  if (ref == isobox::wasm::kNullRef) // with the index, as the interpreter says it
    raise_trap(uninitialized_element(elem), ISOBOX_CALL_SITE);
  const auto addr = static_cast<uint32_t>(ref);
  if (ctx->store->func_ptr(addr)->type_id != ctx->inst->type_ids[type])
    raise_trap(TrapCode::IndirectMismatch, ISOBOX_CALL_SITE);
  if (const auto *n = ctx->linkage->find(addr); n && n->direct) {
    n->ctx->stack_limit = ctx->stack_limit;
    return {n->direct, n->ctx};
  }
  ctx->pending_addr = addr;
  ctx->pending_site = reinterpret_cast<uintptr_t>(ISOBOX_CALL_SITE);
  return {ctx->thunks[type], ctx};
}

uint32_t isobox_aot_memory_size(AotContext *ctx) { return ctx->inst->memory0->pages(); }

uint32_t isobox_aot_memory_grow(AotContext *ctx, uint32_t delta) {
  return ctx->inst->memory0->grow(delta).value_or(0xffffffffu);
}

void isobox_aot_memory_fill(AotContext *ctx, uint32_t d, uint32_t v, uint32_t n) {
  auto *m = ctx->inst->memory0;
  bounds(d, n, m->size(), TrapCode::MemOob, ISOBOX_CALL_SITE);
  std::memset(m->data() + d, static_cast<int>(v & 0xff), n);
}

void isobox_aot_memory_copy(AotContext *ctx, uint32_t d, uint32_t s, uint32_t n) {
  auto *m = ctx->inst->memory0;
  bounds(d, n, m->size(), TrapCode::MemOob, ISOBOX_CALL_SITE);
  bounds(s, n, m->size(), TrapCode::MemOob, ISOBOX_CALL_SITE);
  std::memmove(m->data() + d, m->data() + s, n);
}

void isobox_aot_memory_init(AotContext *ctx, uint32_t seg, uint32_t d, uint32_t s, uint32_t n) {
  auto *m = ctx->inst->memory0;
  const auto bytes = ctx->inst->datas[seg].bytes;
  bounds(s, n, bytes.size(), TrapCode::MemOob, ISOBOX_CALL_SITE);
  bounds(d, n, m->size(), TrapCode::MemOob, ISOBOX_CALL_SITE);
  if (n)
    std::memcpy(m->data() + d, bytes.data() + s, n);
}

void isobox_aot_data_drop(AotContext *ctx, uint32_t seg) { ctx->inst->datas[seg].bytes = {}; }

uint64_t isobox_aot_table_get(AotContext *ctx, uint32_t table, uint32_t i) {
  const auto &elems = ctx->inst->tables[table]->elems;
  bounds(i, 1, elems.size(), TrapCode::TableOob, ISOBOX_CALL_SITE);
  return elems[i];
}

void isobox_aot_table_set(AotContext *ctx, uint32_t table, uint32_t i, uint64_t ref) {
  auto &elems = ctx->inst->tables[table]->elems;
  bounds(i, 1, elems.size(), TrapCode::TableOob, ISOBOX_CALL_SITE);
  elems[i] = ref;
}

uint32_t isobox_aot_table_size(AotContext *ctx, uint32_t table) {
  return static_cast<uint32_t>(ctx->inst->tables[table]->elems.size());
}

uint32_t isobox_aot_table_grow(AotContext *ctx, uint32_t table, uint64_t ref, uint32_t n) {
  auto *t = ctx->inst->tables[table];
  const uint64_t old = t->elems.size();
  if (old + n > t->type.limits.max.value_or(0xffffffffu) || !ctx->store->budget().take_table(n))
    return 0xffffffffu;
  t->elems.resize(old + n, ref);
  return static_cast<uint32_t>(old);
}

void isobox_aot_table_fill(AotContext *ctx, uint32_t table, uint32_t i, uint64_t ref, uint32_t n) {
  auto &elems = ctx->inst->tables[table]->elems;
  bounds(i, n, elems.size(), TrapCode::TableOob, ISOBOX_CALL_SITE);
  std::fill_n(elems.begin() + i, n, ref);
}

void isobox_aot_table_copy(AotContext *ctx, uint32_t dst, uint32_t src, uint32_t d, uint32_t s,
                           uint32_t n) {
  auto &de = ctx->inst->tables[dst]->elems;
  auto &se = ctx->inst->tables[src]->elems;
  bounds(s, n, se.size(), TrapCode::TableOob, ISOBOX_CALL_SITE);
  bounds(d, n, de.size(), TrapCode::TableOob, ISOBOX_CALL_SITE);
  if (n)
    std::memmove(de.data() + d, se.data() + s, n * sizeof(uint64_t));
}

void isobox_aot_table_init(AotContext *ctx, uint32_t table, uint32_t seg, uint32_t d, uint32_t s,
                           uint32_t n) {
  auto &te = ctx->inst->tables[table]->elems;
  const auto &refs = ctx->inst->elems[seg].refs;
  bounds(s, n, refs.size(), TrapCode::TableOob, ISOBOX_CALL_SITE);
  bounds(d, n, te.size(), TrapCode::TableOob, ISOBOX_CALL_SITE);
  if (n)
    std::memcpy(te.data() + d, refs.data() + s, n * sizeof(uint64_t));
}

void isobox_aot_elem_drop(AotContext *ctx, uint32_t seg) { ctx->inst->elems[seg].refs.clear(); }

uint64_t isobox_aot_ref_func(AotContext *ctx, uint32_t func) { return ctx->inst->func_addrs[func]; }

} // extern "C"
