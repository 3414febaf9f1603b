// The compiler plug-in (libisobox_aot_llvm.so): a decoded, validated Module -> LLVM IR ->
// optimised -> an ELF relocatable object for the host CPU. Loaded with dlopen only to compile.
#include <llvm/Analysis/CGSCCPassManager.h>
#include <llvm/Analysis/LoopAnalysisManager.h>
#include <llvm/Config/llvm-config.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Verifier.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/TargetParser/Host.h>
#include <llvm/TargetParser/SubtargetFeature.h>

#include "wasm/aot/llvm/translate.hpp"
#include "wasm/validator/func_validator.hpp"

namespace isobox::wasm::aot {

llvm::Type *ModuleEnv::type_of(ValType t) const {
  switch (t) {
  case ValType::I32: return llvm::Type::getInt32Ty(ll);
  case ValType::F32: return llvm::Type::getFloatTy(ll);
  case ValType::F64: return llvm::Type::getDoubleTy(ll);
  default: return llvm::Type::getInt64Ty(ll); // i64 and references (store address or null)
  }
}

llvm::Type *ModuleEnv::results_type(const FuncType &ft) const {
  if (ft.results.empty())
    return llvm::Type::getVoidTy(ll);
  if (ft.results.size() == 1)
    return type_of(ft.results[0]);
  std::vector<llvm::Type *> ts;
  for (ValType t : ft.results)
    ts.push_back(type_of(t));
  return llvm::StructType::get(ll, ts);
}

llvm::FunctionType *ModuleEnv::wasm_fn_type(const FuncType &ft) const {
  std::vector<llvm::Type *> ps{ptr(), llvm::Type::getInt32Ty(ll)};
  for (ValType t : ft.params)
    ps.push_back(type_of(t));
  return llvm::FunctionType::get(results_type(ft), ps, false);
}

namespace {

/// Loads argument `i` of type `t` from a 64-bit cell / stores a value into one.
llvm::Value *load_cell(llvm::IRBuilder<> &b, llvm::Value *cells, unsigned i, llvm::Type *t) {
  return b.CreateLoad(t, b.CreateConstInBoundsGEP1_64(b.getInt64Ty(), cells, i));
}

void store_cell(llvm::IRBuilder<> &b, llvm::LLVMContext &ll, llvm::Value *cells, unsigned i,
                llvm::Value *v) {
  llvm::Type *t = v->getType();
  if (t->isFloatingPointTy())
    v = b.CreateBitCast(v, llvm::IntegerType::get(ll, t->getPrimitiveSizeInBits()));
  b.CreateStore(b.CreateZExt(v, b.getInt64Ty()),
                b.CreateConstInBoundsGEP1_64(b.getInt64Ty(), cells, i));
}

void store_results(llvm::IRBuilder<> &b, ModuleEnv &env, llvm::Value *cells, llvm::Value *ret,
                   const FuncType &ft) {
  if (ft.results.size() == 1)
    store_cell(b, env.ll, cells, 0, ret);
  else
    for (unsigned i = 0; i < ft.results.size(); ++i)
      store_cell(b, env.ll, cells, i, b.CreateExtractValue(ret, i));
}

} // namespace

void add_entry_wrapper(ModuleEnv &env, uint32_t func_index) {
  const FuncType &ft = env.wm.types[env.func_types[func_index]];
  auto *fty = llvm::FunctionType::get(llvm::Type::getVoidTy(env.ll), {env.ptr(), env.ptr()}, false);
  auto *fn = llvm::Function::Create(fty, llvm::Function::ExternalLinkage, entry_symbol(func_index),
                                    env.mod);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(env.ll, "entry", fn));
  llvm::Value *cells = fn->getArg(1);
  std::vector<llvm::Value *> args{fn->getArg(0), b.getInt32(0)};
  if (env.count_depth) // above the frames of the invokes this one is nested in
    args[1] = b.CreateLoad(b.getInt32Ty(), load_ctx_pointer(b, fn->getArg(0), kCtxDepthInUse));
  for (unsigned i = 0; i < ft.params.size(); ++i)
    args.push_back(load_cell(b, cells, i, env.type_of(ft.params[i])));
  llvm::Value *ret = b.CreateCall(env.funcs[func_index], args);
  if (!ft.results.empty())
    store_results(b, env, cells, ret, ft);
  b.CreateRetVoid();
}

