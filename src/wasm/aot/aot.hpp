// The LLVM tier: compile a validated module to native code (through the dlopen'ed compiler
// plug-in), load it, and attach it to an instance so its functions run compiled.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "wasm/aot/abi.hpp"
#include "wasm/aot/elf_loader.hpp"
#include "wasm/runtime/instantiate.hpp"

namespace isobox::wasm::aot {

using EntryFn = void (*)(AotContext *, uint64_t *);

/// A module's loaded native code, shared by its instances.
struct AotModule {
  AotModule() = default;
  ~AotModule(); ///< unregisters the code range
  AotModule(const AotModule &) = delete;
  AotModule &operator=(const AotModule &) = delete;
  LoadedObject code;
  std::vector<EntryFn> entries; ///< per function index (null for imports)
  std::vector<void *> direct;   ///< per function index: the function itself, when exported
  std::vector<void *> thunks;   ///< per type index
  double compile_ms = 0;        ///< LLVM translation + optimisation + emission
  size_t object_bytes = 0;
};

/// Compiled functions of a store by address, and the contexts they run with. Owned by the
/// embedder; must outlive every call into the store.
struct Linkage {
  struct Native {
    void *direct = nullptr;
    EntryFn entry = nullptr;
    AotContext *ctx = nullptr;
  };
  std::vector<Native> by_addr;
  std::vector<std::unique_ptr<AotContext>> contexts;
  std::vector<std::shared_ptr<const AotModule>> modules;
  /// Wasm frames below the innermost call from compiled code out to the runtime (a host function
  /// that may invoke the guest again continues above them, as in the interpreter).
  uint32_t depth_in_use = 0;
  const Native *find(uint32_t addr) const {
    return addr < by_addr.size() && by_addr[addr].entry ? &by_addr[addr] : nullptr;
  }
};

/// Whether this build has the LLVM tier (the compiler plug-in was built).
bool available();

/// Where the compiler plug-in is ($ISOBOX_AOT_PLUGIN, beside the executable, the build's path).
std::optional<std::string> compiler_plugin_path();

/// Loads the compiler plug-in (and libLLVM) now: before the engine confines its file access.
Result<void> load_compiler();

/// An ELF object the plug-in emitted for a module, and how long it took.
struct CompiledObject {
  std::vector<uint8_t> object;
  double compile_ms = 0;
};

/// Compiles `module` to an object without loading it (what the code cache stores). Loads the
/// plug-in (and libLLVM) if it is not loaded yet.
Result<CompiledObject> compile_object(const ValidatedModule &module,
                                      const CompileOptions &options = {});

/// Loads an object compiled from `module` (by compile_object, now or in an earlier process): no
/// LLVM involved. The object must come from `module` with this build (the code cache's key).
Result<std::shared_ptr<const AotModule>> load_code(const ValidatedModule &module,
                                                   std::span<const uint8_t> object);

/// Compiles and loads `module`. Errors: the plug-in cannot be loaded, or the module uses what the
/// tier does not translate yet.
Result<std::shared_ptr<const AotModule>> compile(const ValidatedModule &module,
                                                 const CompileOptions &options = {});

/// Makes `inst`'s defined functions run `code`: each becomes, for the rest of the store, a
/// function whose body is native code. The store must have been made with
/// StoreLimits::guard_regions (memories reserved with guard regions).
Result<void> attach(Store &store, ModuleInstance &inst, std::shared_ptr<const AotModule> code,
                    Linkage &linkage);

} // namespace isobox::wasm::aot
