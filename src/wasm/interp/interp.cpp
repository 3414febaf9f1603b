// The interpreter: direct-threaded dispatch (GCC computed goto) over the validator's internal
// code. Operands are frame slots of untyped 64-bit cells; calls push frames on an own stack.
#include <cstring>

// Computed goto (labels as values) is the GCC extension this dispatch is built on.
#pragma GCC diagnostic ignored "-Wpedantic"

#include "wasm/interp/invoke.hpp"
#include "wasm/interp/numeric.hpp"
#include "wasm/runtime/instantiate.hpp"

namespace isobox::wasm {
namespace {

struct Frame {
  const uint32_t *ip;
  uint64_t *fp;
  ModuleInstance *inst;
};

struct RunResult {
  const char *trap = nullptr;
  int64_t trap_index = -1; ///< appended to the text when set ("uninitialized element 2")
  std::optional<Trap> host_trap;
};

const int32_t *g_handlers = nullptr;
uint32_t g_exit_code[1];

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
    results[i] = Value{f->type.results[i], 0};
  HostCall hc{store, caller ? caller->memory0 : nullptr, store.user_data()};
  std::vector<Value> a = args, r = results; // copies: a host call may re-enter and reuse buffers
  if (auto t = f->host(hc, a, r))
    return t;
  for (size_t i = 0; i < r.size(); ++i)
    fp[i] = r[i].bits;
  return std::nullopt;
}

/// Runs from `ip` until ExitOp. With store == nullptr, only publishes the handler table.
RunResult execute(Store *store, const uint32_t *ip, uint64_t *fp, ModuleInstance *inst,
                  Frame *frames, uint32_t depth) {
  if (store == nullptr) {
#define ISOBOX_LABEL_ADDR(name) &&L_##name,
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
  const uint32_t max_depth = store->limits().max_call_depth;
  uint64_t *const stack_end = store->value_stack().data() + store->value_stack().size();
  // Metering (issue 4): with a fuel limit or an interrupt flag, every call and every taken
  // backward branch (each loop iteration) goes through L_meter; otherwise only this flag is tested.
  uint64_t *const fuel_left = store->fuel_left();
  const std::atomic<bool> *const interrupt = store->limits().interrupt;
  const bool metered = fuel_left != nullptr || interrupt != nullptr;
  uint8_t *mem = nullptr;
  uint64_t memsize = 0;
  const char *trap = nullptr;
  int64_t trap_index = -1;
  FuncInst *callee = nullptr;
  uint64_t *nfp = nullptr;

#define NEXT() goto *static_cast<const void *>(base + static_cast<int32_t>(*ip))
#define S(k) fp[ip[k]]
/// Takes a branch; a backward one (offset <= 0: a loop's back edge) is metered.
#define TAKE_BRANCH(off)                                                                           \
  do {                                                                                             \
    const int32_t off_ = static_cast<int32_t>(off);                                                \
    ip += off_;                                                                                    \
    if (metered && off_ <= 0) [[unlikely]]                                                         \
      goto L_meter;                                                                                \
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
    if (auto t = call_host(*store, callee, inst, nfp)) {
      RunResult r;
      r.host_trap = std::move(t);
      return r;
    }
    RELOAD_MEMORY();
    NEXT();
  }
  {
    const CompiledFunc *code = callee->code;
    if (depth >= max_depth || nfp + code->frame_size > stack_end)
      TRAP(trap_text::kStackExhausted);
    frames[depth++] = Frame{ip, fp, inst};
    fp = nfp;
    for (uint64_t *p = fp + code->num_params, *e = p + code->num_locals; p < e; ++p)
      *p = 0;
    if (callee->module != inst) {
      inst = callee->module;
      RELOAD_MEMORY();
    }
    ip = code->code.data();
    if (metered) [[unlikely]]
      goto L_meter;
    NEXT();
  }
L_meter:
  // One unit of fuel per metered event (a constant, not a per-block instruction count).
  if (interrupt && interrupt->load(std::memory_order_relaxed))
    TRAP(trap_text::kInterrupted);
  if (fuel_left) {
    if (*fuel_left == 0)
      TRAP(trap_text::kFuelExhausted);
    --*fuel_left;
  }
  NEXT();
L_ReturnOp : {
  const Frame &f = frames[--depth];
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
  r.trap = trap;
  r.trap_index = trap_index;
  return r;
}

// ---- memory ----
#define EA(n)                                                                                      \
  const uint64_t ea = static_cast<uint64_t>(U32(2)) + ip[3];                                       \
  if (ea + (n) > memsize)                                                                          \
    TRAP(trap_text::kMemOob);
#define LOAD(name, T, put)                                                                         \
  L_##name : {                                                                                     \
    EA(sizeof(T));                                                                                 \
    T v;                                                                                           \
    std::memcpy(&v, mem + ea, sizeof(T));                                                          \
    put(1, v);                                                                                     \
    ip += 4;                                                                                       \
    NEXT();                                                                                        \
  }
  LOAD(I32Load, uint32_t, PUT32)
  LOAD(I64Load, uint64_t, PUT64)
  LOAD(F32Load, uint32_t, PUT32)
  LOAD(F64Load, uint64_t, PUT64)
  LOAD(I32Load8S, int8_t, PUT32)
  LOAD(I32Load8U, uint8_t, PUT32)
  LOAD(I32Load16S, int16_t, PUT32)
  LOAD(I32Load16U, uint16_t, PUT32)
  LOAD(I64Load8S, int8_t, PUT64)
  LOAD(I64Load8U, uint8_t, PUT64)
  LOAD(I64Load16S, int16_t, PUT64)
  LOAD(I64Load16U, uint16_t, PUT64)
  LOAD(I64Load32S, int32_t, PUT64)
  LOAD(I64Load32U, uint32_t, PUT64)
#define STORE(name, T)                                                                             \
  L_##name : {                                                                                     \
    const uint64_t ea = static_cast<uint64_t>(U32(1)) + ip[3];                                     \
    if (ea + sizeof(T) > memsize)                                                                  \
      TRAP(trap_text::kMemOob);                                                                    \
    const T v = static_cast<T>(S(2));                                                              \
    std::memcpy(mem + ea, &v, sizeof(T));                                                          \
    ip += 4;                                                                                       \
    NEXT();                                                                                        \
  }
  STORE(I32Store, uint32_t)
  STORE(I64Store, uint64_t)
  STORE(F32Store, uint32_t)
  STORE(F64Store, uint64_t)
  STORE(I32Store8, uint8_t)
  STORE(I32Store16, uint16_t)
  STORE(I64Store8, uint8_t)
  STORE(I64Store16, uint16_t)
  STORE(I64Store32, uint32_t)
L_MemorySizeOp:
  PUT32(1, memsize / kPageSize);
  ip += 2;
  NEXT();
L_MemoryGrowOp : {
  auto old = inst->memory0->grow(U32(2));
  PUT32(1, old ? *old : 0xffffffffu);
  RELOAD_MEMORY();
  ip += 3;
  NEXT();
}
L_MemoryInitOp : {
  DataInst &seg = inst->datas[ip[1]];
  const uint64_t d = U32(2), s = U32(3), n = U32(4);
  if (s + n > seg.bytes.size() || d + n > memsize)
    TRAP(trap_text::kMemOob);
  if (n)
    std::memcpy(mem + d, seg.bytes.data() + s, n);
  ip += 5;
  NEXT();
}
L_DataDropOp:
  inst->datas[ip[1]].bytes = {};
  ip += 2;
  NEXT();
L_MemoryCopyOp : {
  const uint64_t d = U32(1), s = U32(2), n = U32(3);
  if (s + n > memsize || d + n > memsize)
    TRAP(trap_text::kMemOob);
  if (n)
    std::memmove(mem + d, mem + s, n);
  ip += 4;
  NEXT();
}
L_MemoryFillOp : {
  const uint64_t d = U32(1), n = U32(3);
  if (d + n > memsize)
    TRAP(trap_text::kMemOob);
  if (n)
    std::memset(mem + d, static_cast<uint8_t>(S(2)), n);
  ip += 4;
  NEXT();
}

