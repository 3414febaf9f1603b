// Store (spec 4.2.3): owns every function, table, memory and global instance and module instance.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wasm/interp/code.hpp"
#include "wasm/runtime/trap.hpp"
#include "wasm/runtime/value.hpp"

namespace isobox::wasm {

class Store;
class MemInst;
struct ModuleInstance;
struct ValidatedModule;

/// Engine limits, enforced by the engine itself (not the CLI).
struct StoreLimits {
  /// All linear memories plus all table elements (8 bytes each) of the store together;
  /// memory.grow / table.grow past it fail (-1).
  uint64_t max_memory_bytes = uint64_t{4} << 30;
  uint32_t max_table_elems = 10'000'000; ///< all tables of the store together (elements)
  uint32_t max_call_depth = 20'000;      ///< deeper calls trap "call stack exhausted"
  uint32_t value_stack_cells = 1u << 21; ///< 64-bit cells for all frames (16 MiB)
  std::optional<uint64_t> fuel; ///< instruction budget, charged per call and loop iteration

  const std::atomic<bool> *interrupt = nullptr; ///< set from another thread: trap "interrupted"
  /// Reserve every linear memory with guard regions (kGuardedReservation): compiled code then
  /// needs no bounds checks (docs/wasm-aot.md).
  bool guard_regions = false;
};

/// Address space reserved per memory with guard regions: any 32-bit index plus 32-bit offset
/// plus an 8-byte access stays inside it.
inline constexpr uint64_t kGuardedReservation = (uint64_t{8} << 30) + 65536;

/// What a host function sees of its caller. `memory` is the calling instance's memory 0 (nullptr
/// if it has none); `user` is Store::user_data().
struct HostCall {
  Store &store;
  MemInst *memory;
  void *user;
};

/// A host function. Returning a Trap aborts the guest (WASI proc_exit: Trap{.exit_code = N}).
using HostFunc = std::function<std::optional<Trap>(HostCall &, std::span<const Value> args,
                                                   std::span<Value> results)>;

/// A function: either compiled wasm code of a module instance or a host function.
struct FuncInst {
  FuncType type;
  uint32_t type_id = 0;             ///< store-wide id of `type` (equal types, equal ids)
  ModuleInstance *module = nullptr; ///< null for host functions
  const CompiledFunc *code = nullptr;
  HostFunc host;
};

/// What a store has left of its limits on guest-sized storage (issue 9 item 5): every linear
/// memory byte and table element committed is taken from it, so many tables or memories cannot
/// together exceed what one may have.
class StorageBudget {
public:
  static constexpr uint64_t kTableElemBytes = sizeof(uint64_t);
  explicit StorageBudget(const StoreLimits &l)
      : m_bytes_left(l.max_memory_bytes), m_elems_left(l.max_table_elems) {}
  uint64_t bytes_left() const { return m_bytes_left; }
  uint64_t elems_left() const { return m_elems_left; }
  /// Takes `bytes` of linear memory; false (nothing taken) if they do not fit.
  bool take_memory(uint64_t bytes) {
    if (bytes > m_bytes_left)
      return false;
    m_bytes_left -= bytes;
    return true;
  }
  void give_memory(uint64_t bytes) { m_bytes_left += bytes; }
  /// Takes `n` table elements (and their bytes); false (nothing taken) if they do not fit.
  bool take_table(uint64_t n) {
    if (n > m_elems_left || n > m_bytes_left / kTableElemBytes)
      return false;
    m_elems_left -= n;
    m_bytes_left -= n * kTableElemBytes;
    return true;
  }

private:
  uint64_t m_bytes_left, m_elems_left;
};

struct TableInst {
  TableType type;
  std::vector<uint64_t> elems; ///< references: kNullRef or function address / externref id
};

/// Linear memory: a reserved address range that grows in place, so its base never moves.
class MemInst {
public:
  /// A memory of `type.limits.min` pages whose size is taken from `budget` (which must outlive
  /// it); it can grow no further than the budget had left when it was made.
  MemInst(MemoryType type, StorageBudget &budget, bool guard_regions = false);
  ~MemInst();
  MemInst(const MemInst &) = delete;
  MemInst &operator=(const MemInst &) = delete;

