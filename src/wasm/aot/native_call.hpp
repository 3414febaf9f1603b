// The invoke boundary of compiled code: traps (explicit or from the guard-page fault handler)
// unwind to it with siglongjmp; it also sets the native stack limit.
#pragma once

#include <expected>
#include <optional>

#include "wasm/aot/abi.hpp"
#include "wasm/runtime/trap.hpp"

namespace isobox::wasm::aot {

/// Runs `entry(ctx, cells)`; a trap anywhere below comes back as the Trap.
std::expected<void, Trap> run_native(AotContext *ctx, void (*entry)(AotContext *, uint64_t *),
                                     uint64_t *cells);

/// Unwinds to the innermost boundary with `trap` (never returns). Call it only from frames
/// without live C++ objects that need destruction (compiled code and thin helpers).
/// `return_address` is that of the helper compiled code called (inside that code: the trap names
/// its function); null leaves the trap's function as it is.
[[noreturn]] void raise_trap(Trap &&trap, const void *return_address);
[[noreturn]] void raise_trap(TrapCode code, const void *return_address);
/// A trap in a function's prologue: `caller` is the function's own return address.
[[noreturn]] void raise_entry_trap(TrapCode code, const void *return_address, const void *caller);

/// While compiled code of another instance runs, entered from compiled code through the runtime
/// (an import): the call site there (a return address), which a "call stack exhausted" in the
/// callee's prologue names. Returns the previous one, for leave_outer_call.
uintptr_t enter_outer_call(const void *return_address);
void leave_outer_call(uintptr_t previous);

/// Installs the SIGSEGV/SIGBUS handler (once) and computes this thread's stack limit; call
/// before confinement (it reads /proc/self/maps through pthread_getattr_np).
void prepare_thread();

/// Registers [begin, end) as compiled code: faults there are guest traps.
void register_code(uintptr_t begin, uintptr_t end);
void unregister_code(uintptr_t begin);

} // namespace isobox::wasm::aot