  // ---- tables ----
L_TableGetOp : {
  TableInst *t = inst->tables[ip[2]];
  const uint32_t i = U32(3);
  if (i >= t->elems.size())
    TRAP(trap_text::kTableOob);
  S(1) = t->elems[i];
  ip += 4;
  NEXT();
}
L_TableSetOp : {
  TableInst *t = inst->tables[ip[1]];
  const uint32_t i = U32(2);
  if (i >= t->elems.size())
    TRAP(trap_text::kTableOob);
  t->elems[i] = S(3);
  ip += 4;
  NEXT();
}
L_TableSizeOp:
  PUT32(1, inst->tables[ip[2]]->elems.size());
  ip += 3;
  NEXT();
L_TableGrowOp : {
  TableInst *t = inst->tables[ip[2]];
  const uint64_t old = t->elems.size(), n = U32(4);
  uint64_t max = t->type.limits.max.value_or(0xffffffffu);
  max = std::min<uint64_t>(max, store->limits().max_table_elems);
  if (old + n > max) {
    PUT32(1, 0xffffffffu);
  } else {
    t->elems.resize(old + n, S(3));
    PUT32(1, old);
  }
  ip += 5;
  NEXT();
}
L_TableFillOp : {
  TableInst *t = inst->tables[ip[1]];
  const uint64_t i = U32(2), n = U32(4);
  if (i + n > t->elems.size())
    TRAP(trap_text::kTableOob);
  std::fill_n(t->elems.begin() + static_cast<ptrdiff_t>(i), n, S(3));
  ip += 5;
  NEXT();
}
L_TableCopyOp : {
  TableInst *dt = inst->tables[ip[1]];
  TableInst *st = inst->tables[ip[2]];
  const uint64_t d = U32(3), s = U32(4), n = U32(5);
  if (s + n > st->elems.size() || d + n > dt->elems.size())
    TRAP(trap_text::kTableOob);
  if (n)
    std::memmove(dt->elems.data() + d, st->elems.data() + s, n * sizeof(uint64_t));
  ip += 6;
  NEXT();
}
L_TableInitOp : {
  TableInst *t = inst->tables[ip[1]];
  ElemInst &seg = inst->elems[ip[2]];
  const uint64_t d = U32(3), s = U32(4), n = U32(5);
  if (s + n > seg.refs.size() || d + n > t->elems.size())
    TRAP(trap_text::kTableOob);
  if (n)
    std::memcpy(t->elems.data() + d, seg.refs.data() + s, n * sizeof(uint64_t));
  ip += 6;
  NEXT();
}
L_ElemDropOp:
  inst->elems[ip[1]].refs.clear();
  ip += 2;
  NEXT();

