// Trap locations in compiled code: code address -> loaded module -> code symbol -> function name.
#include "wasm/aot/trap_site.hpp"

#include <optional>

#include "wasm/aot/aot.hpp"
#include "wasm/binary/names.hpp"

namespace isobox::wasm::aot {
namespace {

struct CodeOwner {
  const ModuleInstance *inst;
  CodeSymbol sym;
};

/// The instance and code symbol whose compiled code holds `pc`.
std::optional<CodeOwner> owner_of(const Linkage &linkage, uintptr_t pc) {
  for (size_t i = 0; i < linkage.modules.size() && i < linkage.contexts.size(); ++i) {
    const LoadedObject &code = linkage.modules[i]->code;
    if (pc < code.code_begin() || pc >= code.code_end())
      continue;
    if (const LoadedObject::CodeRange *r = code.code_at(pc))
      return CodeOwner{linkage.contexts[i]->inst, r->sym};
    return std::nullopt;
  }
  return std::nullopt;
}

/// Names the function (code in an entry wrapper counts as its function's; a thunk's as nobody's).
Trap named(Trap trap, const std::optional<CodeOwner> &owner) {
  if (!owner || owner->sym.kind == CodeKind::Thunk)
    return trap;
  trap.func_index = owner->sym.index;
  trap.func_name = function_name(owner->inst->module->module, owner->sym.index);
  return trap;
}

} // namespace

Trap locate(Trap trap, const TrapSite &site, const Linkage *linkage) {
  if (linkage == nullptr || site.pc == 0)
    return trap;
  if (!site.prologue)
    return named(std::move(trap), owner_of(*linkage, site.pc));
  // Who called: a compiled function, or the runtime through an entry wrapper (the return address
  // is in the wrapper, or outside compiled code when the wrapper's call was a tail call): for an
  // import, the compiled call recorded on the boundary; for the invoke itself, nobody.
  std::optional<CodeOwner> caller = owner_of(*linkage, site.caller);
  if (!caller || caller->sym.kind != CodeKind::Func)
    caller = site.outer_call ? owner_of(*linkage, site.outer_call) : std::nullopt;
  if (site.code == TrapCode::StackExhausted)
    return named(std::move(trap), caller);
  // Fuel for the function an invoke starts is charged before its frame exists: no name. The
  // interrupt flag is not checked there at all by the interpreter, which would trap at that
  // function's first loop header (naming it) or callee; naming the function is the nearest.
  if (site.code == TrapCode::FuelExhausted && !caller)
    return trap;
  return named(std::move(trap), owner_of(*linkage, site.pc));
}

} // namespace isobox::wasm::aot
