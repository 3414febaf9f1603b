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
[[noreturn]] void raise_trap(Trap &&trap);
[[noreturn]] void raise_trap(TrapCode code);

/// Installs the SIGSEGV/SIGBUS handler (once) and computes this thread's stack limit; call
/// before confinement (it reads /proc/self/maps through pthread_getattr_np).
void prepare_thread();

/// Registers [begin, end) as compiled code: faults there are guest traps.
void register_code(uintptr_t begin, uintptr_t end);
void unregister_code(uintptr_t begin);

} // namespace isobox::wasm::aot