/// `R isobox_tT(ctx, params...)`: calls ctx->pending_addr through the runtime (call_indirect to
/// a host function, an interpreted one, or another instance's).
void add_call_thunk(ModuleEnv &env, uint32_t type_index) {
  const FuncType &ft = env.wm.types[type_index];
  auto *fn = llvm::Function::Create(env.wasm_fn_type(ft), llvm::Function::ExternalLinkage,
                                    thunk_symbol(type_index), env.mod);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(env.ll, "entry", fn));
  const size_t n = std::max<size_t>({ft.params.size(), ft.results.size(), 1});
  auto *cells = b.CreateAlloca(b.getInt64Ty(), b.getInt32(static_cast<uint32_t>(n)));
  for (unsigned i = 0; i < ft.params.size(); ++i)
    store_cell(b, env.ll, cells, i, fn->getArg(i + 2));
  if (env.count_depth) // the callee takes no frame; a guest it invokes continues above
    b.CreateStore(fn->getArg(1), load_ctx_pointer(b, fn->getArg(0), kCtxDepthInUse));
  llvm::FunctionCallee helper = env.mod.getOrInsertFunction(
      "isobox_aot_call_pending",
      llvm::FunctionType::get(b.getVoidTy(), {env.ptr(), b.getInt32Ty(), env.ptr()}, false));
  b.CreateCall(helper, {fn->getArg(0), b.getInt32(type_index), cells});
  if (ft.results.empty()) {
    b.CreateRetVoid();
    return;
  }
  if (ft.results.size() == 1) {
    b.CreateRet(load_cell(b, cells, 0, env.type_of(ft.results[0])));
    return;
  }
  llvm::Value *agg = llvm::PoisonValue::get(env.results_type(ft));
  for (unsigned i = 0; i < ft.results.size(); ++i)
    agg = b.CreateInsertValue(agg, load_cell(b, cells, i, env.type_of(ft.results[i])), i);
  b.CreateRet(agg);
}

namespace {

std::unique_ptr<llvm::TargetMachine> host_machine(std::string &error) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  const std::string triple = llvm::sys::getProcessTriple();
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (target == nullptr)
    return nullptr;
  llvm::SubtargetFeatures features;
  for (const auto &[name, on] : llvm::sys::getHostCPUFeatures())
    features.AddFeature(name, on);
  llvm::TargetOptions options;
  options.AllowFPOpFusion = llvm::FPOpFusion::Strict; // Wasm rounds every operation: no FMA
  return std::unique_ptr<llvm::TargetMachine>(target->createTargetMachine(
      triple, llvm::sys::getHostCPUName(), features.getString(), options, llvm::Reloc::PIC_,
      llvm::CodeModel::Small, llvm::CodeGenOptLevel::Aggressive));
}

void optimize(llvm::Module &mod, llvm::TargetMachine &tm, int opt_level) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PassBuilder pb(&tm);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  const llvm::OptimizationLevel level = opt_level <= 0   ? llvm::OptimizationLevel::O0
                                        : opt_level == 1 ? llvm::OptimizationLevel::O1
                                        : opt_level == 2 ? llvm::OptimizationLevel::O2
                                                         : llvm::OptimizationLevel::O3;
  llvm::ModulePassManager mpm = level == llvm::OptimizationLevel::O0
                                    ? pb.buildO0DefaultPipeline(level)
                                    : pb.buildPerModuleDefaultPipeline(level);
  mpm.run(mod, mam);
}

/// Functions whose reference can exist (elements, exports, global initialisers): the only ones
/// call_indirect may reach directly.
std::vector<bool> referenced_funcs(const Module &m, size_t count) {
  std::vector<bool> ref(count, false);
  auto scan = [&](const ConstExpr &e) {
    if (e.bytes.size() > 1 && e.bytes[0] == 0xd2) { // ref.func idx (LEB128)
      uint64_t idx = 0;
      for (size_t i = 1, shift = 0; i < e.bytes.size() && shift < 35; ++i, shift += 7) {
        idx |= uint64_t{e.bytes[i] & 0x7fu} << shift;
        if (!(e.bytes[i] & 0x80))
          break;
      }
      if (idx < count)
        ref[idx] = true;
    }
  };
  for (const auto &seg : m.elems)
    for (const auto &item : seg.items)
      scan(item);
  for (const auto &g : m.globals)
    scan(g.init);
  return ref;
}

