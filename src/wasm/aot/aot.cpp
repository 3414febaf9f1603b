// The LLVM tier's runtime side: loads the compiler plug-in on demand, loads its object, and
// attaches native code to instances (compiled functions become store functions of their own).
#include "wasm/aot/aot.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <math.h>
#include <string_view>

#include "wasm/aot/native_call.hpp"

namespace isobox::wasm::aot {
namespace {} // namespace

/// The plug-in: $ISOBOX_AOT_PLUGIN, else beside the executable, else where the build put it.
std::optional<std::string> compiler_plugin_path() {
  std::vector<std::string> paths;
  if (const char *env = std::getenv("ISOBOX_AOT_PLUGIN"))
    paths.emplace_back(env);
  char exe[4096];
  if (ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1); n > 0) {
    std::string dir(exe, static_cast<size_t>(n));
    paths.push_back(dir.substr(0, dir.rfind('/')) + "/libisobox_aot_llvm.so");
  }
#ifdef ISOBOX_AOT_PLUGIN_PATH
  paths.emplace_back(ISOBOX_AOT_PLUGIN_PATH);
#endif
  for (const auto &p : paths)
    if (access(p.c_str(), R_OK) == 0)
      return p;
  return std::nullopt;
}

namespace {

/// dlopen()s the plug-in on first use (libLLVM is loaded only then).
Result<CompileFn> load_plugin() {
  static CompileFn fn = nullptr;
  if (fn)
    return fn;
  const auto path = compiler_plugin_path();
  if (!path)
    return make_error("aot: the LLVM compiler plug-in (libisobox_aot_llvm.so) is not installed");
  void *h = dlopen(path->c_str(), RTLD_NOW | RTLD_LOCAL);
  if (h == nullptr)
    return make_error("aot: {}", dlerror());
  fn = reinterpret_cast<CompileFn>(dlsym(h, kCompileSymbol));
  if (fn == nullptr)
    return make_error("aot: {}: no symbol {}", *path, kCompileSymbol);
  return fn;
}

/// Symbols compiled code may refer to besides its own: the helpers and what LLVM lowers to
/// library calls.
void *resolve_symbol(std::string_view name) {
#define ISOBOX_AOT_SYM(fn)                                                                         \
  if (name == #fn)                                                                                 \
    return reinterpret_cast<void *>(&fn);
#define ISOBOX_AOT_LIBM(fn, type)                                                                  \
  if (name == #fn)                                                                                 \
    return reinterpret_cast<void *>(static_cast<type>(&::fn));
  ISOBOX_AOT_SYM(isobox_aot_trap)
  ISOBOX_AOT_SYM(isobox_aot_trap_entry)
  ISOBOX_AOT_SYM(isobox_aot_call_import)
  ISOBOX_AOT_SYM(isobox_aot_call_pending)
  ISOBOX_AOT_SYM(isobox_aot_resolve_indirect)
  ISOBOX_AOT_SYM(isobox_aot_memory_size)
  ISOBOX_AOT_SYM(isobox_aot_memory_grow)
  ISOBOX_AOT_SYM(isobox_aot_memory_fill)
  ISOBOX_AOT_SYM(isobox_aot_memory_copy)
  ISOBOX_AOT_SYM(isobox_aot_memory_init)
  ISOBOX_AOT_SYM(isobox_aot_data_drop)
  ISOBOX_AOT_SYM(isobox_aot_table_get)
  ISOBOX_AOT_SYM(isobox_aot_table_set)
  ISOBOX_AOT_SYM(isobox_aot_table_size)
  ISOBOX_AOT_SYM(isobox_aot_table_grow)
  ISOBOX_AOT_SYM(isobox_aot_table_fill)
  ISOBOX_AOT_SYM(isobox_aot_table_copy)
  ISOBOX_AOT_SYM(isobox_aot_table_init)
  ISOBOX_AOT_SYM(isobox_aot_elem_drop)
  ISOBOX_AOT_SYM(isobox_aot_ref_func)
  ISOBOX_AOT_SYM(memcpy)
  ISOBOX_AOT_SYM(memmove)
  ISOBOX_AOT_SYM(memset)
  ISOBOX_AOT_LIBM(fmod, double (*)(double, double))
  ISOBOX_AOT_LIBM(fmodf, float (*)(float, float))
  ISOBOX_AOT_LIBM(roundeven, double (*)(double))
  ISOBOX_AOT_LIBM(roundevenf, float (*)(float))
  ISOBOX_AOT_LIBM(ceil, double (*)(double))
  ISOBOX_AOT_LIBM(ceilf, float (*)(float))
  ISOBOX_AOT_LIBM(floor, double (*)(double))
  ISOBOX_AOT_LIBM(floorf, float (*)(float))
  ISOBOX_AOT_LIBM(trunc, double (*)(double))
  ISOBOX_AOT_LIBM(truncf, float (*)(float))
#undef ISOBOX_AOT_SYM
#undef ISOBOX_AOT_LIBM
  return nullptr;
}

} // namespace

bool available() { return compiler_plugin_path().has_value(); }

Result<void> load_compiler() {
  ISOBOX_TRY(load_plugin());
  return {};
}

Result<CompiledObject> compile_object(const ValidatedModule &vm, const CompileOptions &options) {
  const CompileFn fn = ISOBOX_TRY(load_plugin());
  CompileOutput out;
  const auto t0 = std::chrono::steady_clock::now();
  if (!fn(&vm, &options, &out))
    return make_error("aot: {}", out.error);
  const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - t0;
  return CompiledObject{std::move(out.object), took.count()};
}

namespace {

Result<std::shared_ptr<AotModule>> load_module_code(const ValidatedModule &vm,
                                                    std::span<const uint8_t> object) {
  auto mod = std::make_shared<AotModule>();
  mod->object_bytes = object.size();
  mod->code = ISOBOX_TRY(load_object(object, resolve_symbol));
  register_code(mod->code.code_begin(), mod->code.code_end());
  const size_t nfuncs = vm.func_types.size();
  mod->entries.assign(nfuncs, nullptr);
  mod->direct.assign(nfuncs, nullptr);
  for (uint32_t i = vm.module.imported_funcs; i < nfuncs; ++i) {
    mod->entries[i] = reinterpret_cast<EntryFn>(mod->code.symbol(entry_symbol(i)));
    mod->direct[i] = mod->code.symbol(func_symbol(i));
    if (mod->entries[i] == nullptr)
      return make_error("aot: object lacks {}", entry_symbol(i));
  }
  for (uint32_t t = 0; t < vm.module.types.size(); ++t)
    mod->thunks.push_back(mod->code.symbol(thunk_symbol(t)));
  return mod;
}

} // namespace

Result<std::shared_ptr<const AotModule>> load_code(const ValidatedModule &vm,
                                                   std::span<const uint8_t> object) {
  return ISOBOX_TRY(load_module_code(vm, object));
}

Result<std::shared_ptr<const AotModule>> compile(const ValidatedModule &vm,
                                                 const CompileOptions &options) {
  const CompiledObject compiled = ISOBOX_TRY(compile_object(vm, options));
  auto loaded = ISOBOX_TRY(load_module_code(vm, compiled.object));
  loaded->compile_ms = compiled.compile_ms;
  return std::shared_ptr<const AotModule>(std::move(loaded));
}

AotModule::~AotModule() {
  if (code.code_begin() != 0)
    unregister_code(code.code_begin());
}

/// The host function that enters compiled function `entry` from the store (interpreter,
/// embedder, other tiers).
HostFunc entry_host_func(EntryFn entry, AotContext *ctx) {
  return [entry, ctx](HostCall &, std::span<const Value> args,
                      std::span<Value> results) -> std::optional<Trap> {
    uint64_t small[16];
    std::vector<uint64_t> big;
    uint64_t *cells = small;
    if (std::max(args.size(), results.size()) > 16) {
      big.resize(std::max(args.size(), results.size()));
      cells = big.data();
    }
    for (size_t i = 0; i < args.size(); ++i)
      cells[i] = args[i].bits;
    if (auto r = run_native(ctx, entry, cells); !r)
      return std::move(r.error());
    for (size_t i = 0; i < results.size(); ++i) {
      const ValType t = results[i].type;
      results[i].bits =
          t == ValType::I32 || t == ValType::F32 ? static_cast<uint32_t>(cells[i]) : cells[i];
    }
    return std::nullopt;
  };
}

Result<void> attach(Store &store, ModuleInstance &inst, std::shared_ptr<const AotModule> code,
                    Linkage &linkage) {
  if (inst.memory0 != nullptr && inst.memory0->reserved() < kGuardedReservation)
    return make_error("aot: memory is not reserved with guard regions");
  prepare_thread();
  auto ctx = std::make_unique<AotContext>();
  ctx->mem_base = inst.memory0 ? inst.memory0->data() : nullptr;
  for (GlobalInst *g : inst.globals)
    ctx->global_cells.push_back(&g->value);
  ctx->globals = ctx->global_cells.data();
  ctx->store = &store;
  ctx->inst = &inst;
  ctx->linkage = &linkage;
  ctx->thunks = code->thunks;
  ctx->interrupt = store.limits().interrupt;
  ctx->fuel = store.fuel_left();
  ctx->depth_in_use = &linkage.depth_in_use;
  ctx->max_depth = store.limits().max_call_depth;
  const uint32_t imported = inst.module->module.imported_funcs;
  for (uint32_t i = imported; i < inst.func_addrs.size(); ++i) {
    const uint32_t addr = inst.func_addrs[i];
    FuncInst &f = store.func(addr);
    f.code = nullptr;
    f.host = entry_host_func(code->entries[i], ctx.get());
    if (linkage.by_addr.size() <= addr)
      linkage.by_addr.resize(addr + 1);
    linkage.by_addr[addr] = Linkage::Native{code->direct[i], code->entries[i], ctx.get()};
  }
  linkage.contexts.push_back(std::move(ctx));
  linkage.modules.push_back(std::move(code));
  return {};
}

} // namespace isobox::wasm::aot
