// A small loader for the x86-64 ELF relocatable objects LLVM emits: maps the sections, applies
// the relocations, then makes code read-execute and data read-only (never writable and
// executable at once: W^X).
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/error.hpp"
#include "wasm/aot/abi.hpp"

namespace isobox::wasm::aot {

/// Address of an undefined symbol the object refers to (runtime helpers, libc), or null.
using SymbolResolver = std::function<void *(std::string_view name)>;

namespace detail {
class Loader;
}

/// Loaded code: owns its mapping (unmapped on destruction) and knows its global symbols.
class LoadedObject {
public:
  LoadedObject() = default;
  ~LoadedObject();
  LoadedObject(const LoadedObject &) = delete;
  LoadedObject &operator=(const LoadedObject &) = delete;
  LoadedObject(LoadedObject &&other) noexcept;
  LoadedObject &operator=(LoadedObject &&other) noexcept;

  /// Address of a defined global symbol, or null.
  void *symbol(const std::string &name) const;
  /// The code symbol (abi.hpp: a function, an entry wrapper or a thunk) whose code holds `pc`,
  /// from the object's symbol table (local symbols too); null if none does.
  struct CodeRange {
    uintptr_t begin, end;
    CodeSymbol sym;
  };
  const CodeRange *code_at(uintptr_t pc) const;
  /// The executable range [code_begin, code_end).
  uintptr_t code_begin() const { return reinterpret_cast<uintptr_t>(m_base); }
  uintptr_t code_end() const { return code_begin() + m_code_size; }

  friend class detail::Loader;

private:
  uint8_t *m_base = nullptr;
  size_t m_size = 0;
  size_t m_code_size = 0;
  std::unordered_map<std::string, void *> m_symbols;
  std::vector<CodeRange> m_code_ranges;
};

/// Loads an ET_REL x86-64 object. Errors name what is malformed or unsupported (a relocation
/// kind, an unresolved symbol).
Result<LoadedObject> load_object(std::span<const uint8_t> elf, const SymbolResolver &resolve);

} // namespace isobox::wasm::aot
