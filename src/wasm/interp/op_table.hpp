// The interpreter's operator table (wasm's simple operators and the internal, fused ones: name,
// operand layout, length) and a disassembler for the code its emitter (interp/emit/) compiles.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "wasm/interp/code.hpp"

namespace isobox::wasm {

struct ValidatedModule;

/// One operator. `layout` has one letter per code unit after the handler word:
///   d destination slot   s source slot         i 32-bit immediate   m memory offset
///   l/h low/high half of a 64-bit immediate    o branch offset (units, from the instruction)
///   x index (function, global, table, type, elem or data)          n count
///   c/C low/high half of the callee's CompiledFunc*
///   t (last) the n + 1 branch offsets of a br_table, n being the preceding `n` unit
struct IOpInfo {
  std::string_view name; ///< "i32.add" for wasm's operators, "I32AddImm" for internal ones
  std::string_view layout;
  bool emitted = true; ///< false for wasm's structured operators, compiled into others
};

const IOpInfo &iop_info(IOp op);

/// Units of the instruction of operator `op` at code[pos]; nullopt if it runs past the end.
std::optional<size_t> iop_length(IOp op, std::span<const uint32_t> code, size_t pos);

/// One instruction of compiled code.
struct CodeInstr {
  size_t pos; ///< index of its handler word in the function's code
  IOp op;
  std::span<const uint32_t> operands; ///< the units after the handler word
};

/// Splits compiled code into instructions. Error (naming the position) for a word that is no
/// handler of an emitted operator or an instruction that runs past the end.
Result<std::vector<CodeInstr>> decode_code(std::span<const uint32_t> code);

/// The operator names of a function's code in order (tests check which fused operators fired).
Result<std::vector<std::string_view>> code_op_names(const CompiledFunc &func);

/// A listing of one defined function's code (`func_index` counts imported functions first), one
/// instruction per line: "  4: I32AddImm d2 s0 7". Callees show as function indices.
Result<std::string> disassemble(const ValidatedModule &module, const InterpCode &code,
                                uint32_t func_index);

} // namespace isobox::wasm