/// Declares every defined function: internal unless a reference to it can exist (then the loader
/// exports it for call_indirect).
void declare_functions(ModuleEnv &env) {
  const Module &m = env.wm;
  env.funcs.assign(env.func_types.size(), nullptr);
  const std::vector<bool> referenced = referenced_funcs(m, env.func_types.size());
  for (uint32_t i = m.imported_funcs; i < env.func_types.size(); ++i) {
    auto linkage =
        referenced[i] ? llvm::Function::ExternalLinkage : llvm::Function::InternalLinkage;
    auto *f = llvm::Function::Create(env.wasm_fn_type(m.types[env.func_types[i]]), linkage,
                                     func_symbol(i), env.mod);
    // No libcalls (memset/memcpy) made from guest loops: a fault there would not be ours.
    f->addFnAttr("no-builtins");
    f->addFnAttr(llvm::Attribute::NoUnwind);
    // A trap names the function its code address belongs to (the loaded object's symbols), so
    // no function's code may end up inside another's.
    f->addFnAttr(llvm::Attribute::NoInline);
    env.funcs[i] = f;
  }
}

void collect_types(ModuleEnv &env) {
  const Module &m = env.wm;
  for (const Import &im : m.imports) {
    if (im.kind == ExternKind::Func)
      env.func_types.push_back(im.func_type);
    else if (im.kind == ExternKind::Global)
      env.global_types.push_back(im.global.type);
    else if (im.kind == ExternKind::Memory)
      env.has_memory = true;
  }
  env.func_types.insert(env.func_types.end(), m.funcs.begin(), m.funcs.end());
  for (const Global &g : m.globals)
    env.global_types.push_back(g.type.type);
  env.has_memory = env.has_memory || !m.memories.empty();
}

/// Calls to the runtime's helpers and from entry wrappers are never tail calls: a trap names its
/// function by the return address of the helper that raised it (or, in a prologue, by the
/// function's own), which a tail call would take from a frame that is gone.
void keep_frames_at_calls(llvm::Module &mod) {
  for (llvm::Function &f : mod)
    for (llvm::BasicBlock &bb : f)
      for (llvm::Instruction &in : bb)
        if (auto *call = llvm::dyn_cast<llvm::CallInst>(&in))
          if (const llvm::Function *callee = call->getCalledFunction();
              callee != nullptr && callee->getName().starts_with("isobox_"))
            call->setTailCallKind(llvm::CallInst::TCK_NoTail);
}

/// One pass of the function validator over every body drives the emitter; the module was
/// validated already, so only what the emitter cannot translate fails.
bool translate(const ValidatedModule &module, ModuleEnv &env, std::string &error) {
  collect_types(env);
  declare_functions(env);
  LlvmEmitter emitter(env);
  if (auto done = validation::validate_bodies(module, emitter, nullptr); !done) {
    error = done.error().message;
    return false;
  }
  for (uint32_t i = env.wm.imported_funcs; i < env.func_types.size(); ++i)
    add_entry_wrapper(env, i);
  for (uint32_t t = 0; t < env.wm.types.size(); ++t)
    add_call_thunk(env, t);
  keep_frames_at_calls(env.mod);
  std::string verify;
  llvm::raw_string_ostream os(verify);
  if (llvm::verifyModule(env.mod, &os)) {
    error = "LLVM IR does not verify: " + verify.substr(0, 2000);
    return false;
  }
  return true;
}

} // namespace
} // namespace isobox::wasm::aot

extern "C" __attribute__((visibility("default"))) bool
isobox_aot_compile_v2(const isobox::wasm::ValidatedModule *module,
                      const isobox::wasm::aot::CompileOptions *options,
                      isobox::wasm::aot::CompileOutput *out) {
  using namespace isobox::wasm::aot;
  out->llvm_version = LLVM_VERSION_STRING;
  auto tm = host_machine(out->error);
  if (!tm)
    return false;
  llvm::LLVMContext ll;
  llvm::Module mod("wasm", ll);
  mod.setDataLayout(tm->createDataLayout());
  mod.setTargetTriple(tm->getTargetTriple().str());
  ModuleEnv env{.ll = ll, .mod = mod, .wm = module->module};
  env.interruptible = options->interruptible;
  env.metered = options->metered;
  env.count_depth = options->count_depth;
  if (!translate(*module, env, out->error))
    return false;
  optimize(mod, *tm, options->opt_level);
  llvm::SmallVector<char, 0> buffer;
  llvm::raw_svector_ostream os(buffer);
  llvm::legacy::PassManager pm;
  if (tm->addPassesToEmitFile(pm, os, nullptr, llvm::CodeGenFileType::ObjectFile)) {
    out->error = "LLVM cannot emit an object for this target";
    return false;
  }
  pm.run(mod);
  out->object.assign(buffer.begin(), buffer.end());
  return true;
}