  // ---- immediate-operand and fused forms ----
#define BIN_IMM(name, get, expr)                                                                   \
  L_##name : {                                                                                     \
    const auto a = get(2);                                                                         \
    const uint32_t b = ip[3];                                                                      \
    PUT32(1, expr);                                                                                \
    ip += 4;                                                                                       \
    NEXT();                                                                                        \
  }
  BIN_IMM(I32MulImm, U32, a * b)
  BIN_IMM(I32AndImm, U32, a & b)
  BIN_IMM(I32OrImm, U32, a | b)
  BIN_IMM(I32XorImm, U32, a ^ b)
  BIN_IMM(I32ShlImm, U32, a << (b & 31))
  BIN_IMM(I32ShrSImm, S32, a >> (b & 31))
  BIN_IMM(I32ShrUImm, U32, a >> (b & 31))
  BIN_IMM(I32EqImm, U32, a == b)
  BIN_IMM(I32NeImm, U32, a != b)
  BIN_IMM(I32LtSImm, S32, a < static_cast<int32_t>(b))
  BIN_IMM(I32LtUImm, U32, a < b)
  BIN_IMM(I32GtSImm, S32, a > static_cast<int32_t>(b))
  BIN_IMM(I32GtUImm, U32, a > b)
  BIN_IMM(I32LeSImm, S32, a <= static_cast<int32_t>(b))
  BIN_IMM(I32LeUImm, U32, a <= b)
  BIN_IMM(I32GeSImm, S32, a >= static_cast<int32_t>(b))
  BIN_IMM(I32GeUImm, U32, a >= b)
#define FUSED_IMM(name, T, cmp)                                                                    \
  L_##name : if (static_cast<T>(S(1)) cmp static_cast<T>(ip[2])) TAKE_BRANCH(ip[3]);               \
  ip += 4;                                                                                         \
  NEXT();
  FUSED_IMM(BrIfI32EqImm, uint32_t, ==)
  FUSED_IMM(BrIfI32NeImm, uint32_t, !=)
  FUSED_IMM(BrIfI32LtSImm, int32_t, <)
  FUSED_IMM(BrIfI32LtUImm, uint32_t, <)
  FUSED_IMM(BrIfI32GtSImm, int32_t, >)
  FUSED_IMM(BrIfI32GtUImm, uint32_t, >)
  FUSED_IMM(BrIfI32LeSImm, int32_t, <=)
  FUSED_IMM(BrIfI32LeUImm, uint32_t, <=)
  FUSED_IMM(BrIfI32GeSImm, int32_t, >=)
  FUSED_IMM(BrIfI32GeUImm, uint32_t, >=)
