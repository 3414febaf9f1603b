// Binds the WASI library as host functions of module "wasi_snapshot_preview1" in a Store.
#pragma once

#include <map>
#include <string>

#include "wasm/runtime/instantiate.hpp"
#include "wasm/runtime/store.hpp"
#include "wasm/wasi/wasi.hpp"

namespace isobox::wasm::wasi {

inline constexpr std::string_view kModuleName = "wasi_snapshot_preview1";

/// Adds every preview1 function as a host function to `store`; returns name -> func address.
/// The functions keep a reference to `wasi`, which must outlive every call into the store.
std::map<std::string, uint32_t, std::less<>> add_wasi_functions(Store &store, Wasi &wasi);

/// Resolves imports from "wasi_snapshot_preview1" against `funcs`; other modules and unknown
/// names are unresolved (instantiation then fails with "unknown import").
ImportResolver wasi_import_resolver(std::map<std::string, uint32_t, std::less<>> funcs);

/// Names of all preview1 functions bound (for docs and tests).
std::vector<std::string> wasi_function_names();

} // namespace isobox::wasm::wasi
