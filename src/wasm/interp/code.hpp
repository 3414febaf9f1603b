// Internal code of the interpreter: the operator set the validator compiles function bodies into.
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
  X(Copy)           /* dst src */                                                                  \
  X(CopyRange)      /* dst src n: n cells, ranges may overlap (a branch with many values) */       \
  X(Const32)        /* dst imm32 (zero-extended) */                                                \
  X(Const64)        /* dst lo hi */                                                                \
  X(Jump)           /* off */                                                                      \
  X(LoopEntry)      /* cost: fuel of one iteration; a loop's back edges land right after it */     \
  X(BrIfNz)         /* cond off */                                                                 \
  X(BrIfZ)          /* cond off */                                                                 \
  X(BrTableOp)      /* idx n off*(n+1) */                                                          \
  X(ReturnOp)       /* (results already copied to slots 0..n) */                                   \
  X(CallOp)         /* funcidx base */                                                             \
  X(CallLocalOp)    /* base code_lo code_hi: CompiledFunc* of a function defined in this module */ \
  X(CallIndirectOp) /* typeidx tableidx idx base */                                                \
  X(UnreachableOp)                                                                                 \
  X(SelectOp)     /* dst a b cond */                                                               \
  X(GlobalGetOp)  /* dst globalidx */                                                              \
  X(GlobalSetOp)  /* globalidx src */                                                              \
  X(RefIsNullOp)  /* dst a */                                                                      \
  X(RefFuncOp)    /* dst funcidx */                                                                \
  X(TableGetOp)   /* dst table idx */                                                              \
  X(TableSetOp)   /* table idx val */                                                              \
  X(TableSizeOp)  /* dst table */                                                                  \
  X(TableGrowOp)  /* dst table init n */                                                           \
  X(TableFillOp)  /* table i val n */                                                              \
  X(TableCopyOp)  /* dsttable srctable d s n */                                                    \
  X(TableInitOp)  /* table elem d s n */                                                           \
  X(ElemDropOp)   /* elem */                                                                       \
  X(MemorySizeOp) /* dst */                                                                        \
  X(MemoryGrowOp) /* dst n */                                                                      \
  X(MemoryInitOp) /* data d s n */                                                                 \
  X(DataDropOp)   /* data */                                                                       \
  X(MemoryCopyOp) /* d s n */                                                                      \
  X(MemoryFillOp) /* d val n */                                                                    \
  X(BrIfI32Eq)    /* a b off : fused compare + branch, taken if the comparison holds */            \
  X(BrIfI32Ne)                                                                                     \
  X(BrIfI32LtS)                                                                                    \
  X(BrIfI32LtU)                                                                                    \
  X(BrIfI32GtS)                                                                                    \
  X(BrIfI32GtU)                                                                                    \
  X(BrIfI32LeS)                                                                                    \
  X(BrIfI32LeU)                                                                                    \
  X(BrIfI32GeS)                                                                                    \
  X(BrIfI32GeU)                                                                                    \
  X(I32AddImm) /* dst a imm */                                                                     \
  /* i32 operator with an immediate second operand: dst a imm */                                   \
  X(I32MulImm)                                                                                     \
  X(I32AndImm)                                                                                     \
  X(I32OrImm)                                                                                      \
  X(I32XorImm)                                                                                     \
  X(I32ShlImm)                                                                                     \
  X(I32ShrSImm)                                                                                    \
  X(I32ShrUImm)                                                                                    \
  X(I32EqImm)                                                                                      \
  X(I32NeImm)                                                                                      \
  X(I32LtSImm)                                                                                     \
  X(I32LtUImm)                                                                                     \
  X(I32GtSImm)                                                                                     \
  X(I32GtUImm)                                                                                     \
  X(I32LeSImm)                                                                                     \
  X(I32LeUImm)                                                                                     \
  X(I32GeSImm)                                                                                     \
  X(I32GeUImm)                                                                                     \
  /* fused compare-with-immediate + branch: a imm off */                                           \
  X(BrIfI32EqImm)                                                                                  \
  X(BrIfI32NeImm)                                                                                  \
  X(BrIfI32LtSImm)                                                                                 \
  X(BrIfI32LtUImm)                                                                                 \
  X(BrIfI32GtSImm)                                                                                 \
  X(BrIfI32GtUImm)                                                                                 \
  X(BrIfI32LeSImm)                                                                                 \
  X(BrIfI32LeUImm)                                                                                 \
  X(BrIfI32GeSImm)                                                                                 \
  X(BrIfI32GeUImm)                                                                                 \
  /* load/store at address (slot + imm, i32 wrap) + offset: dst|val addr imm off */                \
  X(I32LoadK)                                                                                      \
  X(I64LoadK)                                                                                      \
  X(F32LoadK)                                                                                      \
  X(F64LoadK)                                                                                      \
  X(I32Load8SK)                                                                                    \
  X(I32Load8UK)                                                                                    \
  X(I32Load16SK)                                                                                   \
  X(I32Load16UK)                                                                                   \
  X(I64Load8SK)                                                                                    \
  X(I64Load8UK)                                                                                    \
  X(I64Load16SK)                                                                                   \
  X(I64Load16UK)                                                                                   \
  X(I64Load32SK)                                                                                   \
  X(I64Load32UK)                                                                                   \
  X(I32StoreK)                                                                                     \
  X(I64StoreK)                                                                                     \
  X(F32StoreK)                                                                                     \
  X(F64StoreK)                                                                                     \
  X(I32Store8K)                                                                                    \
  X(I32Store16K)                                                                                   \
  X(I64Store8K)                                                                                    \
  X(I64Store16K)                                                                                   \
  X(I64Store32K)                                                                                   \
  /* store of an immediate value at (addr + imm, i32 wrap) + off: addr value imm off */            \
  X(I32StoreKI)                                                                                    \
  X(I32Store8KI)                                                                                   \
  X(I32Store16KI)                                                                                  \
  /* two loads and an operator: dst addrA immA offA addrB immB offB (addresses as in K forms) */   \
  X(F32MulLL)                                                                                      \
  X(F32AddLL)                                                                                      \
  X(F64MulLL)                                                                                      \
  X(F64AddLL)                                                                                      \
  /* loop tails: i32 add then compare the sum with an immediate and branch (sum stays in dst) */   \
  /* AddImmBrIfI32<cmp>Imm dst a k imm off, then AddBrIfI32<cmp>Imm dst a b imm off */             \
  X(AddImmBrIfI32EqImm)                                                                            \
  X(AddImmBrIfI32NeImm)                                                                            \
  X(AddImmBrIfI32LtSImm)                                                                           \
  X(AddImmBrIfI32LtUImm)                                                                           \
  X(AddImmBrIfI32GtSImm)                                                                           \
  X(AddImmBrIfI32GtUImm)                                                                           \
  X(AddImmBrIfI32LeSImm)                                                                           \
  X(AddImmBrIfI32LeUImm)                                                                           \
  X(AddImmBrIfI32GeSImm)                                                                           \
  X(AddImmBrIfI32GeUImm)                                                                           \
  X(AddBrIfI32EqImm)                                                                               \
  X(AddBrIfI32NeImm)                                                                               \
  X(AddBrIfI32LtSImm)                                                                              \
  X(AddBrIfI32LtUImm)                                                                              \
  X(AddBrIfI32GtSImm)                                                                              \
  X(AddBrIfI32GtUImm)                                                                              \
  X(AddBrIfI32LeSImm)                                                                              \
  X(AddBrIfI32LeUImm)                                                                              \
  X(AddBrIfI32GeSImm)                                                                              \
  X(AddBrIfI32GeUImm)                                                                              \
  X(ExitOp) /* leaves the interpreter loop (bottom of every invoke) */

