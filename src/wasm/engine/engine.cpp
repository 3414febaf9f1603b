// The tier-independent part of Engine: linking (define, register), loading, exports, start.
#include "wasm/engine/engine.hpp"

#include <fmt/format.h>

#include "wasm/binary/decoder.hpp"
#include "wasm/validator/validator.hpp"

namespace isobox::wasm {

std::string_view to_string(LoadError::Kind kind) {
  switch (kind) {
  case LoadError::Kind::Malformed: return "malformed";
  case LoadError::Kind::Invalid: return "invalid";
  case LoadError::Kind::Unlinkable: return "unlinkable";
  case LoadError::Kind::Uninstantiable: return "uninstantiable";
  }
  return "?";
}

Engine::Engine(const StoreLimits &limits) : m_store(limits) {}

Engine::~Engine() = default;

void Engine::define(std::string_view module, std::string_view name, ExternVal value) {
  m_defined[std::string(module)][std::string(name)] = value;
}

std::optional<LoadError> Engine::check(std::span<const uint8_t> bytes, const LoadOptions &options) {
  auto v = decode_and_validate(bytes, options, false);
  return v ? std::nullopt : std::optional(v.error());
}

std::expected<InstanceId, LoadError> Engine::load(std::span<const uint8_t> bytes,
                                                  const LoadOptions &options) {
  auto validated = decode_and_validate(bytes, options, true);
  if (!validated)
    return std::unexpected(validated.error());
  return load(std::move(*validated), options);
}

std::expected<InstanceId, LoadError> Engine::load(std::shared_ptr<const ValidatedModule> module,
                                                  const LoadOptions &options) {
  auto compiled = prepare(std::move(module), options);
  if (!compiled)
    return std::unexpected(compiled.error());
  auto resolver = [this](std::string_view from, std::string_view name) {
    return resolve(from, name);
  };
  std::optional<LoadError> link_error;
  auto attach = [&](ModuleInstance &created) -> std::optional<InstantiateError> {
    link_error = link(**compiled, created);
    if (!link_error)
      return std::nullopt;
    return InstantiateError{InstantiateError::Uninstantiable, link_error->message};
  };
  auto inst = instantiate(m_store, *compiled, resolver, false, attach);
  if (link_error)
    return std::unexpected(std::move(*link_error));
  if (!inst) {
    const auto kind = inst.error().kind == InstantiateError::Unlinkable
                          ? LoadError::Kind::Unlinkable
                          : LoadError::Kind::Uninstantiable;
    return std::unexpected(LoadError{kind, inst.error().message});
  }
  if (auto start = start_func_addr(**inst); start && options.run_start) {
    if (auto r = call(*start, {}); !r)
      return std::unexpected(LoadError{LoadError::Kind::Uninstantiable, r.error().message});
  }
  m_instances.push_back(*inst);
  return static_cast<InstanceId>(m_instances.size() - 1);
}

void Engine::register_instance(std::string_view as, InstanceId id) {
  m_registered[std::string(as)] = id;
}

std::optional<uint32_t> Engine::start_function(InstanceId id) const {
  return start_func_addr(instance(id));
}

InvokeResult Engine::invoke(InstanceId id, std::string_view field, std::span<const Value> args) {
  auto ext = instance(id).find_export(field);
  if (!ext || ext->kind != ExternKind::Func)
    return std::unexpected(Trap{fmt::format("runner: no exported function '{}'", field), {}});
  return call(ext->addr, args);
}

std::expected<Value, std::string> Engine::get(InstanceId id, std::string_view field) const {
  auto ext = instance(id).find_export(field);
  if (!ext || ext->kind != ExternKind::Global)
    return std::unexpected(fmt::format("no exported global '{}'", field));
  return m_store.global_get(ext->addr);
}

Result<std::shared_ptr<const ValidatedModule>>
Engine::validate_for_tier(Module module, const LoadOptions &options) {
  return validate(std::move(module), ValidateOptions{.interrupt = options.interrupt});
}

std::expected<std::shared_ptr<const ValidatedModule>, LoadError>
Engine::decode_and_validate(std::span<const uint8_t> bytes, const LoadOptions &options,
                            bool for_tier) {
  auto module = decode(bytes);
  if (!module)
    return std::unexpected(LoadError{LoadError::Kind::Malformed, module.error().message});
  auto validated =
      for_tier ? validate_for_tier(std::move(*module), options)
               : validate(std::move(*module), ValidateOptions{.interrupt = options.interrupt});
  if (!validated)
    return std::unexpected(LoadError{LoadError::Kind::Invalid, validated.error().message});
  return std::move(*validated);
}

std::optional<ExternVal> Engine::resolve(std::string_view module, std::string_view name) const {
  if (auto m = m_defined.find(module); m != m_defined.end()) {
    auto it = m->second.find(name);
    return it == m->second.end() ? std::nullopt : std::optional(it->second);
  }
  auto it = m_registered.find(module);
  if (it == m_registered.end())
    return std::nullopt;
  return instance(it->second).find_export(name);
}

} // namespace isobox::wasm
