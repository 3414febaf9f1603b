// Store objects: host functions, tables, memories (reserved address ranges), globals.
#include "wasm/runtime/store.hpp"

#include <sys/mman.h>

#include <cassert>
#include <cstring>

#include "wasm/runtime/instantiate.hpp"

namespace isobox::wasm {

MemInst::MemInst(MemoryType type, StorageBudget &budget, bool guard_regions)
    : m_type(type), m_budget(budget) {
  uint64_t max_pages = type.limits.max.value_or(kMaxPages);
  m_max_bytes = std::min<uint64_t>(max_pages * kPageSize, budget.bytes_left());
  // Reserve the largest size this memory may reach, so growing never moves it.
  m_reserved = std::max<uint64_t>(m_max_bytes, kPageSize);
  if (guard_regions)
    m_reserved = kGuardedReservation;
  void *p =
      mmap(nullptr, m_reserved, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) {
    m_reserved = 0;
    m_max_bytes = 0;
    return;
  }
  m_data = static_cast<uint8_t *>(p);
  (void)grow(type.limits.min);
}

MemInst::~MemInst() {
  if (m_data)
    munmap(m_data, m_reserved);
}

std::optional<uint32_t> MemInst::grow(uint32_t delta) {
  const uint32_t old = pages();
  const uint64_t new_size = m_size + uint64_t{delta} * kPageSize;
  if (new_size > m_max_bytes)
    return std::nullopt;
  if (delta == 0)
    return old;
  if (!m_budget.take_memory(new_size - m_size))
    return std::nullopt;
  if (mprotect(m_data + m_size, new_size - m_size, PROT_READ | PROT_WRITE) != 0) {
    m_budget.give_memory(new_size - m_size);
    return std::nullopt;
  }
  m_size = new_size;
  return old;
}

Store::Store(StoreLimits limits) : m_limits(limits), m_budget(limits), m_fuel(limits.fuel) {}
Store::~Store() = default;

uint32_t Store::intern_type(const FuncType &type) {
  auto [it, inserted] =
      m_type_ids.try_emplace({type.params, type.results}, static_cast<uint32_t>(m_type_ids.size()));
  return it->second;
}

uint32_t Store::add_func(FuncInst f) {
  f.type_id = intern_type(f.type);
  m_funcs.push_back(std::make_unique<FuncInst>(std::move(f)));
  return static_cast<uint32_t>(m_funcs.size() - 1);
}

uint32_t Store::add_host_func(FuncType type, HostFunc fn) {
  FuncInst f;
  f.type = std::move(type);
  f.host = std::move(fn);
  return add_func(std::move(f));
}

uint32_t Store::add_table(TableType type, Value init) {
  auto t = std::make_unique<TableInst>();
  t->type = type;
  // instantiate() checked the initial sizes against the budget; host-made tables take it too.
  (void)m_budget.take_table(type.limits.min);
  t->elems.assign(type.limits.min, init.bits);
  m_tables.push_back(std::move(t));
  return static_cast<uint32_t>(m_tables.size() - 1);
}

uint32_t Store::add_memory(MemoryType type) {
  m_memories.push_back(std::make_unique<MemInst>(type, m_budget, m_limits.guard_regions));
  return static_cast<uint32_t>(m_memories.size() - 1);
}

uint32_t Store::add_global(GlobalType type, Value init) {
  m_globals.push_back(std::make_unique<GlobalInst>(GlobalInst{type, init.bits}));
  return static_cast<uint32_t>(m_globals.size() - 1);
}

Value Store::global_get(uint32_t addr) const {
  const GlobalInst &g = *m_globals[addr];
  return Value{g.type.type, g.value};
}

void Store::global_set(uint32_t addr, Value v) { m_globals[addr]->value = v.bits; }

ModuleInstance &Store::add_instance(std::unique_ptr<ModuleInstance> inst) {
  m_instances.push_back(std::move(inst));
  return *m_instances.back();
}

ValueStack::ValueStack(size_t cells) {
  if (cells == 0)
    return;
  void *p = mmap(nullptr, cells * sizeof(uint64_t), PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED)
    return; // size 0: every invoke traps "call stack exhausted"
  m_data = static_cast<uint64_t *>(p);
  m_cells = cells;
}

ValueStack::~ValueStack() {
  if (m_data)
    munmap(m_data, m_cells * sizeof(uint64_t));
}

ValueStack &Store::value_stack() {
  if (!m_stack)
    m_stack = std::make_unique<ValueStack>(m_limits.value_stack_cells);
  return *m_stack;
}

CallFrame *Store::call_frames() {
  if (m_frames.empty())
    m_frames.resize(size_t{m_limits.max_call_depth} + 1);
  return m_frames.data();
}

} // namespace isobox::wasm
