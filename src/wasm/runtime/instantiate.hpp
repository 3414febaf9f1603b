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

/// An instantiated module. Owned by the Store; keeps its ValidatedModule and the interpreter's
/// code for it (if it runs interpreted) alive.
struct ModuleInstance {
  std::shared_ptr<const ValidatedModule> module;
  std::shared_ptr<const InterpCode> interp_code; ///< null until attach_interp_code()
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

/// Gives a new instance's functions their code (a tier's), once they exist and before segments
/// are initialised: an element segment may put them into an imported table, which keeps them
/// even if instantiation then fails (spec 4.5.4). An error makes instantiation fail.
using AttachCode = std::function<std::optional<InstantiateError>(ModuleInstance &)>;

/// Instantiates `module` in `store`, `attach` giving its functions their code; runs the start
/// function unless `run_start` is false (an embedder that confines or limits guest code first
/// runs it itself: start_func_addr).
std::expected<ModuleInstance *, InstantiateError>
instantiate(Store &store, std::shared_ptr<const ValidatedModule> module,
            const ImportResolver &resolve, bool run_start, const AttachCode &attach);

/// The same with the interpreter's `code` for the module (attach_interp_code).
std::expected<ModuleInstance *, InstantiateError>
instantiate(Store &store, std::shared_ptr<const ValidatedModule> module,
            const ImportResolver &resolve, bool run_start = true,
            std::shared_ptr<const InterpCode> code = nullptr);

/// Makes the instance's defined functions run `code` in the interpreter (InterpCode of the
/// instance's module: interp/interp_module.hpp); the instance keeps it alive.
void attach_interp_code(Store &store, ModuleInstance &inst, std::shared_ptr<const InterpCode> code);

/// The store address of the instance's start function, if its module has one.
std::optional<uint32_t> start_func_addr(const ModuleInstance &inst);

} // namespace isobox::wasm