#define LOADK(name, T, put)                                                                        \
  L_##name##K : {                                                                                  \
    const uint64_t ea = static_cast<uint64_t>(static_cast<uint32_t>(U32(2) + ip[3])) + ip[4];      \
    if (ea + sizeof(T) > memsize)                                                                  \
      TRAP(trap_text::kMemOob);                                                                    \
    T v;                                                                                           \
    std::memcpy(&v, mem + ea, sizeof(T));                                                          \
    put(1, v);                                                                                     \
    ip += 5;                                                                                       \
    NEXT();                                                                                        \
  }
  LOADK(I32Load, uint32_t, PUT32)
  LOADK(I64Load, uint64_t, PUT64)
  LOADK(F32Load, uint32_t, PUT32)
  LOADK(F64Load, uint64_t, PUT64)
  LOADK(I32Load8S, int8_t, PUT32)
  LOADK(I32Load8U, uint8_t, PUT32)
  LOADK(I32Load16S, int16_t, PUT32)
  LOADK(I32Load16U, uint16_t, PUT32)
  LOADK(I64Load8S, int8_t, PUT64)
  LOADK(I64Load8U, uint8_t, PUT64)
  LOADK(I64Load16S, int16_t, PUT64)
  LOADK(I64Load16U, uint16_t, PUT64)
  LOADK(I64Load32S, int32_t, PUT64)
  LOADK(I64Load32U, uint32_t, PUT64)
#define STOREK(name, T)                                                                            \
  L_##name##K : {                                                                                  \
    const uint64_t ea = static_cast<uint64_t>(static_cast<uint32_t>(U32(1) + ip[3])) + ip[4];      \
    if (ea + sizeof(T) > memsize)                                                                  \
      TRAP(trap_text::kMemOob);                                                                    \
    const T v = static_cast<T>(S(2));                                                              \
    std::memcpy(mem + ea, &v, sizeof(T));                                                          \
    ip += 5;                                                                                       \
    NEXT();                                                                                        \
  }
  STOREK(I32Store, uint32_t)
  STOREK(I64Store, uint64_t)
  STOREK(F32Store, uint32_t)
  STOREK(F64Store, uint64_t)
  STOREK(I32Store8, uint8_t)
  STOREK(I32Store16, uint16_t)
  STOREK(I64Store8, uint8_t)
  STOREK(I64Store16, uint16_t)
  STOREK(I64Store32, uint32_t)

  // ---- numeric ----
#define UN(name, get, put, expr)                                                                   \
  L_##name : {                                                                                     \
    const auto a = get(2);                                                                         \
    put(1, expr);                                                                                  \
    ip += 3;                                                                                       \
    NEXT();                                                                                        \
  }