  uint8_t *data() { return m_data; }
  uint64_t size() const { return m_size; }         ///< bytes
  uint64_t reserved() const { return m_reserved; } ///< bytes of address space
  uint32_t pages() const { return static_cast<uint32_t>(m_size / kPageSize); }
  std::span<uint8_t> bytes() { return {m_data, m_size}; }
  const MemoryType &type() const { return m_type; }
  /// Grows by `delta` pages; returns the old page count, or nullopt (size unchanged) on failure.
  std::optional<uint32_t> grow(uint32_t delta);
  /// Bounds-checked view for host code: nullopt if [offset, offset+len) is outside the memory.
  std::optional<std::span<uint8_t>> slice(uint64_t offset, uint64_t len) {
    if (offset > m_size || len > m_size - offset)
      return std::nullopt;
    return std::span<uint8_t>(m_data + offset, len);
  }

private:
  MemoryType m_type;
  uint8_t *m_data = nullptr;
  uint64_t m_size = 0;
  uint64_t m_reserved = 0;
  uint64_t m_max_bytes = 0;
  StorageBudget &m_budget;
};

/// The value stack shared by all frames of a store. Mapped with MAP_NORESERVE: pages materialise
/// on first touch, so a store costs nothing for the stack depth its guest never reaches (a zeroed
/// std::vector of the default 16 MiB took ~33 ms of every `isobox wasm run`).
class ValueStack {
public:
  ValueStack() = default;
  explicit ValueStack(size_t cells); ///< empty (size 0) if the mapping fails
  ~ValueStack();
  ValueStack(const ValueStack &) = delete;
  ValueStack &operator=(const ValueStack &) = delete;

  uint64_t *data() const { return m_data; }
  size_t size() const { return m_cells; } ///< cells
  bool empty() const { return m_cells == 0; }

private:
  uint64_t *m_data = nullptr;
  size_t m_cells = 0;
};

/// A return point on the interpreter's call stack (the frames live in the Store, so an invoke
/// re-entered from a host function continues above the frames of the invoke that called it).
struct CallFrame {
  const uint32_t *ip;
  uint64_t *fp;
  ModuleInstance *inst;
};

/// Where the innermost running guest stands while it calls a host function: the first free
/// value-stack cell and call frame. Null when no guest runs.
struct ExecMark {
  uint64_t *stack_top = nullptr;
  CallFrame *frame_top = nullptr;
};

struct GlobalInst {
  GlobalType type;
  uint64_t value = 0; ///< untyped cell, as Value::bits
};

/// The store. Addresses are indices into its per-kind vectors; objects never move.
class Store {
public:
  explicit Store(StoreLimits limits = {});
  ~Store();
  Store(const Store &) = delete;
  Store &operator=(const Store &) = delete;

  uint32_t add_host_func(FuncType type, HostFunc fn);
  uint32_t add_table(TableType type, Value init);
  uint32_t add_memory(MemoryType type);
  uint32_t add_global(GlobalType type, Value init);

  Value global_get(uint32_t addr) const;
  void global_set(uint32_t addr, Value v);
  FuncInst &func(uint32_t addr) { return *m_funcs[addr]; }
  TableInst &table(uint32_t addr) { return *m_tables[addr]; }
  MemInst &memory(uint32_t addr) { return *m_memories[addr]; }
  GlobalInst &global(uint32_t addr) { return *m_globals[addr]; }
  const FuncType &func_type(uint32_t addr) const { return m_funcs[addr]->type; }

  const StoreLimits &limits() const { return m_limits; }
  StorageBudget &budget() { return m_budget; }
  void *user_data() const { return m_user; }
  void set_user_data(void *user) { m_user = user; }

  // Used by instantiate() and the interpreter.
  uint32_t intern_type(const FuncType &type);
  uint32_t add_func(FuncInst f);
  ModuleInstance &add_instance(std::unique_ptr<ModuleInstance> inst);
  FuncInst *func_ptr(uint32_t addr) { return m_funcs[addr].get(); }
  uint32_t func_count() const { return static_cast<uint32_t>(m_funcs.size()); }
  ValueStack &value_stack();
  /// The call frames of all running invokes: max_call_depth + 1 entries, made on first use.
  CallFrame *call_frames();
  /// Set by the interpreter before each host call; read by a re-entrant invoke.
  ExecMark &exec_mark() { return m_mark; }
  /// Fuel left (StoreLimits::fuel minus what guests used), or nullptr without a fuel limit.
  uint64_t *fuel_left() { return m_fuel ? &*m_fuel : nullptr; }

private:
  StoreLimits m_limits;
  StorageBudget m_budget;
  std::optional<uint64_t> m_fuel;
  void *m_user = nullptr;
  std::vector<std::unique_ptr<FuncInst>> m_funcs;
  std::vector<std::unique_ptr<TableInst>> m_tables;
  std::vector<std::unique_ptr<MemInst>> m_memories;
  std::vector<std::unique_ptr<GlobalInst>> m_globals;
  std::vector<std::unique_ptr<ModuleInstance>> m_instances;
  std::map<std::pair<std::vector<ValType>, std::vector<ValType>>, uint32_t> m_type_ids;
  std::unique_ptr<ValueStack> m_stack; ///< created on first use
  std::vector<CallFrame> m_frames;     ///< created on first use
  ExecMark m_mark;
};

} // namespace isobox::wasm
