// Module instances and instantiation (spec 4.5.4): imports, exports, segments, start function.
#pragma once

#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "wasm/runtime/store.hpp"
#include "wasm/validator/validator.hpp"

namespace isobox::wasm {

/// Element/data segment state of an instance (dropped segments become empty).
struct ElemInst {
  ValType type = ValType::FuncRef;
  std::vector<uint64_t> refs;
};
struct DataInst {
  std::span<const uint8_t> bytes; ///< points into the ValidatedModule; empty once dropped
};

/// An instantiated module. Owned by the Store; keeps its ValidatedModule (and code) alive.
struct ModuleInstance {
  std::shared_ptr<const ValidatedModule> module;
  std::vector<uint32_t> func_addrs, table_addrs, memory_addrs, global_addrs;
  // Direct pointers for the interpreter (same order as the index spaces).
  std::vector<FuncInst *> funcs;
  std::vector<TableInst *> tables;
  std::vector<GlobalInst *> globals;
  MemInst *memory0 = nullptr;
  std::vector<uint32_t> type_ids; ///< store type id of each type index
  std::vector<ElemInst> elems;
  std::vector<DataInst> datas;
  std::unordered_map<std::string, ExternVal> exports;

  std::optional<ExternVal> find_export(std::string_view name) const {
    auto it = exports.find(std::string(name));
    if (it == exports.end())
      return std::nullopt;
    return it->second;
  }
};

/// Why instantiation failed: Unlinkable ("unknown import", "incompatible import type") or
/// Uninstantiable (a trap while initialising segments or in the start function).
struct InstantiateError {
  enum Kind { Unlinkable, Uninstantiable } kind;
  std::string message;
};

/// Resolves an import to a store object; nullopt => "unknown import".
using ImportResolver =
    std::function<std::optional<ExternVal>(std::string_view module, std::string_view name)>;

/// Instantiates `module` in `store`; runs the start function unless `run_start` is false (an
/// embedder that confines or limits guest code first runs it itself: start_func_addr).
std::expected<ModuleInstance *, InstantiateError>
instantiate(Store &store, std::shared_ptr<const ValidatedModule> module,
            const ImportResolver &resolve, bool run_start = true);

/// The store address of the instance's start function, if its module has one.
std::optional<uint32_t> start_func_addr(const ModuleInstance &inst);

} // namespace isobox::wasm
