// The interpreter: direct-threaded dispatch (GCC computed goto) over the validator's internal
// code. Operands are frame slots of untyped 64-bit cells; calls push frames on an own stack.
#include <cstring>

// Computed goto (labels as values) is the GCC extension this dispatch is built on.
#pragma GCC diagnostic ignored "-Wpedantic"

#include "wasm/binary/names.hpp"
#include "wasm/interp/invoke.hpp"
#include "wasm/interp/numeric.hpp"
#include "wasm/runtime/instantiate.hpp"

namespace isobox::wasm {
namespace {

using Frame = CallFrame;

struct RunResult {
  const uint32_t *ip = nullptr;   ///< where a trap happened (in the running function's code)
  ModuleInstance *inst = nullptr; ///< the instance running there
  const char *trap = nullptr;
  int64_t trap_index = -1; ///< appended to the text when set ("uninitialized element 2")
  std::optional<Trap> host_trap;
};

const int32_t *g_handlers = nullptr;
uint32_t g_exit_code[1];

/// The default value of a type (spec 4.2.1): zero, or null for references. A host function that
/// leaves a result unset returns it (a funcref result once came back as function 0 of the store).
Value default_value(ValType t) { return is_ref(t) ? Value::null(t) : Value{t, 0}; }

/// Calls a host function with arguments/results in cells at `fp`.
std::optional<Trap> call_host(Store &store, FuncInst *f, ModuleInstance *caller, uint64_t *fp) {
  thread_local std::vector<Value> args, results;
  args.resize(f->type.params.size());
  results.resize(f->type.results.size());
  for (size_t i = 0; i < args.size(); ++i) {
    uint64_t bits = fp[i];
    ValType t = f->type.params[i];
    if (t == ValType::I32 || t == ValType::F32)
      bits = static_cast<uint32_t>(bits);
    args[i] = Value{t, bits};
  }
  for (size_t i = 0; i < results.size(); ++i)
    results[i] = default_value(f->type.results[i]);
  HostCall hc{store, caller ? caller->memory0 : nullptr, store.user_data()};
  std::vector<Value> a = args, r = results; // copies: a host call may re-enter and reuse buffers
  if (auto t = f->host(hc, a, r))
    return t;
  for (size_t i = 0; i < r.size(); ++i)
    fp[i] = r[i].bits;
  return std::nullopt;
}

/// Runs from `ip` until ExitOp. With store == nullptr, only publishes the handler table.
RunResult execute(Store *store, const uint32_t *ip, uint64_t *fp, ModuleInstance *inst, Frame *fr,
                  Frame *const fr_end) {
  if (store == nullptr) {
#define ISOBOX_LABEL_ADDR(name, ...) &&L_##name,
    const void *const labels[kIOpCount] = {
#define OP(prefix, code, name, ident, imm, r, p1, p2) ISOBOX_LABEL_ADDR(ident)
#include "wasm/opcodes/opcodes.def"
        ISOBOX_INTERNAL_OPS(ISOBOX_LABEL_ADDR)};
    static int32_t kTable[kIOpCount];
    for (unsigned i = 0; i < kIOpCount; ++i)
      kTable[i] = static_cast<int32_t>(static_cast<const char *>(labels[i]) -
                                       static_cast<const char *>(&&L_base));
    g_handlers = kTable;
    return {};
  }
  const char *base = static_cast<const char *>(&&L_base);
  uint64_t *const stack_end = store->value_stack().data() + store->value_stack().size();
  // Metering (issue 4): with a fuel limit or an interrupt flag, every call, loop entry and taken
  // backward branch goes through L_meter, charging the instructions the compiler counted for that
  // function body or loop iteration; otherwise only this flag is tested.
  uint64_t *const fuel_left = store->fuel_left();
  const std::atomic<bool> *const interrupt = store->limits().interrupt;
  const bool metered = fuel_left != nullptr || interrupt != nullptr;
  uint8_t *mem = nullptr;
  uint64_t memsize = 0;
  const char *trap = nullptr;
  int64_t trap_index = -1;
  FuncInst *callee = nullptr;
  uint64_t *nfp = nullptr;
  uint32_t meter_cost = 0;

#define NEXT() goto *static_cast<const void *>(base + static_cast<int32_t>(*ip))
#define S(k) fp[ip[k]]
/// Takes a branch; a backward one (offset <= 0: a loop's back edge) is metered.
#define TAKE_BRANCH(off)                                                                           \
  do {                                                                                             \
    const int32_t off_ = static_cast<int32_t>(off);                                                \
    ip += off_;                                                                                    \
    if (metered && off_ <= 0) [[unlikely]] {                                                       \
      meter_cost = ip[-1]; /* the target loop's LoopEntry cost word */                             \
      goto L_meter;                                                                                \
    }                                                                                              \
    NEXT();                                                                                        \
  } while (0)
#define U32(k) static_cast<uint32_t>(S(k))
#define S32(k) static_cast<int32_t>(S(k))
#define U64(k) (S(k))
#define S64(k) static_cast<int64_t>(S(k))
#define F32(k) std::bit_cast<float>(static_cast<uint32_t>(S(k)))
#define F64(k) std::bit_cast<double>(S(k))
#define PUT32(k, v) S(k) = static_cast<uint64_t>(static_cast<uint32_t>(v))
#define PUT64(k, v) S(k) = static_cast<uint64_t>(v)
#define PUTF32(k, v) S(k) = std::bit_cast<uint32_t>(static_cast<float>(v))
#define PUTF64(k, v) S(k) = std::bit_cast<uint64_t>(static_cast<double>(v))
#define TRAP(text)                                                                                 \
  do {                                                                                             \
    trap = text;                                                                                   \
    goto L_trap;                                                                                   \
  } while (0)
/// Locals that may be read before written start at zero (a plain loop: no memset call, see CMake).
/// A call's frame: checks depth and value-stack room, saves the return point (ip already past the
/// call), moves fp to the arguments at nfp and zeroes the locals that may be read before written
/// (a plain loop: interp.cpp is built without memset pattern calls, see src/CMakeLists.txt).
#define PUSH_FRAME(code)                                                                           \
  do {                                                                                             \
    if (fr == fr_end || nfp + (code)->frame_size > stack_end)                                      \
      TRAP(trap_text::kStackExhausted);                                                            \
    *fr++ = Frame{ip, fp, inst};                                                                   \
    fp = nfp;                                                                                      \
    for (uint64_t *p = fp + (code)->zero_begin, *e = p + (code)->zero_count; p < e; ++p)           \
      *p = 0;                                                                                      \
  } while (0)
/// Enters a pushed frame's body; with metering on, its fuel is charged first.
#define RUN_BODY(code)                                                                             \
  do {                                                                                             \
    ip = (code)->code.data();                                                                      \
    if (metered) [[unlikely]] {                                                                    \
      meter_cost = (code)->fuel_cost;                                                              \
      goto L_meter;                                                                                \
    }                                                                                              \
    NEXT();                                                                                        \
  } while (0)
#define RELOAD_MEMORY()                                                                            \
  do {                                                                                             \
    mem = inst->memory0 ? inst->memory0->data() : nullptr;                                         \
    memsize = inst->memory0 ? inst->memory0->size() : 0;                                           \
  } while (0)

  RELOAD_MEMORY();
  NEXT();

L_base:
  // Wasm opcodes that never appear in internal code.
L_Block:
L_Loop:
L_If:
L_Else:
L_End:
L_Br:
L_BrIf:
L_BrTable:
L_Return:
L_Call:
L_CallIndirect:
L_Drop:
L_Select:
L_SelectT:
L_LocalGet:
L_LocalSet:
L_LocalTee:
L_GlobalGet:
L_GlobalSet:
L_TableGet:
L_TableSet:
L_RefNull:
L_RefIsNull:
L_RefFunc:
L_MemoryInit:
L_DataDrop:
L_MemoryCopy:
L_MemoryFill:
L_TableInit:
L_ElemDrop:
L_TableCopy:
L_TableGrow:
L_TableSize:
L_TableFill:
L_I32Const:
L_I64Const:
L_F32Const:
L_F64Const:
L_MemorySize:
L_MemoryGrow:
L_Nop:
L_Unreachable:
  __builtin_trap();

  // ---- internal control ----
L_Copy:
  S(1) = S(2);
  ip += 3;
  NEXT();
L_CopyRange:
  std::memmove(fp + ip[1], fp + ip[2], sizeof(uint64_t) * ip[3]);
  ip += 4;
  NEXT();
L_Const32:
  S(1) = ip[2];
  ip += 3;
  NEXT();
L_Const64:
  S(1) = static_cast<uint64_t>(ip[2]) | (static_cast<uint64_t>(ip[3]) << 32);
  ip += 4;
  NEXT();
L_Jump:
  TAKE_BRANCH(ip[1]);
L_LoopEntry:
  ip += 2;
  if (metered) [[unlikely]] {
    meter_cost = ip[-1];
    goto L_meter;
  }
  NEXT();
L_BrIfNz:
  if (U32(1) != 0)
    TAKE_BRANCH(ip[2]);
  ip += 3;
  NEXT();
L_BrIfZ:
  if (U32(1) == 0)
    TAKE_BRANCH(ip[2]);
  ip += 3;
  NEXT();
#define FUSED(name, T, cmp)                                                                        \
  L_##name : if (static_cast<T>(S(1)) cmp static_cast<T>(S(2))) TAKE_BRANCH(ip[3]);                \
  ip += 4;                                                                                         \
  NEXT();
  FUSED(BrIfI32Eq, uint32_t, ==)
  FUSED(BrIfI32Ne, uint32_t, !=)
  FUSED(BrIfI32LtS, int32_t, <)
  FUSED(BrIfI32LtU, uint32_t, <)
  FUSED(BrIfI32GtS, int32_t, >)
  FUSED(BrIfI32GtU, uint32_t, >)
  FUSED(BrIfI32LeS, int32_t, <=)
  FUSED(BrIfI32LeU, uint32_t, <=)
  FUSED(BrIfI32GeS, int32_t, >=)
  FUSED(BrIfI32GeU, uint32_t, >=)
L_BrTableOp : {
  uint32_t i = U32(1);
  const uint32_t n = ip[2];
  if (i > n)
    i = n;
  TAKE_BRANCH(ip[3 + i]);
}
L_I32AddImm:
  PUT32(1, U32(2) + ip[3]);
  ip += 4;
  NEXT();
L_UnreachableOp:
  TRAP(trap_text::kUnreachable);
L_SelectOp:
  S(1) = U32(4) ? S(2) : S(3);
  ip += 5;
  NEXT();
L_GlobalGetOp:
  S(1) = inst->globals[ip[2]]->value;
  ip += 3;
  NEXT();
L_GlobalSetOp:
  inst->globals[ip[1]]->value = S(2);
  ip += 3;
  NEXT();
L_RefIsNullOp:
  PUT32(1, S(2) == kNullRef);
  ip += 3;
  NEXT();
L_RefFuncOp:
  S(1) = inst->func_addrs[ip[2]];
  ip += 3;
  NEXT();

  // ---- calls ----
L_CallOp:
  callee = inst->funcs[ip[1]];
  nfp = fp + ip[2];
  ip += 3;
  goto do_call;
L_CallLocalOp : {
  // A defined function of this module: no import check, no instance switch.
  const CompiledFunc *code;
  std::memcpy(&code, ip + 2, sizeof code);
  nfp = fp + ip[1];
  ip += 4;
  PUSH_FRAME(code);
  RUN_BODY(code);
}
L_CallIndirectOp : {
  TableInst *t = inst->tables[ip[2]];
  const uint32_t i = U32(3);
  if (i >= t->elems.size())
    TRAP(trap_text::kUndefinedElement);
  const uint64_t ref = t->elems[i];
  if (ref == kNullRef) {
    trap_index = i;
    TRAP(trap_text::kUninitializedElement);
  }
  callee = store->func_ptr(static_cast<uint32_t>(ref));
  if (callee->type_id != inst->type_ids[ip[1]])
    TRAP(trap_text::kIndirectMismatch);
  nfp = fp + ip[4];
  ip += 5;
  goto do_call;
}
do_call:
  if (callee->code == nullptr) {
    // A host function may invoke the guest again: that invoke continues above this point.
    store->exec_mark() = {nfp + std::max(callee->type.params.size(), callee->type.results.size()),
                          fr};
    if (auto t = call_host(*store, callee, inst, nfp)) {
      RunResult r;
      r.host_trap = std::move(t);
      r.ip = ip;
      r.inst = inst;
      return r;
    }
    RELOAD_MEMORY();
    NEXT();
  }
  {
    const CompiledFunc *code = callee->code;
    PUSH_FRAME(code);
    if (callee->module != inst) {
      inst = callee->module;
      RELOAD_MEMORY();
    }
    RUN_BODY(code);
  }
L_meter:
  // A loop iteration or a call is about to run: check the interrupt flag, charge its fuel.
  if (interrupt && interrupt->load(std::memory_order_relaxed))
    TRAP(trap_text::kInterrupted);
  if (fuel_left) {
    if (*fuel_left < meter_cost) {
      *fuel_left = 0;
      TRAP(trap_text::kFuelExhausted);
    }
    *fuel_left -= meter_cost;
  }
  NEXT();
L_ReturnOp : {
  const Frame &f = *--fr;
  ip = f.ip;
  fp = f.fp;
  if (f.inst != inst) { // mem/memsize are shared by all frames of one instance
    inst = f.inst;
    RELOAD_MEMORY();
  }
  NEXT();
}
L_ExitOp:
  return {};
L_trap : {
  RunResult r;
  r.ip = ip;
  r.inst = inst;
  r.trap = trap;
  r.trap_index = trap_index;
  return r;
}

#include "wasm/interp/handlers_memory.inc"
#include "wasm/interp/handlers_numeric.inc"
}

/// Adds to `trap` the wasm function whose code holds the trap's ip (a linear search: traps are
/// rare) and its name, if the module has one for it.
Trap locate(Trap trap, const RunResult &r) {
  if (r.inst == nullptr || r.ip == nullptr)
    return trap;
  const ValidatedModule &vm = *r.inst->module;
  if (!r.inst->interp_code)
    return trap;
  const std::vector<CompiledFunc> &funcs = r.inst->interp_code->funcs;
  for (size_t i = 0; i < funcs.size(); ++i) {
    const std::vector<uint32_t> &code = funcs[i].code;
    if (r.ip >= code.data() && r.ip < code.data() + code.size()) {
      trap.func_index = static_cast<uint32_t>(vm.module.imported_funcs + i);
      trap.func_name = function_name(vm.module, *trap.func_index);
      break;
    }
  }
  return trap;
}

/// Restores the store's ExecMark when an invoke ends, so an outer guest's mark is in force again.
class MarkGuard {
public:
  explicit MarkGuard(Store &store) : m_store(store), m_saved(store.exec_mark()) {}
  ~MarkGuard() { m_store.exec_mark() = m_saved; }
  MarkGuard(const MarkGuard &) = delete;
  MarkGuard &operator=(const MarkGuard &) = delete;

private:
  Store &m_store;
  ExecMark m_saved;
};

/// Runs compiled `f` with its frame at `fp` and its exit frame at `frames`.
std::expected<void, Trap> run_compiled(Store &store, FuncInst *f, std::span<const Value> args,
                                       uint64_t *fp, Frame *frames) {
  const CompiledFunc *code = f->code;
  Frame *const fr_end = store.call_frames() + store.limits().max_call_depth;
  uint64_t *const stack_end = store.value_stack().data() + store.value_stack().size();
  if (frames >= fr_end || code->frame_size > static_cast<size_t>(stack_end - fp))
    return std::unexpected(Trap{trap_text::kStackExhausted, std::nullopt});
  for (size_t i = 0; i < args.size(); ++i)
    fp[i] = args[i].bits;
  std::memset(fp + code->zero_begin, 0, sizeof(uint64_t) * code->zero_count);
  if (uint64_t *fuel = store.fuel_left()) {
    if (*fuel < code->fuel_cost) {
      *fuel = 0;
      return std::unexpected(Trap{trap_text::kFuelExhausted, std::nullopt});
    }
    *fuel -= code->fuel_cost;
  }
  frames[0] = Frame{g_exit_code, fp, f->module};
  RunResult r = execute(&store, code->code.data(), fp, f->module, frames + 1, fr_end);
  if (r.host_trap)
    return std::unexpected(locate(std::move(*r.host_trap), r));
  if (r.trap) {
    std::string text = r.trap;
    if (r.trap_index >= 0)
      text += " " + std::to_string(r.trap_index);
    return std::unexpected(locate(Trap{std::move(text), std::nullopt}, r));
  }
  return {};
}

} // namespace

const int32_t *handler_offsets() {
  static const int32_t *table = [] {
    execute(nullptr, nullptr, nullptr, nullptr, nullptr, nullptr);
    g_exit_code[0] = static_cast<uint32_t>(g_handlers[static_cast<unsigned>(IOp::ExitOp)]);
    return g_handlers;
  }();
  return table;
}

std::expected<std::vector<Value>, Trap> invoke(Store &store, uint32_t func_addr,
                                               std::span<const Value> args) {
  FuncInst *f = store.func_ptr(func_addr);
  if (args.size() != f->type.params.size())
    return std::unexpected(Trap{"type mismatch", std::nullopt});
  for (size_t i = 0; i < args.size(); ++i)
    if (args[i].type != f->type.params[i])
      return std::unexpected(Trap{"type mismatch", std::nullopt});
  std::vector<Value> results(f->type.results.size());
  if (!f->code) {
    if (!f->host) // a wasm function of an instance no tier attached code to
      return std::unexpected(Trap{"runner: function has no code", std::nullopt});
    for (size_t i = 0; i < results.size(); ++i)
      results[i] = default_value(f->type.results[i]);
    HostCall hc{store, nullptr, store.user_data()};
    if (auto t = f->host(hc, args, results))
      return std::unexpected(std::move(*t));
    return results;
  }
  handler_offsets();
  if (store.value_stack().empty())
    return std::unexpected(Trap{trap_text::kStackExhausted, std::nullopt});
  // Re-entered from a host function (issue 9 item 10): continue above the running guest's frames
  // and stack, so max_call_depth and the value stack bound all nested invokes together.
  MarkGuard guard(store);
  const ExecMark mark = store.exec_mark();
  uint64_t *fp = mark.stack_top ? mark.stack_top : store.value_stack().data();
  Frame *frames = mark.frame_top ? mark.frame_top : store.call_frames();
  if (auto r = run_compiled(store, f, args, fp, frames); !r)
    return std::unexpected(std::move(r.error()));
  for (size_t i = 0; i < results.size(); ++i) {
    uint64_t bits = fp[i];
    ValType t = f->type.results[i];
    if (t == ValType::I32 || t == ValType::F32)
      bits = static_cast<uint32_t>(bits);
    results[i] = Value{t, bits};
  }
  return results;
}

} // namespace isobox::wasm
