// The contract between LLVM-compiled Wasm code and the runtime: context layout, symbol names,
// helper functions and trap codes (the compiler in aot/llvm/ and the loader both follow it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace isobox::wasm {
struct Module;
struct ValidatedModule;
class MemInst;
struct ModuleInstance;
class Store;
} // namespace isobox::wasm

namespace isobox::wasm::aot {

/// Per-instance context, the first argument of every compiled function. Generated code reads
/// only the fields before `store`, at the offsets asserted below.
struct AotContext {
  uint8_t *mem_base = nullptr;      ///< linear memory 0 (reserved with guard regions), or null
  uint64_t **globals = nullptr;     ///< pointer to each global's 64-bit cell, imports first
  uintptr_t stack_limit = 0;        ///< compiled code traps "call stack exhausted" below it
  uint64_t pending_addr = 0;        ///< callee store address for the generic call thunk
  const void *interrupt = nullptr;  ///< StoreLimits::interrupt (an atomic bool), when compiled in
  uint64_t *fuel = nullptr;         ///< Store::fuel_left(), shared with the interpreter, or null
  uint32_t *depth_in_use = nullptr; ///< frames below the innermost call out (Linkage-wide)
  uint32_t max_depth = 0;           ///< StoreLimits::max_call_depth
  Store *store = nullptr;
  ModuleInstance *inst = nullptr;
  struct Linkage *linkage = nullptr;
  uintptr_t pending_site = 0; ///< where the call_indirect through a thunk was made (trap names)
  std::vector<uint64_t *> global_cells;
  std::vector<void *> thunks; ///< isobox_tT of each type index
};
inline constexpr unsigned kCtxMemBase = 0, kCtxGlobals = 8, kCtxStackLimit = 16,
                          kCtxPendingAddr = 24, kCtxInterrupt = 32, kCtxFuel = 40,
                          kCtxDepthInUse = 48, kCtxMaxDepth = 56;
static_assert(offsetof(AotContext, mem_base) == kCtxMemBase);
static_assert(offsetof(AotContext, globals) == kCtxGlobals);
static_assert(offsetof(AotContext, stack_limit) == kCtxStackLimit);
static_assert(offsetof(AotContext, pending_addr) == kCtxPendingAddr);
static_assert(offsetof(AotContext, interrupt) == kCtxInterrupt);
static_assert(offsetof(AotContext, fuel) == kCtxFuel);
static_assert(offsetof(AotContext, depth_in_use) == kCtxDepthInUse);
static_assert(offsetof(AotContext, max_depth) == kCtxMaxDepth);

/// Trap codes passed to isobox_aot_trap (index into trap_message()).
enum class TrapCode : uint32_t {
  Unreachable,
  DivByZero,
  IntOverflow,
  InvalidConversion,
  MemOob,
  TableOob,
  UndefinedElement,
  UninitializedElement,
  IndirectMismatch,
  StackExhausted,
  Interrupted,
  FuelExhausted,
};
const char *trap_message(TrapCode code);

/// Symbol names in the object: the function with module index I (defined functions only),
/// `R(AotContext *, uint32_t depth, params...)` where depth counts the Wasm frames below it, and
/// its entry wrapper `void(AotContext *, uint64_t *cells)` (arguments in, results out; the depth
/// from ctx->depth_in_use).
inline std::string func_symbol(uint32_t index) { return "isobox_f" + std::to_string(index); }
inline std::string entry_symbol(uint32_t index) { return "isobox_e" + std::to_string(index); }
/// A generic thunk per type index: `R(AotContext *, depth, params...)` calling ctx->pending_addr.
inline std::string thunk_symbol(uint32_t type) { return "isobox_t" + std::to_string(type); }

/// What a code symbol of the object is: a Wasm function (`isobox_f<I>`, also with a `.suffix`
/// LLVM may add to a clone), an entry wrapper (`isobox_e<I>`) or a call thunk (`isobox_t<T>`).
/// The loader keeps these symbols' ranges; a trap's code address names its function by them.
enum class CodeKind : uint8_t { Func, Entry, Thunk };
struct CodeSymbol {
  CodeKind kind;
  uint32_t index; ///< function index (imports first), or type index for a thunk
};
inline std::optional<CodeSymbol> parse_code_symbol(std::string_view name) {
  if (name.size() < 9 || !name.starts_with("isobox_"))
    return std::nullopt;
  const char k = name[7];
  CodeSymbol sym{k == 'f' ? CodeKind::Func : k == 'e' ? CodeKind::Entry : CodeKind::Thunk, 0};
  if (k != 'f' && k != 'e' && k != 't')
    return std::nullopt;
  size_t i = 8;
  uint64_t v = 0;
  for (; i < name.size() && name[i] >= '0' && name[i] <= '9' && v <= 0xffffffffu; ++i)
    v = v * 10 + static_cast<uint64_t>(name[i] - '0');
  if (i == 8 || v > 0xffffffffu || (i < name.size() && name[i] != '.'))
    return std::nullopt;
  sym.index = static_cast<uint32_t>(v);
  return sym;
}

/// What the compiler plug-in returns: an ELF relocatable object, or an error.
struct CompileOutput {
  std::vector<uint8_t> object;
  std::string error;
  std::string llvm_version;
};

/// How to compile: `opt_level` 0..3; `interruptible` compiles a check of ctx->interrupt into
/// every function entry and loop header (only when a --timeout watchdog exists); `metered`
/// compiles fuel charges there (only with a fuel limit; the interpreter's costs, see
/// docs/wasm-aot.md); `count_depth` compiles the call-depth counter (StoreLimits::max_call_depth).
/// Compiled code differs with each flag: a code cache must key on all of them.
struct CompileOptions {
  int opt_level = 2;
  bool interruptible = false;
  bool metered = false;
  bool count_depth = false;
};

/// Entry point of the compiler plug-in (libisobox_aot_llvm.so), looked up with dlsym. Returns
/// false (and sets out->error) on failure.
using CompileFn = bool (*)(const ValidatedModule *module, const CompileOptions *options,
                           CompileOutput *out);
inline constexpr const char *kCompileSymbol = "isobox_aot_compile_v2";

} // namespace isobox::wasm::aot

