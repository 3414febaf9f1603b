// Module: the decoded (not yet validated) structure of a binary module (spec 2.5).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "wasm/runtime/value.hpp"

namespace isobox::wasm {

/// A constant expression (spec 3.3.10): its raw bytes, `end` included, checked by the validator.
struct ConstExpr {
  std::vector<uint8_t> bytes;
};

struct Import {
  std::string module, name;
  ExternKind kind = ExternKind::Func;
  uint32_t func_type = 0; ///< type index, for functions
  TableType table;
  MemoryType memory;
  GlobalType global;
};

struct Export {
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t index = 0;
};

struct Global {
  GlobalType type;
  ConstExpr init;
};

/// Element segment (spec 2.5.7). Items are constant expressions (ref.func/ref.null/global.get).
struct ElemSegment {
  enum class Mode : uint8_t { Passive, Active, Declarative } mode = Mode::Passive;
  ValType type = ValType::FuncRef;
  uint32_t table = 0;
  ConstExpr offset;
  std::vector<ConstExpr> items;
};

struct DataSegment {
  enum class Mode : uint8_t { Passive, Active } mode = Mode::Passive;
  uint32_t memory = 0;
  ConstExpr offset;
  std::vector<uint8_t> bytes;
};

/// Body of a defined function: local declarations (runs) and the code bytes (expr, `end` included).
struct FuncBody {
  std::vector<std::pair<uint32_t, ValType>> locals; ///< (count, type) runs as in the binary
  uint64_t local_count = 0;                         ///< total declared locals (params excluded)
  std::vector<uint8_t> code;
  uint32_t code_offset = 0; ///< offset of `code` in the module bytes (for messages)
};

struct CustomSection {
  std::string name;
  std::vector<uint8_t> bytes;
};

/// A decoded module. Index spaces (funcs, tables, memories, globals) start with the imports.
struct Module {
  std::vector<FuncType> types;
  std::vector<Import> imports;
  std::vector<uint32_t> funcs; ///< type index of each defined function
  std::vector<TableType> tables;
  std::vector<MemoryType> memories;
  std::vector<Global> globals;
  std::vector<Export> exports;
  std::optional<uint32_t> start;
  std::vector<ElemSegment> elems;
  std::optional<uint32_t> data_count;
  std::vector<FuncBody> bodies;
  std::vector<DataSegment> datas;
  std::vector<CustomSection> customs;

  // Counts of imports by kind (filled by the decoder).
  uint32_t imported_funcs = 0, imported_tables = 0, imported_memories = 0, imported_globals = 0;
};

} // namespace isobox::wasm
