// Names the Wasm function a trap in compiled code happened in, as the interpreter names it, from
// the code address and the loaded objects' symbols (no LLVM: cached code carries its symbols).
#pragma once

#include <cstdint>

#include "wasm/aot/abi.hpp"
#include "wasm/runtime/trap.hpp"

namespace isobox::wasm::aot {

struct Linkage;

/// Where a trap came from in compiled code (0: not known).
struct TrapSite {
  uintptr_t pc = 0;         ///< the faulting instruction, or inside the call that raised the trap
  uintptr_t caller = 0;     ///< prologue traps: inside the call that entered the function
  uintptr_t outer_call = 0; ///< prologue traps: the compiled call that entered another instance
  bool prologue = false;    ///< raised by a function's entry checks (stack, depth, interrupt, fuel)
  TrapCode code = TrapCode::Unreachable; ///< of a prologue trap
};

/// `trap` with func_index/func_name set as the interpreter sets them: the function whose code
/// holds `site.pc`; for a "call stack exhausted" at a function's entry, its caller (the
/// interpreter traps at the call); for fuel at the entry of the function the invoke started, none
/// (the interpreter charges it before that function's frame exists). Unchanged when the site is
/// unknown or not in `linkage`'s code.
Trap locate(Trap trap, const TrapSite &site, const Linkage *linkage);

} // namespace isobox::wasm::aot