// Runtime helpers called by compiled code (defined in aot/helpers.cpp). `cells` are 64-bit.
extern "C" {
[[noreturn]] void isobox_aot_trap(isobox::wasm::aot::AotContext *ctx, uint32_t code);
/// A trap in a function's prologue (stack, depth, interrupt, fuel); `caller` is the function's
/// return address (in its caller, or in an entry wrapper when entered from the runtime).
[[noreturn]] void isobox_aot_trap_entry(isobox::wasm::aot::AotContext *ctx, uint32_t code,
                                        const void *caller);
void isobox_aot_call_import(isobox::wasm::aot::AotContext *ctx, uint32_t func, uint64_t *cells);
void isobox_aot_call_pending(isobox::wasm::aot::AotContext *ctx, uint32_t type, uint64_t *cells);
struct IsoboxAotCallee {
  void *fn;
  void *ctx;
};
IsoboxAotCallee isobox_aot_resolve_indirect(isobox::wasm::aot::AotContext *ctx, uint32_t table,
                                            uint32_t elem, uint32_t type);
uint32_t isobox_aot_memory_size(isobox::wasm::aot::AotContext *ctx);
uint32_t isobox_aot_memory_grow(isobox::wasm::aot::AotContext *ctx, uint32_t delta);
void isobox_aot_memory_fill(isobox::wasm::aot::AotContext *ctx, uint32_t d, uint32_t v, uint32_t n);
void isobox_aot_memory_copy(isobox::wasm::aot::AotContext *ctx, uint32_t d, uint32_t s, uint32_t n);
void isobox_aot_memory_init(isobox::wasm::aot::AotContext *ctx, uint32_t seg, uint32_t d,
                            uint32_t s, uint32_t n);
void isobox_aot_data_drop(isobox::wasm::aot::AotContext *ctx, uint32_t seg);
uint64_t isobox_aot_table_get(isobox::wasm::aot::AotContext *ctx, uint32_t table, uint32_t i);
void isobox_aot_table_set(isobox::wasm::aot::AotContext *ctx, uint32_t table, uint32_t i,
                          uint64_t ref);
uint32_t isobox_aot_table_size(isobox::wasm::aot::AotContext *ctx, uint32_t table);
uint32_t isobox_aot_table_grow(isobox::wasm::aot::AotContext *ctx, uint32_t table, uint64_t ref,
                               uint32_t n);
void isobox_aot_table_fill(isobox::wasm::aot::AotContext *ctx, uint32_t table, uint32_t i,
                           uint64_t ref, uint32_t n);
void isobox_aot_table_copy(isobox::wasm::aot::AotContext *ctx, uint32_t dst, uint32_t src,
                           uint32_t d, uint32_t s, uint32_t n);
void isobox_aot_table_init(isobox::wasm::aot::AotContext *ctx, uint32_t table, uint32_t seg,
                           uint32_t d, uint32_t s, uint32_t n);
void isobox_aot_elem_drop(isobox::wasm::aot::AotContext *ctx, uint32_t seg);
uint64_t isobox_aot_ref_func(isobox::wasm::aot::AotContext *ctx, uint32_t func);
}