#define BIN(name, get, put, expr)                                                                  \
  L_##name : {                                                                                     \
    const auto a = get(2);                                                                         \
    const auto b = get(3);                                                                         \
    put(1, expr);                                                                                  \
    ip += 4;                                                                                       \
    NEXT();                                                                                        \
  }
  UN(I32Eqz, U32, PUT32, a == 0)
  BIN(I32Eq, U32, PUT32, a == b)
  BIN(I32Ne, U32, PUT32, a != b)
  BIN(I32LtS, S32, PUT32, a < b)
  BIN(I32LtU, U32, PUT32, a < b)
  BIN(I32GtS, S32, PUT32, a > b)
  BIN(I32GtU, U32, PUT32, a > b)
  BIN(I32LeS, S32, PUT32, a <= b)
  BIN(I32LeU, U32, PUT32, a <= b)
  BIN(I32GeS, S32, PUT32, a >= b)
  BIN(I32GeU, U32, PUT32, a >= b)
  UN(I64Eqz, U64, PUT32, a == 0)
  BIN(I64Eq, U64, PUT32, a == b)
  BIN(I64Ne, U64, PUT32, a != b)
  BIN(I64LtS, S64, PUT32, a < b)
  BIN(I64LtU, U64, PUT32, a < b)
  BIN(I64GtS, S64, PUT32, a > b)
  BIN(I64GtU, U64, PUT32, a > b)
  BIN(I64LeS, S64, PUT32, a <= b)
  BIN(I64LeU, U64, PUT32, a <= b)
  BIN(I64GeS, S64, PUT32, a >= b)
  BIN(I64GeU, U64, PUT32, a >= b)
  BIN(F32Eq, F32, PUT32, a == b)
  BIN(F32Ne, F32, PUT32, a != b)
  BIN(F32Lt, F32, PUT32, a < b)
  BIN(F32Gt, F32, PUT32, a > b)
  BIN(F32Le, F32, PUT32, a <= b)
  BIN(F32Ge, F32, PUT32, a >= b)
  BIN(F64Eq, F64, PUT32, a == b)
  BIN(F64Ne, F64, PUT32, a != b)
  BIN(F64Lt, F64, PUT32, a < b)
  BIN(F64Gt, F64, PUT32, a > b)
  BIN(F64Le, F64, PUT32, a <= b)
  BIN(F64Ge, F64, PUT32, a >= b)
  UN(I32Clz, U32, PUT32, std::countl_zero(a))
  UN(I32Ctz, U32, PUT32, std::countr_zero(a))
  UN(I32Popcnt, U32, PUT32, std::popcount(a))
  BIN(I32Add, U32, PUT32, a + b)
  BIN(I32Sub, U32, PUT32, a - b)
  BIN(I32Mul, U32, PUT32, a * b)
L_I32DivS : {
  const int32_t a = S32(2), b = S32(3);
  if (b == 0)
    TRAP(trap_text::kDivByZero);
  if (a == INT32_MIN && b == -1)
    TRAP(trap_text::kIntOverflow);
  PUT32(1, a / b);
  ip += 4;
  NEXT();
}
L_I32DivU : {
  const uint32_t a = U32(2), b = U32(3);
  if (b == 0)
    TRAP(trap_text::kDivByZero);
  PUT32(1, a / b);
  ip += 4;
  NEXT();
}
L_I32RemS : {
  const int32_t a = S32(2), b = S32(3);
  if (b == 0)
    TRAP(trap_text::kDivByZero);
  PUT32(1, b == -1 ? 0 : a % b);
  ip += 4;
  NEXT();
}
L_I32RemU : {
  const uint32_t a = U32(2), b = U32(3);
  if (b == 0)
    TRAP(trap_text::kDivByZero);
  PUT32(1, a % b);
  ip += 4;
  NEXT();
}
  BIN(I32And, U32, PUT32, a & b)
  BIN(I32Or, U32, PUT32, a | b)
  BIN(I32Xor, U32, PUT32, a ^ b)
  BIN(I32Shl, U32, PUT32, a << (b & 31))
  BIN(I32ShrS, S32, PUT32, a >> (b & 31))
  BIN(I32ShrU, U32, PUT32, a >> (b & 31))
  BIN(I32Rotl, U32, PUT32, std::rotl(a, static_cast<int>(b & 31)))
  BIN(I32Rotr, U32, PUT32, std::rotr(a, static_cast<int>(b & 31)))
  UN(I64Clz, U64, PUT64, std::countl_zero(a))
  UN(I64Ctz, U64, PUT64, std::countr_zero(a))
  UN(I64Popcnt, U64, PUT64, std::popcount(a))
  BIN(I64Add, U64, PUT64, a + b)
  BIN(I64Sub, U64, PUT64, a - b)
  BIN(I64Mul, U64, PUT64, a * b)
