// Engine adapter for isobox's interpreter: decode -> validate -> instantiate -> invoke.
#include <map>

#include <fmt/format.h>

#include "spec/engine.hpp"
#include "spec/spectest.hpp"
#include "wasm/binary/decoder.hpp"
#include "wasm/interp/invoke.hpp"
#include "wasm/runtime/instantiate.hpp"
#include "wasm/runtime/store.hpp"
#include "wasm/validator/validator.hpp"

namespace isobox::spec {
namespace {

using wasm::ExternKind;
using wasm::ExternVal;
using wasm::Trap;
using wasm::Value;

class InterpEngine final : public Engine {
public:
  InterpEngine() : m_spectest(add_spectest(m_store)) {}

  std::string_view name() const override { return "interp"; }

  std::optional<LoadError> check(std::span<const uint8_t> bytes) override {
    auto v = decode_and_validate(bytes);
    return v ? std::nullopt : std::optional(v.error());
  }

  std::expected<InstanceId, LoadError> load(std::span<const uint8_t> bytes) override {
    auto validated = decode_and_validate(bytes);
    if (!validated)
      return std::unexpected(validated.error());
    auto resolver = [this](std::string_view module, std::string_view name) {
      return resolve(module, name);
    };
    auto inst = wasm::instantiate(m_store, *validated, resolver);
    if (!inst) {
      const auto kind = inst.error().kind == wasm::InstantiateError::Unlinkable
                            ? LoadError::Kind::Unlinkable
                            : LoadError::Kind::Uninstantiable;
      return std::unexpected(LoadError{kind, inst.error().message});
    }
    m_instances.push_back(*inst);
    return static_cast<InstanceId>(m_instances.size() - 1);
  }

  void register_instance(std::string_view as, InstanceId id) override {
    m_registered[std::string(as)] = id;
  }

  std::expected<std::vector<Value>, Trap> invoke(InstanceId id, std::string_view field,
                                                 std::span<const Value> args) override {
    auto ext = m_instances.at(id)->find_export(field);
    if (!ext || ext->kind != ExternKind::Func)
      return std::unexpected(Trap{fmt::format("runner: no exported function '{}'", field), {}});
    return wasm::invoke(m_store, ext->addr, args);
  }

  std::expected<Value, std::string> get(InstanceId id, std::string_view field) override {
    auto ext = m_instances.at(id)->find_export(field);
    if (!ext || ext->kind != ExternKind::Global)
      return std::unexpected(fmt::format("no exported global '{}'", field));
    return m_store.global_get(ext->addr);
  }

private:
  std::expected<std::shared_ptr<const wasm::ValidatedModule>, LoadError>
  decode_and_validate(std::span<const uint8_t> bytes) {
    auto module = wasm::decode(bytes);
    if (!module)
      return std::unexpected(LoadError{LoadError::Kind::Malformed, module.error().message});
    auto validated = wasm::validate(std::move(*module));
    if (!validated)
      return std::unexpected(LoadError{LoadError::Kind::Invalid, validated.error().message});
    return std::move(*validated);
  }

  std::optional<ExternVal> resolve(std::string_view module, std::string_view name) const {
    if (module == "spectest") {
      auto it = m_spectest.find(name);
      return it == m_spectest.end() ? std::nullopt : std::optional(it->second);
    }
    auto it = m_registered.find(module);
    if (it == m_registered.end())
      return std::nullopt;
    return m_instances.at(it->second)->find_export(name);
  }

  wasm::Store m_store;
  HostExports m_spectest;
  std::vector<wasm::ModuleInstance *> m_instances;
  std::map<std::string, InstanceId, std::less<>> m_registered;
};

} // namespace

std::vector<std::string_view> engine_names() { return {"interp"}; }

std::unique_ptr<Engine> make_engine(std::string_view name) {
  if (name == "interp")
    return std::make_unique<InterpEngine>();
  return nullptr;
}

} // namespace isobox::spec
