// Internal code of the interpreter: the operator set its emitter compiles function bodies into.
#pragma once

#include <cstdint>
#include <vector>

#include "wasm/opcodes/opcodes.hpp"

namespace isobox::wasm {

/// Internal operators. The first kOpcodeCount values mirror Opcode (the simple numeric operators,
/// loads and stores keep their wasm meaning with frame-slot operands); the rest are internal.
/// Every operand is a frame slot index (64-bit cells relative to the frame pointer) unless noted.
///   numeric unary  [op dst a]        numeric binary [op dst a b]
///   load           [op dst addr off] store          [op addr val off]
/// Branch offsets are in code units relative to the start of the branching instruction.
/// The i32 comparisons in opcode order (name, operand type, C++ operator).
#define ISOBOX_I32_COMPARES(C)                                                                     \
  C(Eq, uint32_t, ==)                                                                              \
  C(Ne, uint32_t, !=)                                                                              \
  C(LtS, int32_t, <)                                                                               \
  C(LtU, uint32_t, <)                                                                              \
  C(GtS, int32_t, >)                                                                               \
  C(GtU, uint32_t, >)                                                                              \
  C(LeS, int32_t, <=)                                                                              \
  C(LeU, uint32_t, <=)                                                                             \
  C(GeS, int32_t, >=)                                                                              \
  C(GeU, uint32_t, >=)

#define ISOBOX_INTERNAL_OPS(X)                                                                     \
  X(Copy, "ds")       /* dst src */                                                                \
  X(CopyRange, "dsn") /* dst src n: n cells, ranges may overlap (a branch with many values) */     \
  X(Const32, "di")    /* dst imm32 (zero-extended) */                                              \
  X(Const64, "dlh")   /* dst lo hi */                                                              \
  X(Jump, "o")        /* off */                                                                    \
  X(LoopEntry, "i")   /* cost: fuel of one iteration; a loop's back edges land right after it */   \
  X(BrIfNz, "so")     /* cond off */                                                               \
  X(BrIfZ, "so")      /* cond off */                                                               \
  X(BrTableOp, "snt") /* idx n off*(n+1) */                                                        \
  X(ReturnOp, "")     /* (results already copied to slots 0..n) */                                 \
  X(CallOp, "xs")     /* funcidx base */                                                           \
  X(CallLocalOp,                                                                                   \
    "scC") /* base code_lo code_hi: CompiledFunc* of a function defined in this module */          \
  X(CallIndirectOp, "xxss") /* typeidx tableidx idx base */                                        \
  X(UnreachableOp, "")                                                                             \
  X(SelectOp, "dsss")     /* dst a b cond */                                                       \
  X(GlobalGetOp, "dx")    /* dst globalidx */                                                      \
  X(GlobalSetOp, "xs")    /* globalidx src */                                                      \
  X(RefIsNullOp, "ds")    /* dst a */                                                              \
  X(RefFuncOp, "dx")      /* dst funcidx */                                                        \
  X(TableGetOp, "dxs")    /* dst table idx */                                                      \
  X(TableSetOp, "xss")    /* table idx val */                                                      \
  X(TableSizeOp, "dx")    /* dst table */                                                          \
  X(TableGrowOp, "dxss")  /* dst table init n */                                                   \
  X(TableFillOp, "xsss")  /* table i val n */                                                      \
  X(TableCopyOp, "xxsss") /* dsttable srctable d s n */                                            \
  X(TableInitOp, "xxsss") /* table elem d s n */                                                   \
  X(ElemDropOp, "x")      /* elem */                                                               \
  X(MemorySizeOp, "d")    /* dst */                                                                \
  X(MemoryGrowOp, "ds")   /* dst n */                                                              \
  X(MemoryInitOp, "xsss") /* data d s n */                                                         \
  X(DataDropOp, "x")      /* data */                                                               \
  X(MemoryCopyOp, "sss")  /* d s n */                                                              \
  X(MemoryFillOp, "sss")  /* d val n */                                                            \
  X(BrIfI32Eq, "sso")     /* a b off : fused compare + branch, taken if the comparison holds */    \
  X(BrIfI32Ne, "sso")                                                                              \
  X(BrIfI32LtS, "sso")                                                                             \
  X(BrIfI32LtU, "sso")                                                                             \
  X(BrIfI32GtS, "sso")                                                                             \
  X(BrIfI32GtU, "sso")                                                                             \
  X(BrIfI32LeS, "sso")                                                                             \
  X(BrIfI32LeU, "sso")                                                                             \
  X(BrIfI32GeS, "sso")                                                                             \
  X(BrIfI32GeU, "sso")                                                                             \
  X(I32AddImm, "dsi") /* dst a imm */                                                              \
  /* i32 operator with an immediate second operand: dst a imm */                                   \
  X(I32MulImm, "dsi")                                                                              \
  X(I32AndImm, "dsi")                                                                              \
  X(I32OrImm, "dsi")                                                                               \
  X(I32XorImm, "dsi")                                                                              \
  X(I32ShlImm, "dsi")                                                                              \
  X(I32ShrSImm, "dsi")                                                                             \
  X(I32ShrUImm, "dsi")                                                                             \
  X(I32EqImm, "dsi")                                                                               \
  X(I32NeImm, "dsi")                                                                               \
  X(I32LtSImm, "dsi")                                                                              \
  X(I32LtUImm, "dsi")                                                                              \
  X(I32GtSImm, "dsi")                                                                              \
  X(I32GtUImm, "dsi")                                                                              \
  X(I32LeSImm, "dsi")                                                                              \
  X(I32LeUImm, "dsi")                                                                              \
  X(I32GeSImm, "dsi")                                                                              \
  X(I32GeUImm, "dsi")                                                                              \
  /* fused compare-with-immediate + branch: a imm off */                                           \
  X(BrIfI32EqImm, "sio")                                                                           \
  X(BrIfI32NeImm, "sio")                                                                           \
  X(BrIfI32LtSImm, "sio")                                                                          \
  X(BrIfI32LtUImm, "sio")                                                                          \
  X(BrIfI32GtSImm, "sio")                                                                          \
  X(BrIfI32GtUImm, "sio")                                                                          \
  X(BrIfI32LeSImm, "sio")                                                                          \
  X(BrIfI32LeUImm, "sio")                                                                          \
  X(BrIfI32GeSImm, "sio")                                                                          \
  X(BrIfI32GeUImm, "sio")                                                                          \
  /* load/store at address (slot + imm, i32 wrap) + offset: dst|val addr imm off */                \
  X(I32LoadK, "dsim")                                                                              \
  X(I64LoadK, "dsim")                                                                              \
  X(F32LoadK, "dsim")                                                                              \
  X(F64LoadK, "dsim")                                                                              \
  X(I32Load8SK, "dsim")                                                                            \
  X(I32Load8UK, "dsim")                                                                            \
  X(I32Load16SK, "dsim")                                                                           \
  X(I32Load16UK, "dsim")                                                                           \
  X(I64Load8SK, "dsim")                                                                            \
  X(I64Load8UK, "dsim")                                                                            \
  X(I64Load16SK, "dsim")                                                                           \
  X(I64Load16UK, "dsim")                                                                           \
  X(I64Load32SK, "dsim")                                                                           \
  X(I64Load32UK, "dsim")                                                                           \
  X(I32StoreK, "ssim")                                                                             \
  X(I64StoreK, "ssim")                                                                             \
  X(F32StoreK, "ssim")                                                                             \
  X(F64StoreK, "ssim")                                                                             \
  X(I32Store8K, "ssim")                                                                            \
  X(I32Store16K, "ssim")                                                                           \
  X(I64Store8K, "ssim")                                                                            \
  X(I64Store16K, "ssim")                                                                           \
  X(I64Store32K, "ssim")                                                                           \
  /* store of an immediate value at (addr + imm, i32 wrap) + off: addr value imm off */            \
  X(I32StoreKI, "siim")                                                                            \
  X(I32Store8KI, "siim")                                                                           \
  X(I32Store16KI, "siim")                                                                          \
  /* two loads and an operator: dst addrA immA offA addrB immB offB (addresses as in K forms) */   \
  X(F32MulLL, "dsimsim")                                                                           \
  X(F32AddLL, "dsimsim")                                                                           \
  X(F64MulLL, "dsimsim")                                                                           \
  X(F64AddLL, "dsimsim")                                                                           \
  /* loop tails: i32 add then compare the sum with an immediate and branch (sum stays in dst) */   \
  /* AddImmBrIfI32<cmp>Imm dst a k imm off, then AddBrIfI32<cmp>Imm dst a b imm off */             \
  X(AddImmBrIfI32EqImm, "dsiio")                                                                   \
  X(AddImmBrIfI32NeImm, "dsiio")                                                                   \
  X(AddImmBrIfI32LtSImm, "dsiio")                                                                  \
  X(AddImmBrIfI32LtUImm, "dsiio")                                                                  \
  X(AddImmBrIfI32GtSImm, "dsiio")                                                                  \
  X(AddImmBrIfI32GtUImm, "dsiio")                                                                  \
  X(AddImmBrIfI32LeSImm, "dsiio")                                                                  \
  X(AddImmBrIfI32LeUImm, "dsiio")                                                                  \
  X(AddImmBrIfI32GeSImm, "dsiio")                                                                  \
  X(AddImmBrIfI32GeUImm, "dsiio")                                                                  \
  X(AddBrIfI32EqImm, "dssio")                                                                      \
  X(AddBrIfI32NeImm, "dssio")                                                                      \
  X(AddBrIfI32LtSImm, "dssio")                                                                     \
  X(AddBrIfI32LtUImm, "dssio")                                                                     \
  X(AddBrIfI32GtSImm, "dssio")                                                                     \
  X(AddBrIfI32GtUImm, "dssio")                                                                     \
  X(AddBrIfI32LeSImm, "dssio")                                                                     \
  X(AddBrIfI32LeUImm, "dssio")                                                                     \
  X(AddBrIfI32GeSImm, "dssio")                                                                     \
  X(AddBrIfI32GeUImm, "dssio")                                                                     \
  X(ExitOp, "") /* leaves the interpreter loop (bottom of every invoke) */

enum class IOp : uint16_t {
#define OP(prefix, code, name, ident, imm, r, p1, p2) ident,
#include "wasm/opcodes/opcodes.def"
#define ISOBOX_IOP_ENUM(name, layout) name,
  ISOBOX_INTERNAL_OPS(ISOBOX_IOP_ENUM)
#undef ISOBOX_IOP_ENUM
      Count_
};
inline constexpr unsigned kIOpCount = static_cast<unsigned>(IOp::Count_);

inline IOp to_iop(Opcode op) { return static_cast<IOp>(static_cast<uint16_t>(op)); }

/// A function compiled by the interpreter's emitter. Frame layout (cells): params, declared locals,
/// operand stack slots. A call places the arguments in the caller's top slots, which become the
/// callee's params (no copying); results come back in the same slots.
struct CompiledFunc {
  std::vector<uint32_t> code; ///< units: handler offset, then immediates
  uint32_t type_index = 0;
  uint32_t num_params = 0, num_results = 0;
  uint32_t num_locals = 0; ///< declared locals
  /// Slots [zero_begin, zero_begin + zero_count) are zeroed on entry: the declared locals that
  /// may be read before written (the others are written first on every path).
  uint32_t zero_begin = 0, zero_count = 0;
  uint32_t frame_size = 0; ///< cells the frame needs, operand stack included
  /// Positions of CallLocalOp instructions; InterpEmitter::take() patches in the callee's
  /// CompiledFunc* once every function is compiled (their addresses are final then).
  std::vector<uint32_t> local_calls;
  /// Fuel charged per call: the instructions of the body outside loops (each loop charges its own
  /// per iteration, from the cost word of its LoopEntry).
  uint32_t fuel_cost = 0;
};

/// The interpreter's code of one module: a CompiledFunc per defined function (index -
/// imported_funcs). Made by InterpEmitter (interp/emit/), kept by the instances that run it.
struct InterpCode {
  std::vector<CompiledFunc> funcs;
};

/// Offsets of the interpreter's handlers, indexed by IOp; the compiler writes these into code.
const int32_t *handler_offsets();

} // namespace isobox::wasm
