// Typed, path-tracking reads from nlohmann::json for the spec parser (errors name the field).
#pragma once

#include <concepts>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace isobox::oci::detail {

/// Thrown inside the parser only; parse_spec turns it into an Error at its boundary.
struct SpecError {
  std::string path;
  std::string message;
};

[[noreturn]] inline void fail(const std::string &path, std::string message) {
  throw SpecError{path, std::move(message)};
}

inline std::string child(const std::string &path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

inline std::string item(const std::string &path, size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

/// The member `key` of object `obj`, or nullptr when absent or JSON null.
inline const nlohmann::json *member(const nlohmann::json &obj, std::string_view key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null())
    return nullptr;
  return &*it;
}

inline const nlohmann::json &expect_object(const nlohmann::json &v, const std::string &path) {
  if (!v.is_object())
    fail(path, "expected an object");
  return v;
}

inline const nlohmann::json &expect_array(const nlohmann::json &v, const std::string &path) {
  if (!v.is_array())
    fail(path, "expected an array");
  return v;
}

inline std::string as_string(const nlohmann::json &v, const std::string &path) {
  if (!v.is_string())
    fail(path, "expected a string");
  return v.get<std::string>();
}

inline bool as_bool(const nlohmann::json &v, const std::string &path) {
  if (!v.is_boolean())
    fail(path, "expected true or false");
  return v.get<bool>();
}

/// An integer of type T, range-checked (JSON floats and out-of-range values are refused).
template <typename T> T as_int(const nlohmann::json &v, const std::string &path) {
  if (v.is_number_unsigned()) {
    auto u = v.get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<T>::max()))
      fail(path, "integer out of range");
    return static_cast<T>(u);
  }
  if (v.is_number_integer()) {
    auto s = v.get<int64_t>();
    if constexpr (std::is_unsigned_v<T>) {
      if (s < 0)
        fail(path, "expected a non-negative integer");
      if (static_cast<uint64_t>(s) > std::numeric_limits<T>::max())
        fail(path, "integer out of range");
    } else if (s < std::numeric_limits<T>::min() || s > std::numeric_limits<T>::max()) {
      fail(path, "integer out of range");
    }
    return static_cast<T>(s);
  }
  fail(path, "expected an integer");
}

inline std::vector<std::string> as_strings(const nlohmann::json &v, const std::string &path) {
  expect_array(v, path);
  std::vector<std::string> out;
  for (size_t i = 0; i < v.size(); ++i)
    out.push_back(as_string(v[i], item(path, i)));
  return out;
}

inline std::map<std::string, std::string> as_string_map(const nlohmann::json &v,
                                                        const std::string &path) {
  expect_object(v, path);
  std::map<std::string, std::string> out;
  for (const auto &[k, val] : v.items())
    out[k] = as_string(val, child(path, k));
  return out;
}

// Optional readers: leave `out` untouched when the member is absent.
inline void opt_string(const nlohmann::json &o, std::string_view key, const std::string &path,
                       std::string &out) {
  if (const auto *v = member(o, key))
    out = as_string(*v, child(path, key));
}

inline void opt_bool(const nlohmann::json &o, std::string_view key, const std::string &path,
                     bool &out) {
  if (const auto *v = member(o, key))
    out = as_bool(*v, child(path, key));
}

inline void opt_bool(const nlohmann::json &o, std::string_view key, const std::string &path,
                     std::optional<bool> &out) {
  if (const auto *v = member(o, key))
    out = as_bool(*v, child(path, key));
}

template <typename T>
void opt_int(const nlohmann::json &o, std::string_view key, const std::string &path,
             std::optional<T> &out) {
  if (const auto *v = member(o, key))
    out = as_int<T>(*v, child(path, key));
}

/// For integer fields whose absence means their default (a device's major, a rate, ...).
template <std::integral T>
void opt_int(const nlohmann::json &o, std::string_view key, const std::string &path, T &out) {
  if (const auto *v = member(o, key))
    out = as_int<T>(*v, child(path, key));
}

inline void opt_strings(const nlohmann::json &o, std::string_view key, const std::string &path,
                        std::vector<std::string> &out) {
  if (const auto *v = member(o, key))
    out = as_strings(*v, child(path, key));
}

/// Parses member `key` with `fn(member, path)` into `out` (a section object, a string map).
template <typename T, typename Fn>
void opt_object(const nlohmann::json &o, std::string_view key, const std::string &path, T &out,
                Fn fn) {
  if (const auto *v = member(o, key))
    out = fn(*v, child(path, key));
}

/// Parses each element of array member `key` with `fn(element, path)`.
template <typename T, typename Fn>
void opt_array(const nlohmann::json &o, std::string_view key, const std::string &path,
               std::vector<T> &out, Fn fn) {
  const auto *v = member(o, key);
  if (!v)
    return;
  std::string p = child(path, key);
  expect_array(*v, p);
  for (size_t i = 0; i < v->size(); ++i)
    out.push_back(fn((*v)[i], item(p, i)));
}

} // namespace isobox::oci::detail
