// AotEngine: prepare() compiles with LLVM (through the plug-in), link() attaches the native code
// to each new instance; calls go through the store, where compiled functions are entries.
#include "wasm/aot/aot_engine.hpp"

#include <map>

#include "common/log.hpp"
#include "wasm/aot/aot.hpp"
#include "wasm/aot/native_call.hpp"
#include "wasm/interp/invoke.hpp"

namespace isobox::wasm::aot {
namespace {

StoreLimits with_guard_regions(StoreLimits limits) {
  limits.guard_regions = true;
  return limits;
}

class AotEngine final : public Engine {
public:
  explicit AotEngine(const StoreLimits &limits) : Engine(with_guard_regions(limits)) {}

  Tier tier() const override { return Tier::Aot; }

  InvokeResult call(uint32_t func_addr, std::span<const Value> args) override {
    return wasm::invoke(store(), func_addr, args);
  }

protected:
  std::expected<std::shared_ptr<const ValidatedModule>, LoadError>
  prepare(std::shared_ptr<const ValidatedModule> module, const LoadOptions &options) override {
    auto code = options.aot_object.empty() ? compile(*module, compile_options(store().limits()))
                                           : load_code(*module, options.aot_object);
    if (!code) // a module the tier cannot translate yet: say so, do not run it another way
      return std::unexpected(LoadError{LoadError::Kind::Invalid, code.error().message});
    if (options.aot_object.empty())
      log::debug("wasm aot: compiled in {:.1f} ms, {} bytes of object", (*code)->compile_ms,
                 (*code)->object_bytes);
    m_code[module.get()] = std::move(*code);
    return module;
  }

  std::optional<LoadError> link(const ValidatedModule &module, ModuleInstance &inst) override {
    auto it = m_code.find(&module);
    if (it == m_code.end())
      return LoadError{LoadError::Kind::Uninstantiable, "aot: module was not compiled"};
    if (auto r = attach(store(), inst, it->second, m_linkage); !r)
      return LoadError{LoadError::Kind::Uninstantiable, r.error().message};
    return std::nullopt;
  }

private:
  std::map<const ValidatedModule *, std::shared_ptr<const AotModule>> m_code;
  Linkage m_linkage;
};

} // namespace

CompileOptions compile_options(const StoreLimits &limits) {
  return CompileOptions{.interruptible = limits.interrupt != nullptr,
                        .metered = limits.fuel.has_value(),
                        .count_depth = true};
}

Result<std::unique_ptr<Engine>> make_aot_engine(const StoreLimits &limits, bool load_compiler) {
  // Precompiled code needs no plug-in (inside a container, its file is not even reachable).
  if (load_compiler && !available())
    return make_error("the aot tier is not built in");
  if (load_compiler) // before Landlock: the plug-in and libLLVM are files
    ISOBOX_CHECK(aot::load_compiler());
  prepare_thread(); // before confinement too: the stack's extent comes from /proc/self/maps
  return std::make_unique<AotEngine>(limits);
}

} // namespace isobox::wasm::aot