enum class IOp : uint16_t {
#define OP(prefix, code, name, ident, imm, r, p1, p2) ident,
#include "wasm/opcodes/opcodes.def"
#define ISOBOX_IOP_ENUM(name) name,
  ISOBOX_INTERNAL_OPS(ISOBOX_IOP_ENUM)
#undef ISOBOX_IOP_ENUM
      Count_
};
inline constexpr unsigned kIOpCount = static_cast<unsigned>(IOp::Count_);

inline IOp to_iop(Opcode op) { return static_cast<IOp>(static_cast<uint16_t>(op)); }

/// A function compiled by the validator. Frame layout (cells): params, declared locals, operand
/// stack slots. A call places the arguments in the caller's top slots, which become the callee's
/// params (no copying); results come back in the same slots.
struct CompiledFunc {
  std::vector<uint32_t> code; ///< units: handler offset, then immediates
  uint32_t type_index = 0;
  uint32_t num_params = 0, num_results = 0;
  uint32_t num_locals = 0; ///< declared locals
  /// Slots [zero_begin, zero_begin + zero_count) are zeroed on entry: the declared locals that
  /// may be read before written (the others are written first on every path).
  uint32_t zero_begin = 0, zero_count = 0;
  uint32_t frame_size = 0; ///< cells the frame needs, operand stack included
  /// Positions of CallLocalOp instructions; validate() patches in the callee's CompiledFunc*
  /// once every function is compiled (their addresses are final then).
  std::vector<uint32_t> local_calls;
  /// Fuel charged per call: the instructions of the body outside loops (each loop charges its own
  /// per iteration, from the cost word of its LoopEntry).
  uint32_t fuel_cost = 0;
};

/// Offsets of the interpreter's handlers, indexed by IOp; the compiler writes these into code.
const int32_t *handler_offsets();

} // namespace isobox::wasm
