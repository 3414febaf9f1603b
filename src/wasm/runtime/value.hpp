// Value types, typed values at API boundaries, and the spec's type structures (spec 2.3).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace isobox::wasm {

/// Value types with their binary encoding (spec 5.3.1).
enum class ValType : uint8_t {
  I32 = 0x7f,
  I64 = 0x7e,
  F32 = 0x7d,
  F64 = 0x7c,
  V128 = 0x7b,
  FuncRef = 0x70,
  ExternRef = 0x6f
};

inline bool is_ref(ValType t) { return t == ValType::FuncRef || t == ValType::ExternRef; }
std::string_view to_string(ValType t);

/// Bits of a null reference (funcref and externref alike).
inline constexpr uint64_t kNullRef = ~uint64_t{0};

/// A typed value at API boundaries (inside the interpreter, cells are untyped 64-bit).
struct Value {
  ValType type = ValType::I32;
  uint64_t bits = 0; ///< i32 zero-extended; floats as raw IEEE bits; refs: kNullRef or address/id

  static Value i32(uint32_t v) { return {ValType::I32, v}; }
  static Value i64(uint64_t v) { return {ValType::I64, v}; }
  static Value f32_bits(uint32_t v) { return {ValType::F32, v}; }
  static Value f64_bits(uint64_t v) { return {ValType::F64, v}; }
  static Value funcref(uint32_t addr) { return {ValType::FuncRef, addr}; }
  static Value externref(uint64_t id) { return {ValType::ExternRef, id}; }
  static Value null(ValType t) { return {t, kNullRef}; }
  bool is_null() const { return bits == kNullRef; }
  friend bool operator==(const Value &, const Value &) = default;
};

/// Function type (spec 2.3.5).
struct FuncType {
  std::vector<ValType> params, results;
  friend bool operator==(const FuncType &, const FuncType &) = default;
};

/// Size limits of tables and memories (spec 2.3.7), in elements or 64 KiB pages.
struct Limits {
  uint32_t min = 0;
  std::optional<uint32_t> max;
  friend bool operator==(const Limits &, const Limits &) = default;
};

struct TableType {
  ValType elem = ValType::FuncRef;
  Limits limits;
};

struct MemoryType {
  Limits limits;
};

struct GlobalType {
  ValType type = ValType::I32;
  bool is_mutable = false;
};

/// The four kinds of external values (spec 4.2.11).
enum class ExternKind : uint8_t { Func = 0, Table = 1, Memory = 2, Global = 3 };

/// A reference to a store object: kind + address into the Store.
struct ExternVal {
  ExternKind kind;
  uint32_t addr;
  friend bool operator==(const ExternVal &, const ExternVal &) = default;
};

inline constexpr uint32_t kPageSize = 65536;
inline constexpr uint32_t kMaxPages = 65536;

} // namespace isobox::wasm