L_I64DivS : {
  const int64_t a = S64(2), b = S64(3);
  if (b == 0)
    TRAP(trap_text::kDivByZero);
  if (a == INT64_MIN && b == -1)
    TRAP(trap_text::kIntOverflow);
  PUT64(1, a / b);
  ip += 4;
  NEXT();
}
L_I64DivU : {
  const uint64_t a = U64(2), b = U64(3);
  if (b == 0)
    TRAP(trap_text::kDivByZero);
  PUT64(1, a / b);
  ip += 4;
  NEXT();
}
L_I64RemS : {
  const int64_t a = S64(2), b = S64(3);
  if (b == 0)
    TRAP(trap_text::kDivByZero);
  PUT64(1, b == -1 ? 0 : a % b);
  ip += 4;
  NEXT();
}
L_I64RemU : {
  const uint64_t a = U64(2), b = U64(3);
  if (b == 0)
    TRAP(trap_text::kDivByZero);
  PUT64(1, a % b);
  ip += 4;
  NEXT();
}
  BIN(I64And, U64, PUT64, a & b)
  BIN(I64Or, U64, PUT64, a | b)
  BIN(I64Xor, U64, PUT64, a ^ b)
  BIN(I64Shl, U64, PUT64, a << (b & 63))
  BIN(I64ShrS, S64, PUT64, a >> (b & 63))
  BIN(I64ShrU, U64, PUT64, a >> (b & 63))
  BIN(I64Rotl, U64, PUT64, std::rotl(a, static_cast<int>(b & 63)))
  BIN(I64Rotr, U64, PUT64, std::rotr(a, static_cast<int>(b & 63)))
  UN(F32Abs, U32, PUT32, a & 0x7fffffffu)
  UN(F32Neg, U32, PUT32, a ^ 0x80000000u)
  UN(F32Ceil, F32, PUTF32, std::isnan(a) ? a + a : std::ceil(a))
  UN(F32Floor, F32, PUTF32, std::isnan(a) ? a + a : std::floor(a))
  UN(F32Trunc, F32, PUTF32, std::isnan(a) ? a + a : std::trunc(a))
  UN(F32Nearest, F32, PUTF32, std::isnan(a) ? a + a : num::nearest(a))
  UN(F32Sqrt, F32, PUTF32, std::sqrt(a))
  BIN(F32Add, F32, PUTF32, a + b)
  BIN(F32Sub, F32, PUTF32, a - b)
  BIN(F32Mul, F32, PUTF32, a * b)
  BIN(F32Div, F32, PUTF32, a / b)
  BIN(F32Min, F32, PUTF32, num::fmin(a, b))
  BIN(F32Max, F32, PUTF32, num::fmax(a, b))
  BIN(F32Copysign, U32, PUT32, (a & 0x7fffffffu) | (b & 0x80000000u))
  UN(F64Abs, U64, PUT64, a & 0x7fffffffffffffffull)
  UN(F64Neg, U64, PUT64, a ^ 0x8000000000000000ull)
  UN(F64Ceil, F64, PUTF64, std::isnan(a) ? a + a : std::ceil(a))
  UN(F64Floor, F64, PUTF64, std::isnan(a) ? a + a : std::floor(a))
  UN(F64Trunc, F64, PUTF64, std::isnan(a) ? a + a : std::trunc(a))
  UN(F64Nearest, F64, PUTF64, std::isnan(a) ? a + a : num::nearest(a))
  UN(F64Sqrt, F64, PUTF64, std::sqrt(a))
  BIN(F64Add, F64, PUTF64, a + b)
  BIN(F64Sub, F64, PUTF64, a - b)
  BIN(F64Mul, F64, PUTF64, a * b)
  BIN(F64Div, F64, PUTF64, a / b)
  BIN(F64Min, F64, PUTF64, num::fmin(a, b))
  BIN(F64Max, F64, PUTF64, num::fmax(a, b))
  BIN(F64Copysign, U64, PUT64, (a & 0x7fffffffffffffffull) | (b & 0x8000000000000000ull))
  UN(I32WrapI64, U64, PUT32, a)
#define TRUNC(name, I, get, put)                                                                   \
  L_##name : {                                                                                     \
    const auto a = get(2);                                                                         \
    switch (num::trunc_check<I>(a)) {                                                              \
    case num::TruncError::Nan: TRAP(trap_text::kInvalidConversion);                                \
    case num::TruncError::Overflow: TRAP(trap_text::kIntOverflow);                                 \
    case num::TruncError::None: break;                                                             \
    }                                                                                              \
    put(1, static_cast<I>(a));                                                                     \
    ip += 3;                                                                                       \
    NEXT();                                                                                        \
  }
  TRUNC(I32TruncF32S, int32_t, F32, PUT32)
  TRUNC(I32TruncF32U, uint32_t, F32, PUT32)
  TRUNC(I32TruncF64S, int32_t, F64, PUT32)
  TRUNC(I32TruncF64U, uint32_t, F64, PUT32)
  UN(I64ExtendI32S, S32, PUT64, static_cast<int64_t>(a))
  UN(I64ExtendI32U, U32, PUT64, static_cast<uint64_t>(a))
  TRUNC(I64TruncF32S, int64_t, F32, PUT64)
  TRUNC(I64TruncF32U, uint64_t, F32, PUT64)
  TRUNC(I64TruncF64S, int64_t, F64, PUT64)
  TRUNC(I64TruncF64U, uint64_t, F64, PUT64)
  UN(F32ConvertI32S, S32, PUTF32, static_cast<float>(a))
  UN(F32ConvertI32U, U32, PUTF32, static_cast<float>(a))
  UN(F32ConvertI64S, S64, PUTF32, static_cast<float>(a))
  UN(F32ConvertI64U, U64, PUTF32, static_cast<float>(a))
  UN(F32DemoteF64, F64, PUTF32, static_cast<float>(a))
  UN(F64ConvertI32S, S32, PUTF64, static_cast<double>(a))
  UN(F64ConvertI32U, U32, PUTF64, static_cast<double>(a))
  UN(F64ConvertI64S, S64, PUTF64, static_cast<double>(a))
  UN(F64ConvertI64U, U64, PUTF64, static_cast<double>(a))
  UN(F64PromoteF32, F32, PUTF64, static_cast<double>(a))
  UN(I32ReinterpretF32, U32, PUT32, a)
  UN(I64ReinterpretF64, U64, PUT64, a)
  UN(F32ReinterpretI32, U32, PUT32, a)
  UN(F64ReinterpretI64, U64, PUT64, a)
  UN(I32Extend8S, U32, PUT32, static_cast<int32_t>(static_cast<int8_t>(a)))
  UN(I32Extend16S, U32, PUT32, static_cast<int32_t>(static_cast<int16_t>(a)))
  UN(I64Extend8S, U64, PUT64, static_cast<int64_t>(static_cast<int8_t>(a)))
  UN(I64Extend16S, U64, PUT64, static_cast<int64_t>(static_cast<int16_t>(a)))
  UN(I64Extend32S, U64, PUT64, static_cast<int64_t>(static_cast<int32_t>(a)))
  UN(I32TruncSatF32S, F32, PUT32, num::trunc_sat<int32_t>(a))
  UN(I32TruncSatF32U, F32, PUT32, num::trunc_sat<uint32_t>(a))
  UN(I32TruncSatF64S, F64, PUT32, num::trunc_sat<int32_t>(a))
  UN(I32TruncSatF64U, F64, PUT32, num::trunc_sat<uint32_t>(a))
  UN(I64TruncSatF32S, F32, PUT64, num::trunc_sat<int64_t>(a))
  UN(I64TruncSatF32U, F32, PUT64, num::trunc_sat<uint64_t>(a))
  UN(I64TruncSatF64S, F64, PUT64, num::trunc_sat<int64_t>(a))
  UN(I64TruncSatF64U, F64, PUT64, num::trunc_sat<uint64_t>(a))
}

} // namespace

const int32_t *handler_offsets() {
  static const int32_t *table = [] {
    execute(nullptr, nullptr, nullptr, nullptr, nullptr, 0);
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
    for (size_t i = 0; i < results.size(); ++i)
      results[i] = Value{f->type.results[i], 0};
    HostCall hc{store, nullptr, store.user_data()};
    if (auto t = f->host(hc, args, results))
      return std::unexpected(std::move(*t));
    return results;
  }
  handler_offsets();
  ValueStack &stack = store.value_stack();
  thread_local std::vector<Frame> frames;
  frames.resize(store.limits().max_call_depth + 1);
  uint64_t *fp = stack.data();
  const CompiledFunc *code = f->code;
  if (code->frame_size > stack.size())
    return std::unexpected(Trap{trap_text::kStackExhausted, std::nullopt});
  for (size_t i = 0; i < args.size(); ++i)
    fp[i] = args[i].bits;
  std::memset(fp + code->num_params, 0, sizeof(uint64_t) * code->num_locals);
  frames[0] = Frame{g_exit_code, fp, f->module};
  RunResult r = execute(&store, code->code.data(), fp, f->module, frames.data(), 1);
  if (r.host_trap)
    return std::unexpected(std::move(*r.host_trap));
  if (r.trap) {
    std::string text = r.trap;
    if (r.trap_index >= 0)
      text += " " + std::to_string(r.trap_index);
    return std::unexpected(Trap{std::move(text), std::nullopt});
  }
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
